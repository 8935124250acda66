"""Inertia: a sliding object changes speed or direction without cause.

Runs A and B slide the object at different constant velocities (speed, or heading in the
ground plane) chosen so that both pass the same point at the same frame s*. Visible: the
splice is at s*, where both runs show the object at the same place, so the only event is
the change of motion. Occluded: the point is behind a screen and the splice falls while
the object is hidden in both runs.
"""
import numpy as np

from ..layout import LANE_PER_SCREEN, SCREEN_HEIGHTS, lane_to_screen, make_object, sample_stage, screen
from ..quadruplet import Pair
from ..spec import SHAPES


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps)
    camera, colours, direction, size = stage.camera, stage.colours, stage.direction, stage.size
    meet = float(rng.uniform(-0.5, 0.5))
    s_meet = int(round(rng.uniform(0.42, 0.58) * frames))
    speed = float(rng.uniform(1.8, 3.0))
    change = str(rng.choice(["faster", "slower", "turn"]))
    if change == "turn":
        angle = float(np.radians(rng.uniform(25, 40)) * rng.choice([-1.0, 1.0]))
        other = (direction * speed * np.cos(angle), speed * np.sin(angle))
    else:
        factor = float(rng.uniform(1.6, 2.0) if change == "faster" else rng.uniform(0.35, 0.55))
        other = (direction * speed * factor, 0.0)

    def start(vx: float, vy: float):
        t = s_meet / fps
        return make_object(rng, "object", colours[0], meet - vx * t, y=-vy * t, size=size,
                           velocity=(vx, vy, 0.0), shape=shape)

    shape = str(rng.choice(SHAPES))
    obj_a, obj_b = start(direction * speed, 0.0), start(*other)
    bodies = [obj_a]
    axes = {"change": change, "speed": speed, "other_velocity": [float(v) for v in other], "shape": shape,
            "size": size, "n_objects": 1 + stage.n_distractors}
    if condition == "occluded":
        width = float(rng.uniform(0.9, 1.2))
        bodies.append(screen("screen", lane_to_screen(meet, camera), width, float(rng.uniform(*SCREEN_HEIGHTS))))
        axes.update(screen_motion="static", screen_width=width,
                    occlusion_frames=round((width * LANE_PER_SCREEN - size) / speed * fps, 1))
    a = stage.scene(rng, bodies)
    return Pair(a, a.replace_body(obj_b), ("object",), splice_at=s_meet, axes=axes)
