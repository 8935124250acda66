"""Readers for the datasets the harness scores, and writers for exporting voebench suites.

    open_dataset(DIR)                       format detected from the layout
    open_dataset(DIR, "intphys2", resize=64, frame_step=2)

Every reader returns a `Dataset` (base.py): the harness scores it, computes the same metrics
with the same CIs, and never shows a model anything but frames. Formats:

    voebench            a generated suite (manifest.csv + clips/*.npz), or its mp4 export
    intphys             IntPhys dev: O1|O2|O3/<quad>/1..4/scene/*.png + status.json
    intphys2            IntPhys 2: <split>/metadata.csv + Videos/*.mp4
    physical-concepts   PLATO's probes: <concept>/data.tfrecord-*-of-* (GZIP TFRecords)
"""
from __future__ import annotations

from pathlib import Path

from ..cache import default_cache
from .base import Dataset, FormatError
from .intphys import looks_like as _is_intphys, open_intphys
from .intphys2 import looks_like as _is_intphys2, open_intphys2
from .native import looks_like as _is_voebench, open_voebench
from .physical_concepts import looks_like as _is_physical_concepts, open_physical_concepts

READERS = {"voebench": (_is_voebench, open_voebench), "intphys": (_is_intphys, open_intphys),
           "intphys2": (_is_intphys2, open_intphys2),
           "physical-concepts": (_is_physical_concepts, open_physical_concepts)}
FORMATS = tuple(READERS)

__all__ = ["Dataset", "FormatError", "FORMATS", "detect", "open_dataset", "as_dataset"]


def detect(root: str | Path) -> str:
    """The one format whose layout `root` has; an error if none or several match."""
    root = Path(root)
    if not root.is_dir():
        raise FormatError(f"{root}: not a folder")
    matches = [name for name, (looks_like, _) in READERS.items() if looks_like(root)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise FormatError(f"{root}: not a dataset in any known format ({', '.join(FORMATS)}); a voebench suite has "
                          "manifest.csv and dataset.json, IntPhys O1/O2/O3 folders, IntPhys 2 a metadata.csv, "
                          "Physical Concepts <concept>/data.tfrecord-* shards")
    raise FormatError(f"{root}: looks like several formats ({', '.join(matches)}); choose one with --format")


def open_dataset(root: str | Path, fmt: str | None = None, *, resize: int | None = None, frame_step: int = 1,
                 cache: Path | None = None, progress: bool = False) -> Dataset:
    """Read `root` in format `fmt` (detected when None). resize: frames resized to this square side
    (area interpolation); frame_step: every k-th frame. Both are part of the content hash."""
    if fmt is None:
        fmt = detect(root)
    if fmt not in READERS:
        raise FormatError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if resize is not None and resize < 8:
        raise FormatError(f"resize must be at least 8 pixels, got {resize}")
    if frame_step < 1:
        raise FormatError(f"frame_step must be at least 1, got {frame_step}")
    if cache is None:
        cache = default_cache()
    return READERS[fmt][1](Path(root), resize=resize, frame_step=frame_step, cache=Path(cache), progress=progress)


def as_dataset(data: str | Path | Dataset) -> Dataset:
    """A Dataset as it is, or a path read as a voebench suite (what every caller passed before
    other formats existed)."""
    return data if isinstance(data, Dataset) else open_voebench(Path(data))
