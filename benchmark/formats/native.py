"""voebench's own format (scenes/dataset.py), as generated (`clips/*.npz`) or as exported to
video (`voebench export --format mp4`: the same manifest, its `path` column naming .mp4 files).

With no frame transform the dataset's own dataset.json is used as it is, so a native suite keeps
its content hash, its cached scores and its leaderboard identity.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from voebench.scenes.dataset import load_info, read_clip, read_manifest, verify_clip

from .base import ClipReader, Dataset, read_hash, reader_options
from .video import decode_video


def read_frames(root: Path, row: dict) -> np.ndarray:
    path = Path(root) / row["path"]
    return decode_video(path) if path.suffix == ".mp4" else read_clip(path)["frames"]


def looks_like(root: Path) -> bool:
    return (root / "manifest.csv").is_file() and (root / "dataset.json").is_file()


def open_voebench(root: Path, resize: int | None = None, frame_step: int = 1, **_) -> Dataset:
    root = Path(root)
    info = load_info(root)
    # A lossy re-encoding breaks the splice's pixel identity (and with it the cancellation of
    # frame-local cues): such an export is read as unmatched (docs/formats.md has the numbers).
    matched = (info.get("export") or {}).get("lossless", True)
    rows = [{**r, "pair": "", "matched": matched} for r in read_manifest(root) if r["split"] == "test"]
    reader = ClipReader(read_frames, root, resize, frame_step)
    info = {**info, "format": "voebench"}
    if resize or frame_step != 1:
        info["content_hash"] = read_hash("voebench", reader, info["content_hash"])
        info["reader"] = reader_options(reader)
        first = reader(rows[0]) if rows else None
        if first is not None:
            info["resolution"], info["frames"] = int(first.shape[1]), int(len(first))
    return Dataset("voebench", root, rows, info, reader, verify=lambda row: verify_clip(root, row),
                   labels=root / "manifest.csv", axes=recorded_axes(root, {r["quad_id"] for r in rows}))


def recorded_axes(root: Path, quads: set[str]) -> dict[str, dict]:
    """Each quadruplet's difficulty axes from items/<quad_id>.json (what the generator sampled);
    a quadruplet without a readable record has none (an exported suite carries no items)."""
    out = {}
    for quad in sorted(quads):
        try:
            record = json.loads((root / "items" / f"{quad}.json").read_text())
            out[quad] = dict(record["meta"].get("axes", {}))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out
