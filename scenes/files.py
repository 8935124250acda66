"""Writing files so that nothing already written is lost, and JSON in one layout.

Every output of voebench (clips, manifests, score tables, results, reports, checkpoints, videos,
submissions, studies) is written to a temporary name beside its target and renamed into place:
a rename is atomic, so a killed process leaves the old file (or folder) or the new one, never
half of one. (No fsync: power-loss durability is not worth its cost per clip.) The lowest module
of the house: scenes, models, benchmark and leaderboard all write through it.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path


def _writer() -> str:
    """Who is writing: temporary names differ between processes and between threads (Dask's
    threaded workers), so two writers of one file never share a temporary file."""
    return f"{os.getpid()}-{threading.get_ident()}"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """A temporary path beside `path` for a writer that needs a file name (a video encoder,
    safetensors); renamed onto `path` when the block ends without an error, removed otherwise.
    The temporary name keeps the suffix (encoders choose their container by it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{_writer()}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{_writer()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode())


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike, prefix: str | None = None):
    """A temporary folder beside `target` to fill; renamed to `target` when the block ends
    without an error (which fails rather than overwrite a folder that is not empty: a concurrent
    writer that took the name wins), removed otherwise."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix or f".{target.name}-", dir=target.parent))
    try:
        yield tmp
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def json_text(obj) -> str:
    """The one JSON layout of voebench's own files (results, datasets, items, cards, submissions,
    studies, audits): keys sorted, one item a line indented by one space, a final newline."""
    return json.dumps(obj, indent=1, sort_keys=True) + "\n"


def write_json(path: str | os.PathLike, obj) -> None:
    atomic_write_text(path, json_text(obj))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
