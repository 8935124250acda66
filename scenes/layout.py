"""Shared stage mechanics for every principle: camera jitter, objects, screens, distractors.

The stage: moving objects travel along x in the lane (y≈0), screens stand at y≈-0.8 between
lane and camera, distractors rest or move in a back lane (y≥1.2) where they meet nothing.
About ±2 m of the lane are in view at the default camera.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import PALETTE, SCREEN_COLOUR, SHAPES, WALL_COLOUR, Body, Camera, Keyframe, SceneSpec

LANE_Y = 0.0
SCREEN_Y = -0.8
SCREEN_THICKNESS = 0.06
BACK_LANES = (1.2, 1.8)
VIEW_HALF_WIDTH = 1.8  # half-width of the lane in view (metres)
ENTRY_X = 2.5  # |x| where an object is fully out of view
CAMERA_Y = -5.0
# Seen from the camera, a screen at SCREEN_Y hides this many metres of lane per metre of width.
LANE_PER_SCREEN = (LANE_Y - CAMERA_Y) / (SCREEN_Y - CAMERA_Y)
OBJECT_SIZES = (0.36, 0.52)  # full extent; ~7-10 px at 64x64
SCREEN_HEIGHTS = (0.85, 1.0)  # tall enough to hide the largest object in the lane
SLAB_THICKNESS, SLAB_DEPTH = 0.1, 0.6  # shelves and bridges


def sample_camera(rng: np.random.Generator) -> Camera:
    """Small per-item camera jitter: a difficulty axis, and no pixel position is a constant."""
    j = rng.uniform(-1, 1, size=5)
    return Camera(
        eye=(0.15 * j[0], CAMERA_Y + 0.15 * j[1], 2.3 + 0.12 * j[2]),
        target=(0.1 * j[3], 0.0, 0.3 + 0.05 * j[4]),
    )


def pick_colours(rng: np.random.Generator, k: int) -> list[str]:
    return [str(c) for c in rng.choice(list(PALETTE), size=k, replace=False)]


def make_object(rng: np.random.Generator, name: str, colour: str, x: float, y: float = LANE_Y,
                shape: str | None = None, size: float | None = None, role: str = "object",
                z: float | None = None, velocity=(0.0, 0.0, 0.0), restitution: float = 1.0) -> Body:
    """A sphere or cube of one extent, resting on the ground unless z is given."""
    shape = shape or str(rng.choice(SHAPES))
    size = float(size if size is not None else rng.uniform(*OBJECT_SIZES))
    return Body(
        name, shape, (size, size, size), PALETTE[colour],
        (x, y, size / 2 if z is None else z), velocity=tuple(velocity), restitution=restitution, role=role,
    )


def screen(name: str, x: float, width: float, height: float, keys: tuple[Keyframe, ...] = (),
           y: float = SCREEN_Y) -> Body:
    """An occluder. Static, or kinematic along keyframes (rising from / sinking into the ground)."""
    return Body(
        name, "box", (width, SCREEN_THICKNESS, height), SCREEN_COLOUR, (x, y, height / 2),
        mass=0.0, keys=keys, role="screen",
    )


def rise_lower_keys(x: float, height: float, up: tuple[float, float], down: tuple[float, float] | None):
    """Keyframes of a screen that rises out of the ground over `up` and sinks over `down`."""
    low, high = -height / 2 - 0.02, height / 2
    keys = [Keyframe(0.0, x, SCREEN_Y, low), Keyframe(up[0], x, SCREEN_Y, low), Keyframe(up[1], x, SCREEN_Y, high)]
    if down is not None:
        keys += [Keyframe(down[0], x, SCREEN_Y, high), Keyframe(down[1], x, SCREEN_Y, low)]
    return tuple(keys)


def sliding_keys(x0: float, x1: float, height: float, frames: int):
    """A screen that slides slowly across the stage for the whole clip (a moving occluder)."""
    return (Keyframe(0.0, x0, SCREEN_Y, height / 2), Keyframe(float(frames - 1), x1, SCREEN_Y, height / 2))


def lane_to_screen(x_lane: float, camera: Camera, lane: float = LANE_Y, screen_y: float = SCREEN_Y) -> float:
    """The x at depth screen_y that lines up with position x_lane in the lane at depth `lane`, seen
    from the camera."""
    ex, ey = camera.eye[0], camera.eye[1]
    return ex + (x_lane - ex) * (screen_y - ey) / (lane - ey)


def slab(name: str, x0: float, x1: float, top: float, y: float = LANE_Y) -> Body:
    """A horizontal support (a shelf, a bridge) spanning x0..x1 with its top at `top`."""
    lo, hi = min(x0, x1), max(x0, x1)
    return Body(name, "box", (hi - lo, SLAB_DEPTH, SLAB_THICKNESS), WALL_COLOUR,
                ((lo + hi) / 2, y, top - SLAB_THICKNESS / 2), mass=0.0, role="support")


def distractors(rng: np.random.Generator, n: int, colours: list[str], frames: int, fps: int) -> list[Body]:
    """Objects in the back lanes that never touch the manipulated ones: resting or moving."""
    out = []
    for i in range(n):
        y = BACK_LANES[i % len(BACK_LANES)]
        if rng.random() < 0.5:
            x = rng.uniform(-1.6, 1.6)
            out.append(make_object(rng, f"distractor{i}", colours[i], x, y, role="distractor"))
        else:
            direction = rng.choice([-1.0, 1.0])
            speed = rng.uniform(0.6, 2.0)
            x0 = -direction * rng.uniform(0.5, 2.5)
            out.append(make_object(rng, f"distractor{i}", colours[i], x0, y, role="distractor",
                                   velocity=(direction * speed, 0.0, 0.0)))
    return out


# Far back: seen from the camera, the ground there shows above the top of any passage screen
# (SCREEN_HEIGHTS), so nothing standing there is ever hidden by one; and it is behind both back
# lanes, so it never meets a distractor. ~8 m from the camera, well inside the picture.
WITNESS_LANE = 3.0
WITNESS_HALF_WIDTH = 2.0


def witness(rng: np.random.Generator, name: str, like: Body, speed: float = 0.0) -> Body:
    """A copy of `like` (shape, size, colour) far back, in view from the first frame (design 2,
    issue 12): the object's colour is on screen before the object itself, so "appears from
    nothing" or "changed while hidden" must be judged by count, place and identity — not by a
    colour seen for the first time. At rest, or with `speed` sliding from one side towards the
    other (it stays in view for a clip at up to ~1 m/s)."""
    x = float(rng.uniform(-WITNESS_HALF_WIDTH, WITNESS_HALF_WIDTH))
    if speed:  # sliding across the view: seen from changing angles, as the object in the lane is
        x = -np.sign(x or 1.0) * WITNESS_HALF_WIDTH * float(rng.uniform(0.6, 1.0))
        return like.replace(name=name, position=(x, WITNESS_LANE, like.size[2] / 2),
                            velocity=(float(np.sign(-x)) * speed, 0.0, 0.0), keys=(), role="distractor")
    return like.replace(name=name, position=(x, WITNESS_LANE, like.size[2] / 2), velocity=(0.0, 0.0, 0.0),
                        mass=0.0, keys=(), role="distractor")


def speed_to_reach(x0: float, x1: float, frame: float, fps: int) -> float:
    """Constant speed (m/s, signed) that brings an object from x0 to x1 at `frame`."""
    return (x1 - x0) * fps / frame


@dataclass(frozen=True)
class Stage:
    """What every principle samples first: camera, colours, distractors, direction, size."""

    camera: Camera
    colours: list[str]  # the principle's own objects' colours, then the distractors'
    own_colours: int
    n_distractors: int
    direction: float  # +1: the main motion runs left to right
    size: float
    frames: int
    fps: int

    def scene(self, rng: np.random.Generator, bodies) -> SceneSpec:
        """The spec: the principle's bodies, then the distractors (same order in both runs)."""
        extra = distractors(rng, self.n_distractors, self.colours[self.own_colours:], self.frames, self.fps)
        return SceneSpec(tuple(bodies) + tuple(extra), self.camera, self.frames, self.fps)


def sample_stage(rng: np.random.Generator, frames: int, fps: int, own_colours: int = 1, max_distractors: int = 2,
                 sizes: tuple[float, float] = OBJECT_SIZES) -> Stage:
    camera = sample_camera(rng)
    n_distractors = int(rng.integers(0, max_distractors + 1))
    colours = pick_colours(rng, own_colours + n_distractors)
    direction = float(rng.choice([-1.0, 1.0]))
    size = float(rng.uniform(*sizes))
    return Stage(camera, colours, own_colours, n_distractors, direction, size, frames, fps)
