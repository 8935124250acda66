"""The pretraining corpus ("playground"): unlabeled, physically possible clips of the same
visual world, from samplers that are not the test scripts.

Occlusion-rich on purpose: screens stand, slide, rise and sink at random times, and objects
slide through them in both directions, fall from above, collide and stack. Hidden objects
always come back where and when physics says, at random moments, so a model can learn that
they persist without learning a fixed timing habit.
"""
from __future__ import annotations

import numpy as np

from .layout import (ENTRY_X, OBJECT_SIZES, SCREEN_HEIGHTS, make_object, pick_colours, rise_lower_keys,
                     sample_camera, screen, sliding_keys)
from .spec import SceneSpec

LANES = (-0.3, 0.0, 0.3, 0.6)


def _screens(rng, frames):
    out, axes = [], []
    for i in range(int(rng.integers(0, 3))):
        x = float(rng.uniform(-1.3, 1.3))
        width = float(rng.uniform(0.5, 1.3))
        height = float(rng.uniform(*SCREEN_HEIGHTS))
        kind = str(rng.choice(["static", "sliding", "rise-lower", "rise"]))
        if kind == "sliding":
            keys = sliding_keys(x, x + float(rng.uniform(-1.0, 1.0)), height, frames)
        elif kind.startswith("rise"):
            up = float(rng.uniform(0, 0.6)) * frames
            down = up + float(rng.uniform(4, 0.5 * frames)) if kind == "rise-lower" else None
            keys = rise_lower_keys(x, height, (up, up + 4), (down, down + 4) if down else None)
        else:
            keys = ()
        out.append(screen(f"screen{i}", x, width, height, keys))
        axes.append(kind)
    return out, axes


def _overlaps(bodies) -> bool:
    for i, a in enumerate(bodies):
        for b in bodies[i + 1:]:
            gap = [abs(pa - pb) - (sa + sb) / 2 for pa, pb, sa, sb in zip(a.position, b.position, a.size, b.size)]
            if max(gap) < 0.02:
                return True
    return False


def _objects(rng, frames, fps, colours):
    while True:
        bodies, kinds = [], []
        for i, colour in enumerate(colours):
            kind = str(rng.choice(["slide", "slide", "fall", "rest"]))
            y = float(rng.choice(LANES))
            size = float(rng.uniform(*OBJECT_SIZES))
            if kind == "slide":
                direction = float(rng.choice([-1.0, 1.0]))
                # Enter at a random moment: start a random distance outside the view.
                x0 = -direction * (ENTRY_X + float(rng.uniform(0, 0.6 * frames / fps * 2.5)))
                speed = float(rng.uniform(1.0, 3.5))
                body = make_object(rng, f"object{i}", colour, x0, y, size=size, velocity=(direction * speed, 0, 0))
            elif kind == "fall":
                body = make_object(rng, f"object{i}", colour, float(rng.uniform(-1.5, 1.5)), y, size=size,
                                   z=float(rng.uniform(0.8, 1.8)), restitution=0.3)
            else:
                body = make_object(rng, f"object{i}", colour, float(rng.uniform(-1.6, 1.6)), y, size=size)
            bodies.append(body)
            kinds.append(kind)
        if not _overlaps(bodies):
            return bodies, kinds


def sample_playground(rng: np.random.Generator, frames: int, fps: int):
    camera = sample_camera(rng)
    n = int(rng.integers(1, 5))
    objects, kinds = _objects(rng, frames, fps, pick_colours(rng, n))
    screens, screen_kinds = _screens(rng, frames)
    spec = SceneSpec(tuple(objects + screens), camera, frames, fps)
    return spec, {"n_objects": n, "objects": kinds, "screens": screen_kinds}
