"""Hand-built perception, shared by the physics tracker (issue 13) and object-jepa (issue 14): a
frame of a voebench render split into what it shows — objects, screens, static surfaces (walls,
shelves) and the ground — from the pixels alone, by colour and connected components (`parse`);
then the frame's objects as sightings (`sightings`: pieces of one object split by a thin post
joined, the sides where something cuts it off). Both models perceive through this module only,
so a change here changes both, and tuning the tracker's physics changes neither's perception.

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
EDGE = 3  # pixels: an object this close to the border may be entering or leaving the picture
COLOUR_MATCH = 60.0  # RGB distance under which two sightings can be the same object
MERGE_GAP = 4  # pixels: two same-coloured pieces this close, with only cover between, are one object


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


def colour_distance(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))


@dataclass(frozen=True)
class Sighting:
    """One object in one frame, with the sides on which something solid (an occluder, a surface,
    another object) or the border touches it."""

    blob: Blob
    touch: tuple[bool, bool, bool, bool]  # left, right, top, bottom
    merged: bool = False  # pieced together from parts split by a thin occluder

    @property
    def spans(self) -> tuple[int, int]:
        b = self.blob
        return b.bottom - b.top + 1, b.right - b.left + 1

    def cut(self, extent: float) -> tuple[bool, bool, bool, bool]:
        """The sides where it is cut off: touched there and shorter than its diameter across that
        axis. (An object resting on a shelf touches it below but shows its whole height.)"""
        extent = max(extent, *self.spans)
        short_rows, short_cols = (span < extent - 1 for span in self.spans)
        left, right, top, bottom = self.touch
        return left and short_cols, right and short_cols, top and short_rows, bottom and short_rows

    def whole(self, extent: float) -> bool:
        return not any(self.cut(extent))

    def centre(self, extent: float) -> tuple[float | None, float | None]:
        """Its centre, completed from the uncut side with the object's known diameter; None on an
        axis cut on both sides."""
        b = self.blob
        extent = max(extent, *self.spans)
        left, right, top, bottom = self.cut(extent)
        half = (extent - 1) / 2

        def axis(lo, hi, cut_lo, cut_hi, mean):
            if cut_lo and cut_hi:
                return None
            if cut_lo:
                return hi - half
            if cut_hi:
                return lo + half
            # along a cut the middle of its extent (shading pulls a sliver's centroid off it)
            return (lo + hi) / 2 if self.merged or any(self.cut(extent)) else mean

        return axis(b.top, b.bottom, top, bottom, b.row), axis(b.left, b.right, left, right, b.col)


def _touch(blob: Blob, solid: np.ndarray) -> tuple[bool, bool, bool, bool]:
    """Touched on a side: at the border, or something solid along most of that side (a corner of
    a slanted screen edge beside it is not a touch)."""
    h, w = solid.shape
    rows, cols = slice(blob.top, blob.bottom + 1), slice(blob.left, blob.right + 1)

    def side(pixels):
        return pixels.size > 0 and float(pixels.mean()) >= 0.5

    return (blob.left <= EDGE or side(solid[rows, max(0, blob.left - 1)]),
            blob.right >= w - 1 - EDGE or side(solid[rows, min(w - 1, blob.right + 1)]),
            blob.top <= EDGE or side(solid[max(0, blob.top - 1), cols]),
            blob.bottom >= h - 1 - EDGE or side(solid[min(h - 1, blob.bottom + 1), cols]))


def _merge(a: Blob, b: Blob) -> Blob:
    area = a.area + b.area
    colour = tuple(((np.array(a.colour) * a.area + np.array(b.colour) * b.area) / area).tolist())
    return Blob((a.row * a.area + b.row * b.area) / area, (a.col * a.area + b.col * b.area) / area, area, colour,
                min(a.top, b.top), max(a.bottom, b.bottom), min(a.left, b.left), max(a.right, b.right))


def sightings(blobs: list[Blob], cover: np.ndarray, objects: np.ndarray) -> list[Sighting]:
    """The frame's objects: pieces of one colour split only by a thin occluder (a post) are one
    object; each is marked with the sides where it is cut off."""
    blobs = sorted(blobs, key=lambda b: b.left)
    merged: list[tuple[Blob, bool]] = []
    for b in blobs:
        if merged:
            a, _ = merged[-1]
            gap = slice(a.right + 1, b.left)
            band = slice(max(a.top, b.top), min(a.bottom, b.bottom) + 1)
            if 0 < b.left - a.right <= MERGE_GAP and band.start < band.stop and \
                    colour_distance(a.colour, b.colour) < COLOUR_MATCH and cover[band, gap].all(axis=0).any():
                merged[-1] = (_merge(a, b), True)
                continue
        merged.append((b, False))
    solid = cover | objects
    out = []
    for b, was_merged in merged:
        own = np.zeros_like(solid)
        own[b.top:b.bottom + 1, b.left:b.right + 1] = True
        out.append(Sighting(b, _touch(b, solid & ~own | (cover & own)), was_merged))
    return out
