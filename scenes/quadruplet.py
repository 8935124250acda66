"""Turn a matched pair of possible runs into an IntPhys quadruplet.

Two designs:

* ``splice`` (IntPhys): the impossible clips are A[:s] + B[s:] and B[:s] + A[s:]. They hold
  exactly the frames of the possible pair; only the order of events differs. In the occluded
  condition the splice frame s is one where the manipulated bodies have zero visible pixels
  in both runs and the two frames are pixel-identical, so the splice is seamless.
* ``crossed`` (the closest matched design where no splice can show the violation in view:
  in visible solidity, gravity and causality the wall, bridge or mover would pop in or out
  at the splice): impossible clip 1 shows the scene of run A with the manipulated bodies
  moving as in run B, clip 2 the converse. Each impossible clip shares its prefix with one possible clip
  up to the moment the manipulated bodies' trajectories diverge; after it, every body is
  where it is in one of the two possible runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .camera import OCCLUDER_ROLES, hidden_in_view, min_visible, parked, seen_window, visible_pixels
from .design import CONDITIONS
from .look import DEFAULT_LOOK
from .spec import SceneSpec
from .world import States, World, simulate_and_render



class Reject(Exception):
    """The sampled scene cannot give a valid quadruplet; the principle resamples."""


@dataclass(frozen=True)
class Pair:
    """Two physically possible runs of one sampled scene, differing in one manipulation."""

    a: SceneSpec
    b: SceneSpec
    manipulated: tuple[str, ...]  # bodies whose (hidden) state differs between the runs
    construction: str = "splice"  # how the impossible clips are made: splice | crossed
    splice_at: int | None = None  # a fixed splice frame (e.g. where both runs coincide)
    axes: dict = field(default_factory=dict)  # difficulty axes, recorded per item


@dataclass
class Clip:
    frames: np.ndarray  # uint8 [T, H, W, 3]
    masks: np.ndarray  # uint8 [T, H, W]
    states: States
    possible: bool
    violation_frame: int = -1
    reveal_frame: int = -1
    partner: int = -1  # index (in the quadruplet) of the possible clip sharing the prefix


@dataclass
class Quadruplet:
    clips: list[Clip]  # possible A, possible B, impossible (A→B), impossible (B→A)
    manipulated_ids: tuple[int, ...]  # mask values of the manipulated bodies
    meta: dict


def manipulated_ids(spec: SceneSpec, names: tuple[str, ...]) -> tuple[int, ...]:
    index = {b.name: i + 1 for i, b in enumerate(spec.bodies)}
    return tuple(index[n] for n in names)


def differs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-frame: does any pixel differ?"""
    return (x != y).reshape(len(x), -1).any(axis=1)


def first_at_or_after(flags: np.ndarray, start: int) -> int:
    hits = np.flatnonzero(flags[start:])
    return int(start + hits[0]) if len(hits) else -1


def reveal_frame(frames: np.ndarray, masks: np.ndarray, partner_frames: np.ndarray, partner_masks: np.ndarray,
                 start: int, design: int) -> int:
    """The first frame at or after `start` that shows the violation (-1: none).

    Designs 1-2: the first frame with any differing pixel. For a gradual violation that is a
    sliver: an object floating instead of falling first differs by a shading change or one
    boundary pixel, and its centre is a pixel off its partner's only 1-3 frames later, so the
    effect window after the reveal missed most of what a viewer sees (issue 13). Design 3: the
    first frame where the scene's layout of bodies (the id masks) differs in at least
    min_visible pixels (4 at 64x64), the same bar as "seen" everywhere else: a violation must be seen,
    not guessed from a sliver. A body swapped for another (a colour change) differs in the id
    mask too; a rolling object's shading does not count."""
    if design < 3:
        return first_at_or_after(differs(frames, partner_frames), start)
    changed = (masks != partner_masks).reshape(len(masks), -1).sum(axis=1)
    return first_at_or_after(changed >= min_visible(masks.shape[-1]), start)


def hidden_behind(spec: SceneSpec, states: States, masks: np.ndarray, ids: tuple[int, ...]) -> np.ndarray:
    """Per frame: every manipulated body present in this run is inside the view with an occluder
    over it (design 2: "hidden" must not mean "outside the picture")."""
    occluders = [i + 1 for i, b in enumerate(spec.bodies) if b.role in OCCLUDER_ROLES and i + 1 not in ids]
    camera = {"eye": spec.camera.eye, "target": spec.camera.target, "fov": spec.camera.fov}
    out = np.ones(len(masks), dtype=bool)
    for body in ids:
        if not parked(states.positions, body):
            out &= hidden_in_view(states.positions, masks, body, occluders, camera)
    return out


def judged_on_screen(states: States, masks: np.ndarray, ids: tuple[int, ...]) -> np.ndarray:
    """Per frame s: every moving manipulated body present in this run is seen before s and again
    after it, so a splice at s leaves the outcome a viewer must judge on screen (design 2)."""
    out = np.ones(len(masks), dtype=bool)
    frames = np.arange(len(masks))
    for body in ids:
        window = seen_window(states.positions, masks, body)
        if window is not None:
            out &= (window[0] < frames) & (frames < window[1])
    return out


def splice_candidates(pair: Pair, condition: str, fa, fb, ma, mb, ids, behind=None) -> list[int]:
    """Frames where the runs may be spliced. `behind` (design 2): per frame, the manipulated
    bodies of both runs are hidden behind an occluder inside the view and were seen before and
    are seen again after it."""
    T = len(fa)
    diff = differs(fa, fb)
    vis_a, vis_b = visible_pixels(ma, ids), visible_pixels(mb, ids)
    out = []
    for s in range(1, T - 1):
        if not diff[:s].any() or not diff[s:].any():
            continue  # the impossible clip would equal a possible one
        if condition == "occluded":
            if vis_a[s] == 0 and vis_b[s] == 0 and not diff[s] and (behind is None or behind[s]):
                out.append(s)
        elif max(vis_a[s], vis_b[s]) >= min_visible(ma.shape[-1]):
            out.append(s)
    if condition == "visible" and pair.splice_at is not None:
        out = [s for s in out if s == pair.splice_at]
    return out


def _splice(x: np.ndarray, y: np.ndarray, s: int) -> np.ndarray:
    return np.concatenate([x[:s], y[s:]])


def build_quadruplet(pair: Pair, condition: str, resolution: int, rng: np.random.Generator | None,
                     renderer: str = "tiny", splice: int | None = None, design: int = 1,
                     look: str = DEFAULT_LOOK) -> Quadruplet:
    """Render the two possible runs and make the two impossible clips from them. The splice frame
    is drawn with `rng` among the valid ones, or given (`splice`: rebuilding a recorded item)."""
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {CONDITIONS}, got {condition!r}")
    ids = manipulated_ids(pair.a, pair.manipulated)
    sa, fa, ma = simulate_and_render(pair.a, resolution, renderer, look)
    sb, fb, mb = simulate_and_render(pair.b, resolution, renderer, look)
    A = Clip(fa, ma, sa, True)
    B = Clip(fb, mb, sb, True)
    if pair.construction == "splice":
        behind = None
        if design >= 2 and condition == "occluded":
            behind = (hidden_behind(pair.a, sa, ma, ids) & hidden_behind(pair.b, sb, mb, ids)
                      & judged_on_screen(sa, ma, ids) & judged_on_screen(sb, mb, ids))
        candidates = splice_candidates(pair, condition, fa, fb, ma, mb, ids, behind)
        if not candidates:
            raise Reject(f"no {condition} splice frame")
        s = int(candidates[rng.integers(len(candidates))]) if splice is None else splice
        reveal = reveal_frame(fa, ma, fb, mb, s, design)
        if reveal < 0:
            raise Reject("the runs never differ in view after the splice")
        cut = lambda x, y: States(_splice(x.positions, y.positions, s), _splice(x.orientations, y.orientations, s))
        imp_ab = Clip(_splice(fa, fb, s), _splice(ma, mb, s), cut(sa, sb), False, s, reveal, 0)
        imp_ba = Clip(_splice(fb, fa, s), _splice(mb, ma, s), cut(sb, sa), False, s, reveal, 1)
    elif pair.construction == "crossed":
        imp_ab, imp_ba = _crossed(pair, condition, A, B, ids, resolution, renderer, design, look)
        s = imp_ab.violation_frame
        if design >= 2 and condition == "occluded" and not (
                hidden_behind(pair.a, sa, ma, ids)[s] and hidden_behind(pair.b, sb, mb, ids)[s]):
            raise Reject("manipulated body outside the view (not behind an occluder) where the runs diverge")
    else:
        raise ValueError(f"unknown construction {pair.construction!r}")
    # "design" is the item record's name for the construction (records are rebuilt from it)
    meta = {"design": pair.construction, "splice_frame": s, "axes": pair.axes}
    return Quadruplet([A, B, imp_ab, imp_ba], ids, meta)


def _crossed(pair: Pair, condition: str, A: Clip, B: Clip, ids, resolution: int, renderer: str, design: int = 1,
             look: str = DEFAULT_LOOK):
    rows = [i - 1 for i in ids]
    moved = np.abs(A.states.positions[:, rows] - B.states.positions[:, rows]).max(axis=(1, 2)) > 1e-6
    v = first_at_or_after(moved, 0)
    if v <= 0:
        raise Reject("manipulated trajectories never diverge (or differ from the start)")
    vis = max(visible_pixels(A.masks[v : v + 1], ids)[0], visible_pixels(B.masks[v : v + 1], ids)[0])
    if condition == "occluded" and vis != 0:
        raise Reject("manipulated body visible where the trajectories diverge")
    if condition == "visible" and vis < min_visible(A.masks.shape[-1]):
        raise Reject("manipulated body not visible where the trajectories diverge")

    def cross(scene: Clip, spec: SceneSpec, mover: Clip, partner: int) -> Clip:
        pos, orn = scene.states.positions.copy(), scene.states.orientations.copy()
        pos[:, rows], orn[:, rows] = mover.states.positions[:, rows], mover.states.orientations[:, rows]
        states = States(pos, orn)
        with World(spec, renderer, look) as world:
            frames, masks = world.render(states, resolution)
        reveal = reveal_frame(frames, masks, scene.frames, scene.masks, v, design)
        if reveal < 0:
            raise Reject("crossed clip never differs in view from its possible partner")
        return Clip(frames, masks, states, False, v, reveal, partner)

    return cross(A, pair.a, B, 0), cross(B, pair.b, A, 1)
