"""What of a body is on screen: its pixels in the masks, and where a point of the world appears
in the picture (the pinhole camera PyBullet renders with: computeViewMatrix with z up,
computeProjectionMatrixFOV with aspect 1; row 0 at the top). Plain numpy, so the generator and
the audit share it and the audit needs no PyBullet."""
from __future__ import annotations

import math

import numpy as np

from .spec import PARKING_X

OCCLUDER_ROLES = ("screen", "wall", "support")  # bodies that can hide another body
MIN_VISIBLE_PIXELS = 4  # "seen" at 64x64: a violation must be seen, not guessed from a sliver
MOVING = 0.05  # metres: a body that never gets further than this from its start is static (a wall, a bridge)


def min_visible(resolution: int) -> int:
    """The "seen" bar at a resolution: MIN_VISIBLE_PIXELS at 64x64, the same share of the picture
    at any other size (64 pixels at 256x256), so a suite's checks mean the same in HD."""
    return max(1, round(MIN_VISIBLE_PIXELS * (resolution / 64) ** 2))


def visible_pixels(masks: np.ndarray, ids) -> np.ndarray:
    """Number of pixels of the given bodies (mask values) in each frame of a [T, H, W] mask stack."""
    return np.isin(masks, ids).sum(axis=(1, 2))


def project(points: np.ndarray, camera: dict, resolution: int) -> np.ndarray:
    """World points [N, 3] -> pixel (row, col) [N, 2]; `camera` has eye, target and fov."""
    eye, target = np.asarray(camera["eye"], float), np.asarray(camera["target"], float)
    forward = (target - eye) / np.linalg.norm(target - eye)
    side = np.cross(forward, [0.0, 0.0, 1.0])
    side /= np.linalg.norm(side)
    up = np.cross(side, forward)
    rel = np.asarray(points, float) - eye
    x, y, depth = rel @ side, rel @ up, rel @ forward
    f = 1.0 / math.tan(math.radians(camera["fov"]) / 2)
    col = (f * x / depth + 1) / 2 * resolution
    row = (1 - f * y / depth) / 2 * resolution
    return np.stack([row, col], axis=1)


def hidden_in_view(positions: np.ndarray, masks: np.ndarray, body: int, occluders: list[int], camera: dict) -> np.ndarray:
    """Per frame [T]: body `body` (mask value; positions row body-1) is inside the picture and an
    occluder covers the pixel of its centre — hidden *behind* something, not outside the view."""
    resolution = masks.shape[1]
    pixels = project(positions[:, body - 1], camera, resolution)
    out = np.zeros(len(masks), dtype=bool)
    for t, (row, col) in enumerate(pixels):
        if 0 <= row < resolution and 0 <= col < resolution:
            out[t] = masks[t, int(row), int(col)] in occluders
    return out


def parked(positions: np.ndarray, body: int) -> bool:
    """Absent by design for the whole clip (e.g. permanence's empty run): waiting at spec.parked's
    place, x >= PARKING_X (a metre of slack for a resting body's jitter)."""
    return bool(positions[:, body - 1, 0].min() >= PARKING_X - 1.0)


def seen_window(positions: np.ndarray, masks: np.ndarray, body: int) -> tuple[int, int] | None:
    """First and last frame where a moving body is seen (>= min_visible pixels); None for a body that
    does not move (nothing to judge) or is absent by design. A splice s tests an outcome on screen
    only if first < s < last: the body was seen going in and is seen again afterwards (issue 12)."""
    track = positions[:, body - 1]
    if parked(positions, body) or np.linalg.norm(track - track[0], axis=1).max() < MOVING:
        return None
    seen = np.flatnonzero(visible_pixels(masks, [body]) >= min_visible(masks.shape[-1]))
    return (int(seen[0]), int(seen[-1])) if len(seen) else (-1, -1)


def hidden_then_seen(positions: np.ndarray, masks: np.ndarray, body: int, occluders: list[int], camera: dict) -> bool:
    """The body is seen, then hidden behind an occluder inside the view, then seen again: the
    event a model must carry an object through (playground coverage, issue 12)."""
    pixels = visible_pixels(masks, [body])
    seen = pixels >= min_visible(masks.shape[-1])
    behind = hidden_in_view(positions, masks, body, occluders, camera) & (pixels == 0)
    first = np.flatnonzero(seen)
    if not len(first):
        return False
    hidden = np.flatnonzero(behind[first[0]:]) + first[0]
    return bool(len(hidden) and seen[hidden[0]:].any())
