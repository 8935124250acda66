"""The Physical Concepts probe set (Piloto et al. 2022, PLATO): GZIP TFRecords of quadruplets.

Layout followed (docs/formats.md has the sources):

    physical_concepts/probes/<concept>/data.tfrecord-00000-of-00020 ...
    concept: continuity | solidity | directional_inertia | unchangeableness | object_persistence

Each record is one probe quadruplet, a tf.train.Example with `possible_image` and
`impossible_image`: raw uint8 bytes of [2, 15, 64, 64, 3] (two videos of 15 frames each), plus
masks and camera poses, which are not read. The impossible videos are the possible ones with a
segment swapped, so a quadruplet is matched; which impossible video goes with which possible
one is not stated, so pairs are found by the longest common prefix of frames, as for IntPhys.
The concept is the principle; the set has no visible/occluded split (condition "all").

A gzip stream cannot be read from the middle, and the scoring order visits quadruplets in a
shuffled order, so each shard is decoded once into the score cache (one .npz per shard, keyed
by the shard's sha256) and clips are read from there.
"""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import numpy as np

from voebench.scenes.files import atomic_write_bytes

from .base import ClipReader, Dataset, FormatError, complete_rows, foreign_info, sha256_files
from .tfrecord import parse_example, read_tfrecord

CONCEPTS = ("continuity", "directional_inertia", "object_persistence", "solidity", "unchangeableness")
SHARD = re.compile(r"data\.tfrecord-(\d{5})-of-(\d{5})")
SIDE = 64
FPS = None  # not stated by the dataset


def concept_dirs(root: Path) -> list[Path]:
    for base in (root, root / "probes"):
        found = [base / c for c in CONCEPTS if (base / c).is_dir()]
        if found:
            return found
    if root.name in CONCEPTS:
        return [root]
    raise FormatError(f"{root}: no Physical Concepts probe folders ({', '.join(CONCEPTS)}) here or under {root / 'probes'}")


def shards(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if SHARD.fullmatch(p.name))


def looks_like(root: Path) -> bool:
    try:
        return any(shards(d) for d in concept_dirs(root))
    except FormatError:
        return False


def videos(example: dict, key: str, where: str) -> np.ndarray:
    """The two videos under `key` as uint8 [2, T, 64, 64, 3]."""
    value = example.get(key)
    if not value or not isinstance(value, list):
        raise FormatError(f"{where}: feature {key!r} missing or not bytes (found {', '.join(sorted(example))})")
    raw = np.frombuffer(value[0], np.uint8)
    if raw.size % (2 * SIDE * SIDE * 3):
        raise FormatError(f"{where}: feature {key!r} holds {raw.size} bytes, not two videos of 64x64x3 frames")
    return raw.reshape(2, -1, SIDE, SIDE, 3)


def decode_shard(shard: Path, digest: str, cache: Path) -> Path:
    """The shard's quadruplets as CACHE/decoded/physical-concepts/<digest>.npz (made once):
    array r<k> = uint8 [4, T, 64, 64, 3], possible 0, 1 then impossible 0, 1."""
    target = cache / "decoded" / "physical-concepts" / f"{digest[:32]}.npz"
    if target.exists():
        return target
    arrays = {}
    for k, record in enumerate(read_tfrecord(shard)):
        example = parse_example(record)
        where = f"{shard} record {k}"
        arrays[f"r{k}"] = np.concatenate([videos(example, "possible_image", where),
                                          videos(example, "impossible_image", where)])
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    atomic_write_bytes(target, buf.getvalue())
    return target


def read_frames(root: Path, row: dict) -> np.ndarray:
    with np.load(Path(row["decoded"]), allow_pickle=False) as z:
        return z[f"r{row['record']}"][row["video"]]


def open_physical_concepts(root: Path, resize: int | None = None, frame_step: int = 1, cache: Path | None = None,
                           progress: bool = False, **_) -> Dataset:
    from tqdm import tqdm

    if cache is None:
        raise FormatError("reading Physical Concepts needs a cache folder for the decoded shards")
    folders = concept_dirs(Path(root))
    todo = [(folder.name, shard) for folder in folders for shard in shards(folder)]
    if not todo:
        raise FormatError(f"{root}: no data.tfrecord-NNNNN-of-NNNNN shards")
    rows = []
    for concept, shard in tqdm(todo, desc="decode Physical Concepts shards", unit="shard", disable=not progress):
        digest = sha256_files([shard])
        decoded = decode_shard(shard, digest, Path(cache))
        with np.load(decoded, allow_pickle=False) as z:
            n = len(z.files)
        number = SHARD.fullmatch(shard.name).group(1)
        for k in range(n):
            quad = f"{concept}/{number}-{k:04d}"
            for v, name in enumerate(("possible-0", "possible-1", "impossible-0", "impossible-1")):
                clip_digest = hashlib.sha256(f"{digest} {k} {v}".encode()).hexdigest()
                rows.append({"clip_id": f"{quad}/{name}", "quad_id": quad, "principle": concept, "condition": "all",
                             "possible": int(v < 2), "path": f"{shard.relative_to(folders[0].parent)}#{k}/{v}",
                             "sha256": clip_digest, "decoded": str(decoded), "record": k, "video": v})
    base = folders[0].parent
    rows = complete_rows(rows, base)
    reader = ClipReader(read_frames, base, resize, frame_step)
    return Dataset("physical-concepts", base, rows, foreign_info("physical-concepts", base, rows, reader, FPS), reader)
