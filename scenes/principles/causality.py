"""Causality (Michotte launching): a sliding object hits a resting one, which is launched.

Equal masses, elastic contact: the mover stops, the target leaves at the mover's speed.
Occluded (splice): the contact happens just behind the edge of a screen; run B is run A
delayed by a few frames. Splicing while the mover is hidden and the target still rests
gives a launch too early (the target starts before anything can have reached it) and a
launch too late (it is hit and does not move). Visible (crossed): run B has no mover;
clip 1 shows the mover hitting a target that stays put, clip 2 the target leaving untouched.
Design 2, occluded (issue 12): with equal masses the mover stopped behind the screen and was
never seen again, so the outcome was not all on screen. The mover is now three times as heavy as
the target: after the elastic contact it rolls on at half its speed (out from behind the
screen) and the target leaves at 1.5 times it (1-D elastic collision, mass ratio 3).
"""
from ..layout import ENTRY_X, LANE_PER_SCREEN, SCREEN_HEIGHTS, make_object, sample_stage, screen, speed_to_reach
from ..quadruplet import Pair
from ..spec import SHAPES, parked

MOVER_MASS = 3.0  # design 2; the target weighs 1


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps, own_colours=2, max_distractors=1)
    colours, direction = stage.colours, stage.direction
    size = stage.size  # one size for both: equal sizes keep the contact normal horizontal
    t_contact = float(rng.uniform(0.45, 0.6)) * frames
    x0 = -direction * ENTRY_X
    axes = {"size": size, "n_objects": 2 + stage.n_distractors}
    bodies = []
    if condition == "occluded":
        width = float(rng.uniform(1.0, 1.3))
        xs = float(rng.uniform(-0.7, -0.3)) * direction
        bodies.append(screen("screen", xs, width, float(rng.uniform(*SCREEN_HEIGHTS))))
        # The target's near face sits just inside the screen's far edge (seen from the camera):
        # the mover is hidden at contact while most of the target stays in view.
        near_face = (xs + direction * width / 2) * LANE_PER_SCREEN - direction * 0.05
        delay = int(rng.integers(2, 6))
        axes.update(screen_width=width, delay_frames=delay)
    else:
        near_face = float(rng.uniform(-0.3, 0.3))
    x_target = near_face + direction * size / 2
    v = speed_to_reach(x0, near_face - direction * size / 2, t_contact, fps)
    # Same shape and size: Bullet's restitution is exact for sphere-sphere and box-box only,
    # and a launch must leave the mover at rest.
    shape = str(rng.choice(SHAPES))
    mover = make_object(rng, "mover", colours[0], x0, size=size, velocity=(v, 0.0, 0.0), shape=shape)
    if design >= 2 and condition == "occluded":  # in view (crossed) it must stop dead at a target that stays
        mover = mover.replace(mass=MOVER_MASS)
    target = make_object(rng, "target", colours[1], x_target, size=size, shape=shape)
    axes.update(speed=abs(v), shape=shape)
    a = stage.scene(rng, [mover, target, *bodies])
    if condition == "occluded":
        b = a.replace_body(mover.replace(position=(x0 - v * delay / fps, 0.0, size / 2)))
        return Pair(a, b, ("mover",), axes=axes)
    return Pair(a, a.replace_body(parked(mover, 0)), ("target",), construction="crossed", axes=axes)
