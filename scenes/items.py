"""Items: the unit of work. A test item is one quadruplet, a train item one playground clip.

Each item owns one numpy Generator seeded from (suite seed, split, principle, condition,
index), so an item is the same whichever worker builds it, in whatever order.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .camera import visible_pixels
from .dataset import encode_clip
from .files import sha256_bytes
from .design import VIOLATIONS
from .look import DEFAULT_LOOK
from .principles import principle
from .quadruplet import Clip, Pair, Reject, build_quadruplet
from .spec import SceneSpec
from .sweep import Sweep, hidden_frames
from .world import simulate_and_render

MAX_ATTEMPTS = 60


@dataclass(frozen=True)
class Item:
    split: str  # test | train
    index: int
    principle: str = ""
    condition: str = ""

    @property
    def key(self) -> str:
        if self.split == "train":
            return f"train-{self.index:06d}"
        return f"{self.principle}-{self.condition}-{self.index:04d}"


@dataclass(frozen=True)
class Settings:
    seed: int
    resolution: int
    frames: int
    fps: int = 16
    renderer: str = "tiny"
    design: int = 1
    look: str = DEFAULT_LOOK  # scenes/look.py: pixels only
    sweep: Sweep | None = None  # scenes/sweep.py: one axis at fixed levels
    per_level: int = 1  # with a sweep: items index k*per_level .. (k+1)*per_level-1 are level k

    def level(self, item: Item) -> int | None:
        return None if self.sweep is None else self.sweep.levels[item.index // self.per_level]


def item_seed(seed: int, item: Item) -> int:
    text = f"{seed}:{item.split}:{item.principle}:{item.condition}:{item.index}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def clip_arrays(clip: Clip, body_names: list[str]) -> dict[str, np.ndarray]:
    return {
        "frames": clip.frames,
        "masks": clip.masks,
        # Recorded body states (for physical checks); mask value i is body_names[i-1].
        "positions": clip.states.positions.astype(np.float32),
        "orientations": clip.states.orientations.astype(np.float32),
        "body_names": np.array(body_names),
    }


def _clip_id(item_key: str, seed: int, data: bytes) -> str:
    # Content-derived: reveals nothing about which clips of a quadruplet are possible.
    return hashlib.sha256(f"{seed}:{item_key}:".encode() + data).hexdigest()[:16]


def build_item(item: Item, settings: Settings) -> dict:
    """Build one item; return its record: manifest rows, clip bytes and metadata."""
    s = item_seed(settings.seed, item)
    rng = np.random.default_rng(s)
    if item.split == "train":
        if settings.design >= 2:
            from .playground_events import sample_playground_v2 as sample_playground
        else:
            from .playground import sample_playground

        spec, axes = sample_playground(rng, settings.frames, settings.fps)
        clips = [_possible(spec, settings.resolution, settings.renderer, settings.look)]
        names = [b.name for b in spec.bodies]
        meta = {"axes": axes, "attempts": 1, "spec": _record_spec(settings, [spec])}
    else:
        module = principle(item.principle)
        level = settings.level(item)
        target = {} if level is None else {settings.sweep.axis: level}
        for attempt in range(1, MAX_ATTEMPTS + 1):
            pair = module.sample(rng, item.condition, settings.frames, settings.fps, settings.design, **target)
            try:
                quad = build_quadruplet(pair, item.condition, settings.resolution, rng, settings.renderer,
                                        design=settings.design, look=settings.look)
                quad.meta["axes"] = {**quad.meta["axes"], **measured_axes(quad)}
                if level is not None and quad.meta["axes"].get(settings.sweep.axis) != level:
                    raise Reject(f"{settings.sweep.axis} {quad.meta['axes'].get(settings.sweep.axis)}, not {level}")
                break
            except Reject:
                continue
        else:
            raise RuntimeError(f"{item.key}: no valid quadruplet in {MAX_ATTEMPTS} sampled scenes")
        if level is not None:
            quad.meta["sweep"] = {"axis": settings.sweep.axis, "level": level}
        clips = quad.clips
        names = [b.name for b in pair.a.bodies]
        meta = dict(quad.meta, attempts=attempt, manipulated=list(pair.manipulated),
                    manipulated_ids=list(quad.manipulated_ids), spec=_record_spec(settings, [pair.a, pair.b]))
    blobs = [encode_clip(clip_arrays(clip, names)) for clip in clips]
    rows = []
    for clip, data in zip(clips, blobs):
        clip_id = _clip_id(item.key, settings.seed, data)
        test = item.split == "test"
        rows.append({
            "clip_id": clip_id, "split": item.split,
            "principle": item.principle if test else "", "condition": item.condition if test else "",
            "quad_id": item.key if test else "", "possible": int(clip.possible),
            "violation_frame": clip.violation_frame, "reveal_frame": clip.reveal_frame,
            "n_objects": int(meta.get("axes", {}).get("n_objects", 0)), "seed": s,
            "path": f"clips/{clip_id}.npz", "sha256": sha256_bytes(data),
            "violation": "" if clip.possible or not test else VIOLATIONS[item.principle][len(rows) - 2],
        })
    # The role of each clip in the quadruplet (A, B, A→B, B→A) for previews and tests.
    meta["roles"] = {row["clip_id"]: role for row, role in zip(rows, ("A", "B", "AB", "BA"))}
    meta["partners"] = {row["clip_id"]: (rows[c.partner]["clip_id"] if c.partner >= 0 else "")
                        for row, c in zip(rows, clips)}
    return {"key": item.key, "rows": rows, "blobs": blobs, "meta": meta}


def measured_axes(quad) -> dict:
    """Difficulty axes measured from the rendered quadruplet (scenes/sweep.py)."""
    body = quad.manipulated_ids[0]
    for clip in quad.clips[:2]:  # the possible run in which the manipulated object exists
        if visible_pixels(clip.masks, [body]).any():
            return {"hidden_frames": hidden_frames(clip.masks, body)}
    return {}


def _possible(spec: SceneSpec, resolution: int, renderer: str, look: str = DEFAULT_LOOK) -> Clip:
    states, frames, masks = simulate_and_render(spec, resolution, renderer, look)
    return Clip(frames, masks, states, True)


def _record_spec(settings: Settings, scenes: list[SceneSpec]) -> dict:
    """What an item record keeps so that its clips can be rebuilt from it alone (Kubric's rule):
    the sampled scene specs and the render settings; the splice frame is in the meta already."""
    return {"resolution": settings.resolution, "renderer": settings.renderer,
            **({"look": settings.look} if settings.look != DEFAULT_LOOK else {}),  # flat records stay as they were
            "scenes": [scene.to_dict() for scene in scenes]}


def rebuild_clips(record: dict) -> list[bytes]:
    """The clip files of an item (DIR/items/<key>.json), rebuilt from the record alone: simulate
    and render its recorded specs, splice at its recorded frame. Byte-identical to the
    generated ones on the platform that made them (tests/test_rebuild.py)."""
    meta = record["meta"]
    spec = meta["spec"]
    scenes = [SceneSpec.from_dict(s) for s in spec["scenes"]]
    resolution, renderer, look = spec["resolution"], spec["renderer"], spec.get("look", DEFAULT_LOOK)
    if len(scenes) == 1:
        clips = [_possible(scenes[0], resolution, renderer, look)]
    else:
        test = record["rows"][0]
        pair = Pair(scenes[0], scenes[1], tuple(meta["manipulated"]), meta["design"], axes=meta["axes"])
        clips = build_quadruplet(pair, test["condition"], resolution, None, renderer, splice=meta["splice_frame"],
                                 look=look).clips
    names = [b.name for b in scenes[0].bodies]
    return [encode_clip(clip_arrays(clip, names)) for clip in clips]
