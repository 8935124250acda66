"""Perception for the hand-built physics tracker (issue 13): a frame of a voebench render split
into what it shows — objects, screens, static surfaces (walls, shelves) and the ground — from
the pixels alone, by colour and connected components.

Why colour is enough: the renders use saturated object colours (every object pixel has a
max-min channel spread of at least 84 of 255, measured over voe-v2), screens a muted brown
(spread 31-45), walls and shelves a dark grey and the ground a bright grey (spread <= 13).
The thresholds sit between those groups. Nothing here reads masks, manifests or specs."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

OBJECT_SPREAD = 60  # max-min channel spread above which a pixel belongs to an object
SCREEN_SPREAD = 20  # ... above which (and below OBJECT_SPREAD) to a screen
GROUND_BRIGHTNESS = 160  # a grey pixel at least this bright is ground, darker grey a surface
MIN_AREA = 3  # pixels: smaller blobs are slivers at an occluder's edge, not objects
HUE_BINS = 36  # objects of different colours that touch are split by hue (10° bins: orange and yellow are 25° apart)


@dataclass(frozen=True)
class Blob:
    """One object as seen in one frame."""

    row: float  # centroid, pixels
    col: float
    area: int
    colour: tuple[float, float, float]  # mean RGB, 0-255
    top: int  # bounding box
    bottom: int
    left: int
    right: int


@dataclass(frozen=True)
class Parse:
    objects: list[Blob]
    occluder: np.ndarray  # bool [H, W]: screen pixels (things that hide what is behind them)
    surface: np.ndarray  # bool [H, W]: walls and shelves (static solid bodies; they hide too)
    object_pixels: np.ndarray  # bool [H, W]: every object pixel (an object hides what is behind it too)


def classes(frame: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks of object, screen, surface and ground pixels of one uint8 [H, W, 3] frame."""
    f = frame.astype(np.int16)
    spread = f.max(axis=2) - f.min(axis=2)
    bright = f.max(axis=2)
    obj = spread >= OBJECT_SPREAD
    screen = (spread >= SCREEN_SPREAD) & ~obj
    grey = spread < SCREEN_SPREAD
    return {"object": obj, "screen": screen, "surface": grey & (bright < GROUND_BRIGHTNESS),
            "ground": grey & (bright >= GROUND_BRIGHTNESS)}


def hue(rgb: np.ndarray) -> np.ndarray:
    """Hue bin (0..HUE_BINS-1) of RGB pixels [N, 3]: the colour's identity under shading."""
    r, g, b = (rgb[:, k].astype(float) for k in range(3))
    mx, mn = np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)
    d = np.where(mx > mn, mx - mn, 1.0)
    h = np.where(mx == r, (g - b) / d % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4)) / 6.0
    return np.floor(h * HUE_BINS).astype(int) % HUE_BINS


def _hue_groups(bins: np.ndarray) -> list[np.ndarray]:
    """Split hue bins into runs of neighbouring bins (circularly): shading moves a colour by one
    bin at most, two touching objects of different colours differ by more."""
    present = sorted(set(bins.tolist()))
    groups, current = [], [present[0]]
    for b in present[1:]:
        if b - current[-1] <= 1:
            current.append(b)
        else:
            groups.append(current)
            current = [b]
    groups.append(current)
    if len(groups) > 1 and groups[0][0] == 0 and groups[-1][-1] == HUE_BINS - 1:  # wrap around red
        groups[0] = groups.pop() + groups[0]
    return [np.isin(bins, g) for g in groups]


def parse(frame: np.ndarray) -> Parse:
    """Objects (one blob per connected region of one colour), occluder and surface masks."""
    c = classes(frame)
    objects = []
    n, labels = cv2.connectedComponents(c["object"].astype(np.uint8), connectivity=8)
    for k in range(1, n):
        r, q = np.nonzero(labels == k)
        for part in _hue_groups(hue(frame[r, q])):
            if part.sum() < MIN_AREA:
                continue
            rr, qq = r[part], q[part]
            colour = frame[rr, qq].astype(float).mean(axis=0)
            objects.append(Blob(float(rr.mean()), float(qq.mean()), int(len(rr)), tuple(colour.tolist()),
                                int(rr.min()), int(rr.max()), int(qq.min()), int(qq.max())))
    return Parse(objects, c["screen"], c["surface"], c["object"])
