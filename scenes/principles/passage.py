"""The occluder scenario shared by permanence and immutability: an object passes behind a
static or sliding screen, or drifts slowly while a screen rises in front of it and later sinks.

The object never comes back to a place it was seen at (a slow drift, not a rest): otherwise a
whole-clip pixel comparison ("it was here before, it is not now") would separate possible from
impossible clips without any prediction of motion (measured: 100 % for the frame-oddness
probe on objects at rest, exactly 50 % on moving ones)."""
from __future__ import annotations

import numpy as np

from ..layout import ENTRY_X, LANE_PER_SCREEN, SCREEN_HEIGHTS, Stage, lane_to_screen, rise_lower_keys, screen, sliding_keys, speed_to_reach



def sample_passage(rng: np.random.Generator, stage: Stage, hidden: int | None = None):
    """Return (screen body, object start x, object velocity, axes). `hidden` (a sweep's level):
    the object passes behind a static screen at the speed that keeps it out of sight for about
    that many frames (the builder measures the result and resamples a miss)."""
    camera, frames, fps, size, direction = stage.camera, stage.frames, stage.fps, stage.size, stage.direction
    if hidden is not None:
        return _timed_pass(rng, stage, hidden)
    variant = str(rng.choice(["pass", "drift"]))
    height = float(rng.uniform(*SCREEN_HEIGHTS))
    if variant == "drift":
        up0 = float(rng.uniform(0.08, 0.2)) * frames
        down0 = float(rng.uniform(0.55, 0.7)) * frames
        hidden = (down0 - (up0 + 4)) / fps  # seconds fully behind the raised screen
        # Drift at least its own size (+10 cm) while hidden, so no pixel is revisited.
        speed = float(rng.uniform(1.0, 1.3)) * (size + 0.1) / hidden
        centre = float(rng.uniform(-0.5, 0.5))
        mid = (up0 + 4 + down0) / 2 / fps
        x0 = centre - direction * speed * mid
        span = speed * hidden + size
        xs = lane_to_screen(centre, camera)
        width = span / LANE_PER_SCREEN + 0.15
        keys = rise_lower_keys(xs, height, (up0, up0 + 4), (down0, down0 + 4))
        axes = {"variant": "drift", "screen_motion": "rise-lower", "screen_width": width, "speed": speed,
                "occlusion_frames": round(down0 - up0, 1)}
        return screen("screen", xs, width, height, keys), x0, (direction * speed, 0.0, 0.0), axes
    xs = float(rng.uniform(-0.5, 0.5))
    width = float(rng.uniform(0.8, 1.3))
    motion = str(rng.choice(["static", "sliding"]))
    keys = sliding_keys(xs - 0.25 * direction, xs + 0.25 * direction, height, frames) if motion == "sliding" else ()
    x0 = -direction * ENTRY_X
    # Fully emerged from the far edge at a random time: random timing, no fixed habit to learn.
    far_edge = xs + direction * width / 2
    x_emerged = far_edge * LANE_PER_SCREEN + direction * size / 2
    t_emerge = float(rng.uniform(0.55, 0.8)) * frames
    v = speed_to_reach(x0, x_emerged, t_emerge, fps)
    axes = {"variant": "pass", "screen_motion": motion, "screen_width": width, "speed": abs(v),
            "occlusion_frames": round((width * LANE_PER_SCREEN - size) / abs(v) * fps, 1)}
    return screen("screen", xs, width, height, keys), x0, (v, 0.0, 0.0), axes


def _timed_pass(rng: np.random.Generator, stage: Stage, hidden: int):
    """A pass behind a static screen, hidden for `hidden` frames: the speed is the lane the screen
    hides (its width seen from the camera, less the object) over that time; the object is hidden
    from a random frame early enough that it is seen again well before the end."""
    frames, fps, size, direction = stage.frames, stage.fps, stage.size, stage.direction
    height = float(rng.uniform(*SCREEN_HEIGHTS))
    xs = float(rng.uniform(-0.4, 0.4))
    width = float(rng.uniform(0.8, 1.3))
    lane_hidden = width * LANE_PER_SCREEN - size  # metres of lane along which the object is out of sight
    speed = lane_hidden * fps / hidden
    latest = frames - hidden - 8  # seen again for at least ~8 frames
    start = float(rng.uniform(min(6.0, latest), max(6.0, min(0.45 * frames, latest))))
    near_edge = (xs - direction * width / 2) * LANE_PER_SCREEN
    x_hidden = near_edge + direction * size / 2  # the centre where the object is first out of sight
    x0 = x_hidden - direction * speed * start / fps
    axes = {"variant": "pass", "screen_motion": "static", "screen_width": width, "speed": speed,
            "occlusion_frames": round(lane_hidden / speed * fps, 1)}
    return screen("screen", xs, width, height, ()), x0, (direction * speed, 0.0, 0.0), axes
