"""Gravity and support: an object rests on a shelf that is then pulled away.

Run A: the shelf is withdrawn and the object falls. Run B: the shelf stays; so does the
object. No possible run ever shows "shelf gone, object still up", so no splice can express
the violation; this principle uses the crossed design: impossible clip 1 is run A's scene
(shelf withdrawn) with run B's object (stays in mid-air), clip 2 run B's scene (shelf still
there) with run A's object (falls through its support). Occluded: a screen rises in front
of the object before the shelf moves and sinks after the object has landed, so the
divergence happens out of sight; the shelf's withdrawal itself stays visible.
"""
from ..layout import (OBJECT_SIZES, distractors, lane_to_screen, make_object, pick_colours,
                      rise_lower_keys, sample_camera, screen)
from ..quadruplet import Pair
from ..spec import WALL_COLOUR, Body, Keyframe, SceneSpec

SHELF = (3.0, 0.6, 0.1)


def sample(rng, condition, frames, fps):
    camera = sample_camera(rng)
    n_distractors = int(rng.integers(0, 3))
    colours = pick_colours(rng, 1 + n_distractors)
    side = float(rng.choice([-1.0, 1.0]))  # the shelf reaches in from this side of the view
    size = float(rng.uniform(*OBJECT_SIZES))
    top = float(rng.uniform(0.45, 0.7))
    x_obj = float(rng.uniform(-0.5, 0.5))
    x_shelf = x_obj - side * (size / 2 + 0.05) + side * SHELF[0] / 2  # inner end just past the object
    pull0 = float(rng.uniform(0.3, 0.42)) * frames
    pull_frames = float(rng.uniform(4, 8))
    z_shelf = top - SHELF[2] / 2

    def shelf(withdrawn: bool) -> Body:
        # Both runs drive the shelf kinematically along the same keyframes until the pull, so
        # both issue the same engine calls up to the divergence.
        end = x_shelf + (side * 1.6 if withdrawn else 0.0)
        keys = (Keyframe(0.0, x_shelf, 0.0, z_shelf), Keyframe(pull0, x_shelf, 0.0, z_shelf),
                Keyframe(pull0 + pull_frames, end, 0.0, z_shelf))
        return Body("shelf", "box", SHELF, WALL_COLOUR, (x_shelf, 0.0, z_shelf), mass=0.0, keys=keys, role="support")

    obj = make_object(rng, "object", colours[0], x_obj, size=size, z=top + size / 2, restitution=0.0)
    bodies = [obj, shelf(True)]
    axes = {"height": top, "pull_frames": pull_frames, "shape": obj.shape, "size": size,
            "n_objects": 1 + n_distractors}
    if condition == "occluded":
        width = float(rng.uniform(0.8, 1.1))
        height = 1.45  # hides the object both on the shelf and on the ground
        up = float(rng.uniform(0.1, 0.2)) * frames
        down = float(rng.uniform(0.65, 0.72)) * frames
        xs = lane_to_screen(x_obj, camera)
        bodies.append(screen("screen", xs, width, height, rise_lower_keys(xs, height, (up, up + 4), (down, down + 4))))
        axes.update(screen_motion="rise-lower", screen_width=width, occlusion_frames=round(down - up, 1))
    bodies += distractors(rng, n_distractors, colours[1:], frames, fps)
    a = SceneSpec(tuple(bodies), camera, frames, fps)
    b = a.replace_body(shelf(False))
    return Pair(a, b, ("object",), design="crossed", axes=axes)
