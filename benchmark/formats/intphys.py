"""IntPhys (Riochet et al.; the 2019 challenge's dev set): PNG folders and status.json labels.

Layout followed (docs/formats.md has the sources):

    dev/O1|O2|O3/<quadruplet>/1|2|3|4/scene/scene_001.png ... scene_100.png
                                     /status.json    {"header": {"is_possible": true|false}, ...}

O1 = object permanence, O2 = shape constancy, O3 = spatio-temporal continuity. The four runs of a
quadruplet are shuffled on disk, so the label is read from each run's status.json, never from the
run's number. The released names are plain numbers; older releases used descriptive names
(`0001_O1_test_occluded_dynamic_1_nobj2`) from which the condition (visible / occluded), the
movement and the number of objects are read; without them the condition is "unknown".
Depth and mask images are not read: a model is scored on the rendered scene only.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .base import ClipReader, Dataset, FormatError, complete_rows, foreign_info, sha256_files

BLOCKS = {"O1": "permanence", "O2": "immutability", "O3": "continuity"}
RUNS = ("1", "2", "3", "4")


def block_root(root: Path) -> Path:
    """The folder holding O1/O2/O3: `root` itself or its `dev` subfolder."""
    for candidate in (root, root / "dev"):
        if any((candidate / b).is_dir() for b in BLOCKS):
            return candidate
    raise FormatError(f"{root}: no IntPhys block folders (expected {', '.join(BLOCKS)} here or under {root / 'dev'})")


def looks_like(root: Path) -> bool:
    try:
        base = block_root(root)
    except FormatError:
        return False
    return any(p.is_file() for p in base.glob("O*/*/*/status.json")) or any(base.glob("O*/*/*/scene"))


def scene_files(run: Path) -> list[Path]:
    files = sorted((run / "scene").glob("*.png"))
    if not files:
        raise FormatError(f"{run / 'scene'}: no scene_*.png frames")
    return files


def read_frames(root: Path, row: dict) -> np.ndarray:
    import cv2

    frames = []
    for path in scene_files(Path(root) / row["path"]):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)  # drops an alpha channel, 8-bit BGR
        if image is None:
            raise FormatError(f"{path}: not a readable PNG")
        frames.append(image[:, :, ::-1])
    if len({f.shape for f in frames}) != 1:
        raise FormatError(f"{Path(root) / row['path']}: frames differ in size")
    return np.stack(frames)


def label(status_path: Path) -> int:
    try:
        status = json.loads(status_path.read_text())
    except FileNotFoundError:
        raise FormatError(f"{status_path}: missing; IntPhys labels come from status.json (the test set's "
                          "labels are not released, so it cannot be scored here)") from None
    except ValueError as e:
        raise FormatError(f"{status_path}: not valid JSON ({e})") from None
    possible = status.get("header", {}).get("is_possible") if isinstance(status, dict) else None
    if not isinstance(possible, bool):
        raise FormatError(f"{status_path}: field header.is_possible must be true or false, got {possible!r}")
    return int(possible)


def describe(name: str) -> dict:
    """What a descriptive quadruplet name says (empty for the released numeric names)."""
    out = {"condition": "unknown", "movement": "", "n_objects": 0}
    if m := re.search(r"_(visible|occluded)_", name):
        out["condition"] = m.group(1)
    if m := re.search(r"_(static|dynamic_\d)_", name):
        out["movement"] = m.group(1)
    if m := re.search(r"nobj(\d+)", name):
        out["n_objects"] = int(m.group(1))
    return out


def open_intphys(root: Path, resize: int | None = None, frame_step: int = 1, **_) -> Dataset:
    base = block_root(Path(root))
    rows = []
    for block, principle in BLOCKS.items():
        if not (base / block).is_dir():
            continue
        for quad in sorted(p for p in (base / block).iterdir() if p.is_dir()):
            runs = sorted(p.name for p in quad.iterdir() if p.is_dir())
            if runs != list(RUNS):
                raise FormatError(f"{quad}: expected run folders 1 2 3 4, found {' '.join(runs) or 'none'}")
            for run in RUNS:
                folder = quad / run
                files = scene_files(folder) + [folder / "status.json"]
                rows.append({"clip_id": f"{block}/{quad.name}/{run}", "quad_id": f"{block}/{quad.name}",
                             "principle": principle, "block": block, "possible": label(folder / "status.json"),
                             "path": f"{block}/{quad.name}/{run}", "sha256": sha256_files(files), **describe(quad.name)})
    rows = complete_rows(rows, base)
    reader = ClipReader(read_frames, base, resize, frame_step)
    return Dataset("intphys", base, rows, foreign_info("intphys", base, rows, reader, fps=None), reader)
