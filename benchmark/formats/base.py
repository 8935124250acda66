"""What every reader returns: a labelled set of test clips, whatever the files look like.

A `Dataset` is the harness's view of a dataset on disk: one row per test clip (the columns of
voebench's manifest, see scenes/dataset.py, plus `pair` and the format's own metadata), the
facts the results file records (`info`, with a content hash that keys the score cache), and a
`ClipReader` that turns a row into frames. Only the reader travels to scoring workers, and a
model only ever receives what the reader returns: frames.

Columns a format may not know are filled the same way everywhere:
- `reveal_frame` / `violation_frame` = -1: unknown. After scoring, the harness measures the
  reveal where it can (the first frame at which an impossible clip differs from its possible
  partner; benchmark/matching.py).
- `matched` = True: the impossible clips are made of the possible ones (benchmark/matching.py);
  a format whose quadruplets are separate renders says False.
- `pair` = "": the possible clip an impossible clip is compared with is the one sharing the
  longest prefix of identical frames (as in IntPhys' own pairing); a format that names its pairs
  (IntPhys 2's `1_Possible` / `1_Impossible`) fills it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from voebench.scenes.dataset import DatasetError, content_hash

UNKNOWN_FRAME = -1
ROW_DEFAULTS = {"split": "test", "violation_frame": UNKNOWN_FRAME, "reveal_frame": UNKNOWN_FRAME, "n_objects": 0,
                "seed": 0, "violation": "", "pair": "", "matched": True}


class FormatError(DatasetError):
    """A dataset is not laid out as its format requires (the message names the file and field)."""


@dataclass(frozen=True)
class ClipReader:
    """Frames of one row, picklable: the format's read function, the dataset's root, and the
    frame transform (every `frame_step`-th frame, then an area resize to `resize` pixels)."""

    read: Callable[[Path, dict], np.ndarray]
    root: Path
    resize: int | None = None
    frame_step: int = 1

    def __call__(self, row: dict) -> np.ndarray:
        frames = self.read(self.root, row)
        if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
            raise FormatError(f"{self.root / row['path']}: frames must be uint8 [T, H, W, 3], got "
                              f"{frames.dtype} {list(frames.shape)}")
        return transform(frames, self.resize, self.frame_step)


def transform(frames: np.ndarray, resize: int | None, frame_step: int) -> np.ndarray:
    """Temporal subsampling, then a square area resize (INTER_AREA: the average of the source
    pixels each output pixel covers, what a model trained on downscaled renders expects)."""
    import cv2

    frames = frames[::frame_step]
    if resize and frames.shape[1:3] != (resize, resize):
        frames = np.stack([cv2.resize(f, (resize, resize), interpolation=cv2.INTER_AREA) for f in frames])
    return np.ascontiguousarray(frames)


@dataclass
class Dataset:
    """A readable, labelled dataset: rows (test clips), facts (`info`) and the frame reader."""

    format: str
    root: Path
    rows: list[dict]
    info: dict
    reader: ClipReader
    verify: Callable[[dict], None] = field(default=lambda row: None)
    labels: Path | None = None  # the file (or folder) the labels come from, for error messages
    axes: dict = field(default_factory=dict)  # quad_id -> {difficulty axis: value} where recorded

    def frames(self, row: dict) -> np.ndarray:
        return self.reader(row)


def complete_rows(rows: list[dict], where: Path) -> list[dict]:
    """Fill the columns a format does not know (ROW_DEFAULTS) and refuse duplicate clip ids."""
    out, seen = [], set()
    for row in rows:
        if row["clip_id"] in seen:
            raise FormatError(f"{where}: clip {row['clip_id']!r} appears twice")
        seen.add(row["clip_id"])
        out.append({**ROW_DEFAULTS, **row})
    if not out:
        raise FormatError(f"{where}: no labelled clips found")
    return out


def foreign_info(fmt: str, root: Path, rows: list[dict], reader: ClipReader, fps: float | None,
                 extra: dict | None = None) -> dict:
    """The facts results.json records about a dataset voebench did not generate. The content hash
    covers every clip's file digest and the frame transform, so cached scores are reused only for
    the same bytes read the same way."""
    first = reader(rows[0])
    digest = read_hash(fmt, reader, content_hash(rows))
    counts: dict = {"clips": len(rows), "quadruplets": {}}
    for principle, condition in sorted({(r["principle"], r["condition"]) for r in rows}):
        counts["quadruplets"].setdefault(principle, {})[condition] = len(
            {r["quad_id"] for r in rows if (r["principle"], r["condition"]) == (principle, condition)})
    return {"format": fmt, "content_hash": digest, "seed": None, "resolution": int(first.shape[1]),
            "frames": int(len(first)), "fps": None if fps is None else fps / reader.frame_step, "counts": counts,
            "reader": reader_options(reader), **(extra or {})}


def reader_options(reader: ClipReader) -> dict:
    return {"resize": reader.resize, "frame_step": reader.frame_step}


def read_hash(fmt: str, reader: ClipReader, content: str) -> str:
    """The content hash of a dataset as read: its format, the frame transform and the hash of its
    files, so that cached scores are reused only for the same bytes read the same way."""
    options = f"resize={reader.resize} frame_step={reader.frame_step}"
    return hashlib.sha256(f"{fmt}\n{options}\n{content}".encode()).hexdigest()


def sha256_files(paths: list[Path]) -> str:
    """One digest over several files' bytes, in the given order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0")
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()
