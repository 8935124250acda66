"""Object tokens for object-jepa (issue 14): a clip's frames turned into a fixed set of slots per
frame, each slot one object followed through time, plus one scene map per frame.

Perception is hand-built, not learned (the model's card says so): the colour parse the physics
tracker also uses (models/scene_parse.py: objects, screens, walls and shelves, and the
sightings: pieces of one object split by a thin post joined, the sides where something cuts it
off). Nothing here depends on the tracker's physics. What is learned is everything after: the
token encoder and the predictor with memory.

Slots keep identity across time, also while their object is hidden: a sighting joins the slot
whose colour matches and whose last place is nearest; a slot whose object is not seen stays
reserved for it (visible = 0, every other feature 0), so whether and where it comes back is for
the predictor to expect, from what it remembers. A sighting that matches no slot opens a new
one. Nothing here reads masks, manifests or labels: frames only, causally (frame t's
assignment uses frames 0..t).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scene_parse import COLOUR_MATCH, parse, sightings

SLOTS = 6  # objects followed at once (the suites show at most 4: event objects and distractors)
GRID = 8  # the scene map's cells per side (16 was worse on the development suite: occluded 71 % against 86 %)
# Per slot and frame: visible, centre row and column, box top, bottom, left, right (all in
# picture heights), sqrt(area), mean RGB, and the four sides where it is cut off.
FEATURES = ("visible", "row", "col", "top", "bottom", "left", "right", "size", "red", "green", "blue",
            "cut_left", "cut_right", "cut_top", "cut_bottom")
SCENE_FEATURES = 2 * GRID * GRID  # screen and surface coverage on a GRID x GRID map
PLACE_WEIGHT = 2.0  # colour distance (0-255 RGB) worth one pixel of distance from a slot's last place


@dataclass
class _Slot:
    colour: np.ndarray
    row: float
    col: float


def _features(s, height: int, width: int) -> np.ndarray:
    b = s.blob
    scale = float(max(height, width))
    cut = s.cut(float(max(s.spans)))
    return np.array([1.0, b.row / scale, b.col / scale, b.top / scale, b.bottom / scale, b.left / scale,
                     b.right / scale, np.sqrt(b.area) / scale, *(np.array(b.colour) / 255.0), *map(float, cut)],
                    dtype=np.float32)


def _scene(occluder: np.ndarray, surface: np.ndarray) -> np.ndarray:
    h, w = occluder.shape
    maps = np.stack([occluder, surface]).astype(np.float32)
    return maps.reshape(2, GRID, h // GRID, GRID, w // GRID).mean(axis=(2, 4)).reshape(-1)


def clip_tokens(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 [T, H, W, 3] -> (slots float32 [T, SLOTS, len(FEATURES)], scene float32 [T, SCENE_FEATURES])."""
    T, H, W = frames.shape[:3]
    if H % GRID or W % GRID:
        raise ValueError(f"object tokens: frames of {H}x{W} do not split into a {GRID}x{GRID} scene map")
    slots = np.zeros((T, SLOTS, len(FEATURES)), np.float32)
    scene = np.zeros((T, SCENE_FEATURES), np.float32)
    files: list[_Slot | None] = [None] * SLOTS
    for t, frame in enumerate(frames):
        seen = parse(frame)
        cover = seen.occluder | seen.surface
        found = sorted(sightings(seen.objects, cover, seen.object_pixels), key=lambda s: -s.blob.area)[:SLOTS]
        scene[t] = _scene(seen.occluder, seen.surface)
        pairs = []  # (cost, sighting, slot): nearest colour, then nearest place
        for i, s in enumerate(found):
            for k, f in enumerate(files):
                if f is None:
                    continue
                colour = float(np.linalg.norm(np.array(s.blob.colour) - f.colour))
                if colour < COLOUR_MATCH:
                    place = float(np.hypot(s.blob.row - f.row, s.blob.col - f.col))
                    pairs.append((colour + PLACE_WEIGHT * place, i, k))
        taken_s, taken_k = set(), set()
        for _, i, k in sorted(pairs):  # greedy matching: with a handful of objects it is the optimum
            if i in taken_s or k in taken_k:
                continue
            taken_s.add(i)
            taken_k.add(k)
            _place(files, slots, t, k, found[i], H, W)
        for i, s in enumerate(found):
            if i not in taken_s:
                free = [k for k, f in enumerate(files) if f is None]
                if free:  # more objects than slots: the smallest are not followed
                    _place(files, slots, t, free[0], s, H, W)
    return slots, scene


def _place(files, slots, t, k, s, height, width) -> None:
    files[k] = _Slot(np.array(s.blob.colour), s.blob.row, s.blob.col)
    slots[t, k] = _features(s, height, width)


def mirror(slots, scene, width: int = 64):
    """The tokens (torch tensors [..., SLOTS, FEATURES] and [..., SCENE_FEATURES]) of the
    left-right mirrored clip (physics is symmetric): columns reflected, left and right swapped;
    hidden slots stay all-zero."""
    import torch

    idx = {name: i for i, name in enumerate(FEATURES)}
    edge = (width - 1) / float(width)
    vis = slots[..., idx["visible"]] > 0
    out = slots.clone()
    for a, b in (("col", "col"), ("left", "right"), ("right", "left")):
        out[..., idx[a]] = torch.where(vis, edge - slots[..., idx[b]], torch.zeros_like(slots[..., 0]))
    out[..., idx["cut_left"]], out[..., idx["cut_right"]] = slots[..., idx["cut_right"]], slots[..., idx["cut_left"]]
    maps = scene.reshape(*scene.shape[:-1], 2, GRID, GRID).flip(-1)
    return out, maps.reshape(scene.shape)
