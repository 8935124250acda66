"""The on-disk dataset format: the contract between generator and harness.

DIR/manifest.csv        one row per clip (MANIFEST_COLUMNS)
DIR/clips/<id>.npz      frames uint8 [T,H,W,3], masks uint8 [T,H,W] (+ recorded body states)
DIR/dataset.json        versions, renderer, resolution, fps, frames, seed, config, counts, hash
DIR/items/<key>.json    per-item record (rows + difficulty axes): resume and metadata
DIR/previews/           animated quadruplets and per-principle contact sheets

Every file is written to a temporary name and renamed, so a killed run never leaves a
half-written file under a real name.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np

from .files import atomic_write_text, sha256_bytes, sha256_file

MANIFEST_COLUMNS = ("clip_id", "split", "principle", "condition", "quad_id", "possible", "violation_frame",
                    "reveal_frame", "n_objects", "seed", "path", "sha256", "violation")
# Suites generated before `violation` (issue 12) read as before, with an empty violation.
LEGACY_COLUMNS = MANIFEST_COLUMNS[:-1]
CLIP_ARRAYS = ("frames", "masks")


class DatasetError(Exception):
    """A dataset file is missing, corrupt or not in the expected format."""


def encode_clip(arrays: dict[str, np.ndarray]) -> bytes:
    """Lossless, deterministic npz bytes (numpy stamps zip members with a fixed date)."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def read_clip(path: Path) -> dict[str, np.ndarray]:
    """Load a clip file and check the format: frames uint8 [T,H,W,3], masks [T,H,W]."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise DatasetError(f"{path}: clip file is missing") from None
    except Exception as e:  # zipfile.BadZipFile, ValueError, EOFError, ...
        raise DatasetError(f"{path}: not a readable .npz clip ({type(e).__name__}: {e})") from None
    for key in CLIP_ARRAYS:
        if key not in arrays:
            raise DatasetError(f"{path}: array {key!r} missing (found {sorted(arrays)})")
    frames, masks = arrays["frames"], arrays["masks"]
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3:
        raise DatasetError(f"{path}: 'frames' must be uint8 [T, H, W, 3], got {frames.dtype} {list(frames.shape)}")
    if masks.shape != frames.shape[:3] or not np.issubdtype(masks.dtype, np.integer):
        raise DatasetError(f"{path}: 'masks' must be integer {list(frames.shape[:3])}, got {masks.dtype} {list(masks.shape)}")
    return arrays


def write_manifest(directory: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r["split"], r["principle"], r["condition"], r["quad_id"], r["clip_id"])):
        writer.writerow({k: row[k] for k in MANIFEST_COLUMNS})
    atomic_write_text(directory / "manifest.csv", buf.getvalue())


def read_manifest(directory: Path) -> list[dict]:
    path = Path(directory) / "manifest.csv"
    if not path.exists():
        raise DatasetError(f"{path}: no manifest (is {directory} a voebench dataset?)")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) not in (MANIFEST_COLUMNS, LEGACY_COLUMNS):
            raise DatasetError(f"{path}: columns must be {', '.join(MANIFEST_COLUMNS)}; found {reader.fieldnames}")
        rows = [{"violation": "", **row} for row in reader]
    seen = set()
    for i, row in enumerate(rows, start=2):
        if row["clip_id"] in seen:
            raise DatasetError(f"{path}:{i}: duplicate clip_id {row['clip_id']}")
        seen.add(row["clip_id"])
        for key in ("possible", "violation_frame", "reveal_frame", "n_objects", "seed"):
            try:
                row[key] = int(row[key])
            except ValueError:
                raise DatasetError(f"{path}:{i}: field {key!r} must be an integer, got {row[key]!r}") from None
    return rows


def content_hash(rows: list[dict]) -> str:
    """One hash over all clips: sorted (clip_id, sha256) pairs."""
    lines = sorted(f"{r['clip_id']} {r['sha256']}" for r in rows)
    return sha256_bytes("\n".join(lines).encode())


def verify_clip(directory: Path, row: dict) -> None:
    path = Path(directory) / row["path"]
    if not path.exists():
        raise DatasetError(f"{path}: clip {row['clip_id']} listed in manifest.csv is missing")
    digest = sha256_file(path)
    if digest != row["sha256"]:
        raise DatasetError(f"{path}: sha256 {digest[:12]}… does not match manifest.csv ({row['sha256'][:12]}…)")


def read_json(path: Path, missing: str) -> dict:
    """A JSON file, or a DatasetError naming it: `missing` says what to do when it is absent."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise DatasetError(f"{path}: {missing}") from None
    except ValueError as e:
        raise DatasetError(f"{path}: not valid JSON ({e})") from None


def load_info(directory: str | os.PathLike) -> dict:
    """DIR/dataset.json: how the dataset was made, its counts and its content hash."""
    return read_json(Path(directory) / "dataset.json", f"missing (is {directory} a voebench dataset?)")


def package_version(name: str) -> str:
    """An installed distribution's version, or "unknown": recorded beside every output."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
