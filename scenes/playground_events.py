"""Playground v2 (design 2, issue 12): the pretraining corpus covers every body and event the
tests show, from its own samplers (never the test scripts).

The first playground had no walls, shelves, gaps, bridges, launches or near/far lanes, so the
solidity, gravity, continuity and causality scenes were out of distribution for every model
trained on it, and only 18/60 of its clips hid an object and showed it again. Here each clip has
one main event in a front lane, drawn from EVENTS at a random place and time:

  slide    an object slides across (any speed, either way, entering at any moment)
  bounce   a box slides into a wall and rebounds
  shelf    an object slides along a raised shelf and drops through its gap, or crosses a bridge
  launch   a mover hits a resting object of equal or a third of its mass and launches it
  rest     an object stands still (often while a screen rises in front of it)
  drift    an object drifts slowly

and most clips put a screen over the place where the event happens (static, rising, rising and
sinking, or sliding), so the event is often hidden and its outcome seen afterwards, exactly
where and when physics puts it: hidden objects always come back, because nothing is spliced.
Distractors move or rest in the back lanes. Every clip is one physically possible run.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np

from .layout import (ENTRY_X, SCREEN_HEIGHTS, distractors, lane_to_screen, make_object, pick_colours,
                     rise_lower_keys, sample_camera, screen, slab, sliding_keys)
from .spec import WALL_COLOUR, Body, Camera, SceneSpec

EVENTS = ("slide", "bounce", "shelf", "launch", "rest", "drift")
FRONT_LANES = (0.0, 0.0, -0.9, 0.7)  # the tests' lanes: the middle one most often, continuity's near and far
SCREEN_AHEAD = 0.8  # metres a screen stands in front of the lane it hides
P_SCREEN_ON_EVENT = 0.8
SHELF_SIZES = (0.32, 0.4)


def _slide(rng, colour, lane, frames, fps):
    d = float(rng.choice([-1.0, 1.0]))
    speed = float(rng.uniform(0.8, 3.5))
    x0 = -d * (ENTRY_X + float(rng.uniform(0.0, 0.5 * frames / fps * speed))) if rng.random() < 0.6 \
        else float(rng.uniform(-1.5, 1.5))
    obj = make_object(rng, "object", colour, x0, lane, velocity=(d * speed, 0.0, 0.0))
    key = float(np.clip(x0 + d * speed * rng.uniform(0.3, 0.7) * frames / fps, -1.2, 1.2))
    return [obj], key


def _bounce(rng, colour, lane, frames, fps):
    x_wall = float(rng.uniform(-0.8, 0.8))
    d = float(rng.choice([-1.0, 1.0]))
    height = float(rng.uniform(0.5, 0.8))
    wall = Body("wall", "box", (0.12, 0.9, height), WALL_COLOUR, (x_wall, lane, height / 2), mass=0.0,
                restitution=0.9, role="wall")
    size = float(rng.uniform(0.36, 0.52))
    t_hit = float(rng.uniform(0.25, 0.7)) * frames / fps
    speed = float(rng.uniform(1.2, 3.0))
    x0 = x_wall - d * (0.06 + size / 2 + speed * t_hit)
    obj = make_object(rng, "object", colour, x0, lane, shape="box", size=size, velocity=(d * speed, 0.0, 0.0))
    return [obj, wall], x_wall


def _shelf(rng, colour, lane, frames, fps):
    d = float(rng.choice([-1.0, 1.0]))
    top, gap, centre = float(rng.uniform(0.5, 0.65)), float(rng.uniform(0.5, 0.8)), float(rng.uniform(-0.6, 0.6))
    g0, g1 = centre - d * gap / 2, centre + d * gap / 2
    size = float(rng.uniform(*SHELF_SIZES))
    speed = float(rng.uniform(0.7, 1.2))
    x0 = g0 - d * speed * float(rng.uniform(0.15, 0.45)) * frames / fps
    obj = make_object(rng, "object", colour, x0, lane, size=size, z=top + size / 2, velocity=(d * speed, 0.0, 0.0),
                      restitution=0.0)
    bodies = [obj, slab("shelf_near", -d * 4.0, g0, top, lane), slab("shelf_far", g1, d * 4.0, top, lane)]
    if rng.random() < 0.5:
        bodies.append(slab("bridge", g0, g1, top, lane))
    return bodies, centre


def _launch(rng, colour, other, lane, frames, fps):
    d = float(rng.choice([-1.0, 1.0]))
    size = float(rng.uniform(0.36, 0.52))
    shape = str(rng.choice(["sphere", "box"]))  # same shape and size: an exact elastic contact
    contact = float(rng.uniform(-0.7, 0.7))
    speed = float(rng.uniform(1.5, 3.0))
    x0 = contact - d * (size / 2 + speed * float(rng.uniform(0.3, 0.6)) * frames / fps)
    mover = make_object(rng, "mover", colour, x0, lane, shape=shape, size=size, velocity=(d * speed, 0.0, 0.0))
    mover = mover.replace(mass=float(rng.choice([1.0, 3.0])))
    target = make_object(rng, "target", other, contact + d * size / 2, lane, shape=shape, size=size)
    return [mover, target], contact


def _rest(rng, colour, lane, frames, fps):
    x = float(rng.uniform(-1.2, 1.2))
    return [make_object(rng, "object", colour, x, lane)], x


def _drift(rng, colour, lane, frames, fps):
    d = float(rng.choice([-1.0, 1.0]))
    x = float(rng.uniform(-1.0, 1.0))
    speed = float(rng.uniform(0.2, 0.7))
    start = x - d * speed * frames / fps / 2
    return [make_object(rng, "object", colour, start, lane, velocity=(d * speed, 0.0, 0.0))], x


def _screen_over(rng, name: str, x_lane: float, lane: float, camera: Camera, frames: int, still: bool = False):
    """A screen in front of lane position x_lane: static, rising, rising then sinking, or sliding;
    over a body that stands `still` it rises and sinks again, so that it is seen, hidden, seen."""
    y = lane - SCREEN_AHEAD
    x = lane_to_screen(x_lane, camera, lane, y) + float(rng.uniform(-0.2, 0.2))
    width, height = float(rng.uniform(0.6, 1.4)), float(rng.uniform(*SCREEN_HEIGHTS))
    motion = "rise-lower" if still else str(rng.choice(["static", "static", "rise", "rise-lower", "sliding"]))
    if motion == "sliding":
        keys = sliding_keys(x, x + float(rng.uniform(-0.8, 0.8)), height, frames)
    elif motion.startswith("rise"):
        up = float(rng.uniform(0.0, 0.5)) * frames
        down = up + 4 + float(rng.uniform(3, 0.4 * frames)) if motion == "rise-lower" else None
        keys = rise_lower_keys(x, height, (up, up + 4), (down, down + 4) if down is not None else None)
    else:
        keys = ()
    keys = tuple(dataclasses.replace(k, y=y) for k in keys)  # rise_lower_keys stands screens at SCREEN_Y
    return screen(name, x, width, height, keys, y=y), motion


def sample_playground_v2(rng: np.random.Generator, frames: int, fps: int):
    camera = sample_camera(rng)
    event = str(rng.choice(EVENTS))
    lane = float(rng.choice(FRONT_LANES)) if event in ("slide", "rest", "drift") else 0.0
    n_distractors = int(rng.integers(0, 3))
    colours = pick_colours(rng, 2 + n_distractors)
    if event == "launch":
        bodies, key = _launch(rng, colours[0], colours[1], lane, frames, fps)
    else:
        sampler = {"slide": _slide, "bounce": _bounce, "shelf": _shelf, "rest": _rest, "drift": _drift}[event]
        bodies, key = sampler(rng, colours[0], lane, frames, fps)
    screens = []
    if rng.random() < P_SCREEN_ON_EVENT:
        screens.append(_screen_over(rng, "screen0", key, lane, camera, frames, still=event == "rest"))
    if rng.random() < 0.3:  # another, anywhere
        screens.append(_screen_over(rng, f"screen{len(screens)}", float(rng.uniform(-1.3, 1.3)), lane, camera, frames))
    extra = distractors(rng, n_distractors, colours[2:], frames, fps)
    spec = SceneSpec(tuple(bodies) + tuple(s for s, _ in screens) + tuple(extra), camera, frames, fps)
    axes = {"event": event, "lane": lane, "screens": [m for _, m in screens],
            "n_objects": sum(b.role == "object" for b in bodies) + n_distractors}
    return spec, axes


def coverage(directory: str | Path) -> dict:
    """Counts over a generated playground (any design): clips, main events, clips with a screen and
    clips where some object is hidden behind an occluder in view and then seen again."""
    from .camera import OCCLUDER_ROLES, hidden_then_seen
    from .dataset import read_clip, read_json

    events, screened, reappear, clips = Counter(), 0, 0, 0
    for path in sorted((Path(directory) / "items").glob("train-*.json")):
        record = read_json(path, "item record missing (regenerate the playground)")
        scene = record["meta"]["spec"]["scenes"][0]
        roles = [b["role"] for b in scene["bodies"]]
        clip = read_clip(Path(directory) / record["rows"][0]["path"])
        occluders = [i + 1 for i, r in enumerate(roles) if r in OCCLUDER_ROLES]
        clips += 1
        events[record["meta"]["axes"].get("event", "-")] += 1
        screened += "screen" in roles
        reappear += any(hidden_then_seen(clip["positions"], clip["masks"], i + 1, occluders, scene["camera"])
                        for i, r in enumerate(roles) if r == "object")
    return {"clips": clips, "events": dict(events), "with_screen": screened, "hidden_then_seen": reappear}
