"""physics-tracker (issue 13): a hand-built, not learned, structured observer — perceive, keep
object files through occlusion, predict, and be surprised by what the prediction cannot explain.
The suite's positive control: it gets frames only, like any model.

Per frame (image space, pixels):
  perceive   objects, screens and static surfaces by colour (models/scene_parse.py);
  predict    each object file moves on at its velocity (inertia); a file whose predicted place is
             covered by a screen or a surface is *hidden* and keeps moving there;
  match      observed objects to predicted files by place and colour;
  surprise   the sum, on one scale (about 1 per unexplained object), of
               - an object seen where none was predicted, away from the picture's edge and from
                 any place a hidden file could come out (appears from nothing);
               - a file predicted in open view that is not there (vanishes);
               - a seen object's distance from its prediction beyond a small tolerance, in
                 units of its own size (teleport, change of speed or heading);
               - a change of colour or of size of a matched object (immutability).
The first frame has no prediction (NaN); the second only sets velocities.

Version 0: constant-velocity dynamics only (no gravity, support, walls or contact yet).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scene_parse import Blob, parse

EDGE = 3  # pixels: an object this close to the border may be entering or leaving the picture
COLOUR_MATCH = 60.0  # RGB distance under which two sightings can be the same object
POSITION_TOLERANCE = 1.0  # pixels of prediction error that are only rendering noise
COLOUR_TOLERANCE = 25.0  # RGB distance of shading, not a change of colour
AREA_TOLERANCE = 0.5  # relative size change of a fully visible object that is only perspective
REST_SPEED = 0.3  # pixels per frame: slower is at rest
RESTITUTION = 0.9  # of a bounce off a seen wall
CONTACT_FRAMES = 2  # a launch must follow a contact within this many frames
GRAVITY = 0.6  # pixels per frame per frame: an unsupported object falls (down the picture)
FALL_LIMIT = 1.6  # object sizes: a shelf is about this high, then the floor holds it


@dataclass
class ObjectFile:
    row: float
    col: float
    colour: np.ndarray
    area: int
    velocity: tuple[float, float] = (0.0, 0.0)
    hidden: bool = False
    full: bool = True  # last seen whole (not cut by the border or an occluder)
    seen_frames: int = 1
    fallen: float = 0.0  # pixels dropped in the current fall
    contact: int = 0  # frames left in which a touching mover is expected to set this object moving
    rest_row: float | None = None  # where it rests while it waits for that contact

    @property
    def moving(self) -> bool:
        return float(np.hypot(*self.velocity)) > REST_SPEED

    @property
    def size(self) -> float:
        return max(2.0, float(np.sqrt(self.area)))


def _colour_distance(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))


def _near_edge(blob: Blob, shape) -> bool:
    h, w = shape
    return blob.top <= EDGE or blob.left <= EDGE or blob.bottom >= h - 1 - EDGE or blob.right >= w - 1 - EDGE


def _covered(cover: np.ndarray, row: float, col: float, radius: float) -> bool:
    """Is the place (row, col) hidden by an occluder (any covering pixel within `radius`)?"""
    h, w = cover.shape
    r0, r1 = int(max(0, row - radius)), int(min(h, row + radius + 1))
    c0, c1 = int(max(0, col - radius)), int(min(w, col + radius + 1))
    return r0 < r1 and c0 < c1 and bool(cover[r0:r1, c0:c1].any())


def _partial(blob: Blob, cover: np.ndarray) -> bool:
    """Is the object cut by the border or by an occluder (its centroid is then not its centre)?"""
    if _near_edge(blob, cover.shape):
        return True
    h, w = cover.shape
    return bool(cover[max(0, blob.top - 1):min(h, blob.bottom + 2), max(0, blob.left - 1):min(w, blob.right + 2)].any())


def _centre(blob: Blob, cover: np.ndarray) -> tuple[float, float] | None:
    """Where the centre of a cut object is: objects are about as wide as tall (spheres, cubes), so
    a blob cut on one side is completed from its uncut side and its extent across the cut; None
    when it is cut on both sides of an axis."""
    h, w = cover.shape
    rows, cols = slice(blob.top, blob.bottom + 1), slice(blob.left, blob.right + 1)
    cut_left = blob.left <= EDGE or bool(cover[rows, max(0, blob.left - 1)].any())
    cut_right = blob.right >= w - 1 - EDGE or bool(cover[rows, min(w - 1, blob.right + 1)].any())
    cut_top = blob.top <= EDGE or bool(cover[max(0, blob.top - 1), cols].any())
    cut_bottom = blob.bottom >= h - 1 - EDGE or bool(cover[min(h - 1, blob.bottom + 1), cols].any())
    height, width = blob.bottom - blob.top + 1, blob.right - blob.left + 1
    if (cut_left and cut_right) or (cut_top and cut_bottom):
        return None
    extent = max(height, width)
    col = blob.right - (extent - 1) / 2 if cut_left else blob.left + (extent - 1) / 2 if cut_right else blob.col
    row = blob.bottom - (extent - 1) / 2 if cut_top else blob.top + (extent - 1) / 2 if cut_bottom else blob.row
    return row, col


def _inside(shape, row: float, col: float) -> bool:
    return 0 <= row < shape[0] and 0 <= col < shape[1]


class PhysicsTracker:
    name = "physics-tracker"
    version = "0"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        out = np.full(len(frames), np.nan)
        files: list[ObjectFile] = []
        walls = np.zeros(frames.shape[1:3], dtype=bool)
        for t, frame in enumerate(frames):
            seen = parse(frame)
            cover = seen.occluder | seen.surface
            shape = cover.shape
            walls |= seen.surface  # static solids stay where they were seen, also once hidden
            if t == 0:
                files = [ObjectFile(b.row, b.col, np.array(b.colour), b.area, full=not _partial(b, cover))
                         for b in seen.objects]
                continue
            out[t] = self._step(files, seen.objects, cover, walls, shape, first=t == 1)
        return out

    @staticmethod
    def _unsupported(f: ObjectFile, walls: np.ndarray) -> bool:
        """Over a gap: a seen shelf runs at the object's base to its left and to its right but not under it.
        (With no shelf at its base the object is on the floor, which holds everything.)"""
        h, w = walls.shape
        base = int(round(f.row + f.size / 2))
        if not 0 <= base < h - 1:
            return False
        band = walls[base:min(h, base + 3)]
        under = band[:, int(max(0, f.col - f.size / 3)):int(min(w, f.col + f.size / 3 + 1))].any()
        left = band[:, int(max(0, f.col - 3 * f.size)):int(max(0, f.col - f.size / 3))].any()
        right = band[:, int(min(w, f.col + f.size / 3 + 1)):int(min(w, f.col + 3 * f.size + 1))].any()
        return bool(left and right and not under)

    @classmethod
    def _predict(cls, f: ObjectFile, walls: np.ndarray) -> tuple[float, float]:
        """Inertia; gravity over a gap; a bounce off a seen wall ahead (solid: a wall reaches above
        the object's top, a shelf under it does not)."""
        vr, vc = f.velocity
        if f.area and f.fallen < FALL_LIMIT * f.size and (f.fallen > 0 or cls._unsupported(f, walls)):
            vr = vr + GRAVITY  # falling: until it has dropped about a shelf's height
            f.fallen += vr
            f.velocity = (vr, vc)
        elif f.fallen >= FALL_LIMIT * f.size and vr > 0:  # landed
            vr, f.velocity, f.fallen = 0.0, (0.0, vc), 0.0
        if abs(vc) > REST_SPEED and f.area:
            r0, r1 = int(round(f.row - f.size / 2)), int(round(f.row))  # top half of the object
            lo, hi = sorted((f.col + np.sign(vc) * f.size / 2, f.col + np.sign(vc) * f.size / 2 + vc))
            lo, hi = int(max(0, np.floor(lo))), int(min(walls.shape[1] - 1, np.ceil(hi)))
            r0, r1 = max(0, r0), min(walls.shape[0] - 1, r1)
            # a wall stands across the object's top half; a shelf under it does not
            if r0 <= r1 and lo <= hi and (walls[r0:r1 + 1, lo:hi + 1].mean(axis=0) >= 0.6).any():
                f.velocity = (vr, -RESTITUTION * vc)
                return f.row + vr, f.col - RESTITUTION * vc
        return f.row + vr, f.col + vc

    def _step(self, files: list[ObjectFile], blobs: list[Blob], cover, walls, shape, first: bool) -> float:
        surprise = 0.0
        unmatched = list(range(len(blobs)))
        predicted = [self._predict(f, walls) for f in files]
        # A mover predicted to touch a resting object: it should set it moving (causality).
        for f, (pr, pc) in zip(files, predicted):
            if f.moving:
                for g in files:
                    if g is not f and not g.moving and g.area and \
                            np.hypot(pr - g.row, pc - g.col) < (f.size + g.size) / 2:
                        g.contact, f.contact = CONTACT_FRAMES, CONTACT_FRAMES
        # Match visible files first (nearest prediction, similar colour), then hidden ones.
        order = sorted(range(len(files)), key=lambda i: files[i].hidden)
        matched: dict[int, int] = {}
        for i in order:
            f = files[i]
            pr, pc = predicted[i]
            best, best_cost = None, None
            for j in unmatched:
                b = blobs[j]
                centre = _centre(b, cover) or (b.row, b.col)
                d = float(np.hypot(centre[0] - pr, centre[1] - pc))
                reach = 2 * f.size + (np.hypot(*f.velocity) + 3 if f.hidden else 0)
                if d > reach or _colour_distance(b.colour, f.colour) > COLOUR_MATCH * (2 if f.hidden else 1):
                    continue
                cost = d / f.size + _colour_distance(b.colour, f.colour) / COLOUR_MATCH
                if best_cost is None or cost < best_cost:
                    best, best_cost = j, cost
            if best is not None:
                matched[i] = best
                unmatched.remove(best)
        for i, f in enumerate(files):
            pr, pc = predicted[i]
            if i not in matched and f.contact:
                f.contact -= 1
            if i in matched:
                b = blobs[matched[i]]
                partial = _partial(b, cover)
                err = float(np.hypot(b.row - pr, b.col - pc))
                started = not f.moving and err > 1.0 and f.seen_frames > 1 and not partial and not f.hidden
                if started and not f.contact:
                    surprise += 1.0  # set moving with nothing touching it
                elif not first and not f.hidden and not partial and f.seen_frames > 1 and not f.contact:
                    surprise += max(0.0, err - POSITION_TOLERANCE) / f.size
                if not f.hidden and not partial and f.seen_frames > 1 and self._unsupported(f, walls) \
                        and b.row - f.row < GRAVITY / 2:
                    surprise += 0.5  # over a gap and not falling
                if f.contact:
                    f.contact -= 1
                    if f.contact == 0 and not started and not f.moving and err <= 1.0:
                        surprise += 1.0  # touched by a mover and still at rest: no launch
                    if started:
                        f.contact = 0
                change = _colour_distance(b.colour, f.colour)
                surprise += max(0.0, change - COLOUR_TOLERANCE) / COLOUR_MATCH
                if not partial and not f.hidden and f.full and abs(b.area - f.area) / f.area > AREA_TOLERANCE:
                    surprise += 0.5
                if partial:  # a cut object's centroid is not its centre: complete it, or keep the prediction
                    centre = _centre(b, cover)
                    if centre is not None and not f.hidden and f.seen_frames > 0:
                        f.velocity = (centre[0] - f.row, centre[1] - f.col)
                    f.row, f.col = centre if centre is not None else (pr, pc)
                    f.seen_frames += 1
                else:
                    if f.full and not f.hidden:
                        f.velocity = (b.row - f.row, b.col - f.col)
                    f.row, f.col, f.area = b.row, b.col, b.area
                    f.seen_frames += 1
                f.full = not partial
                f.colour = np.array(b.colour)
                f.hidden = False
            else:
                if not _inside(shape, pr, pc):
                    f.row, f.col, f.hidden = pr, pc, True  # left the picture
                    f.area = 0
                    continue
                if _covered(cover, pr, pc, 1.0) or f.area == 0:
                    f.row, f.col, f.hidden = pr, pc, True
                    continue
                surprise += 1.0  # predicted in open view, not there: vanished
                f.row, f.col, f.hidden, f.area = pr, pc, True, 0
        for j in unmatched:
            b = blobs[j]
            if not _near_edge(b, shape):
                surprise += 1.0  # from nothing: no file could have come out here (it would have matched)
            files.append(ObjectFile(b.row, b.col, np.array(b.colour), b.area, full=not _partial(b, cover)))
        files[:] = [f for f in files if f.area or _inside(shape, f.row, f.col) or not f.hidden]
        return surprise
