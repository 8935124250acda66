"""Score every clip of a dataset with a model: per-frame surprise, cached and resumable.

The model sees frames only: the runner hands it no manifest row, no clip id, no label.
Scores are cached per (dataset content hash, model id, weights hash) under the cache
directory; a killed run keeps the chunks it finished and resumes from them.
"""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.models.protocol import ModelOutputError, check_surprise, model_id
from voebench.scenes.dataset import DatasetError
from voebench.scenes.files import atomic_write_bytes
from voebench.scenes.parallel import run_unordered

from .cache import default_cache
from .formats import Dataset, as_dataset
from .formats.base import ClipReader
from .matching import frame_hashes

CHUNK = 64  # clips per cached chunk: what a kill can lose at most
ORDER_SEED = 0  # the scoring order's shuffle (scoring_plan)
BATCH_SIZE = 8  # clips a model gets at once by default (no two of one quadruplet: scoring_plan)
# Cached scores live under scores-v2: v1 scored in manifest order (a batch held whole
# quadruplets) and the built-in networks in float32 (issue 10); those scores are not reused.
CACHE_LAYOUT = "scores-v2"


@dataclass(frozen=True)
class ModelRef:
    """How to (re)create a model, in this process or a worker: a name or FILE.py:Class."""

    spec: str
    weights: str | None = None
    kwargs: dict = field(default_factory=dict)

    def create(self):
        from voebench.models.registry import create

        return create(self.spec, weights=self.weights, **self.kwargs)

    @property
    def key(self) -> tuple:
        return (self.spec, self.weights, tuple(sorted(self.kwargs.items())))


@dataclass(frozen=True, eq=False)
class ModelInstance:
    """A model object made by the caller (a notebook's class), in place of a ModelRef: workers
    get a pickled copy of it."""

    model: object

    def create(self):
        return self.model

    @property
    def spec(self) -> str:
        return f"{type(self.model).__module__}:{type(self.model).__qualname__}"

    weights = None
    kwargs: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return ("instance", model_id(self.model), self.model.weights_hash)


class ModelFailure(RuntimeError):
    """A model raised, hung past its time limit, or broke the protocol on a clip."""


@contextlib.contextmanager
def _time_limit(seconds: float | None, what: str):
    """Interrupt a model call that runs past `seconds` (SIGALRM: main thread of a process)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"{what} ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _score_batch(model, batch: list[tuple[str, np.ndarray]], timeout: float | None) -> list[np.ndarray]:
    """Surprise for a batch of clips, validated. Batched when the model can; on a failure the
    clips are retried one by one so the error names the clip."""
    clips = [frames for _, frames in batch]
    if hasattr(model, "surprise_batch") and len(batch) > 1:
        try:
            with _time_limit(timeout and timeout * len(batch), f"model {model_id(model)}"):
                outs = list(model.surprise_batch(clips))
            if len(outs) == len(clips):
                return [check_surprise(model, cid, out, len(f)) for (cid, f), out in zip(batch, outs)]
        except Exception:
            pass  # find the culprit below
    results = []
    for cid, frames in batch:
        try:
            with _time_limit(timeout, f"model {model_id(model)} on clip {cid}"):
                out = model.surprise_batch([frames])[0] if hasattr(model, "surprise_batch") else model.surprise(frames)
        except ModelOutputError:
            raise
        except Exception as e:
            raise ModelFailure(f"model {model_id(model)} failed on clip {cid}: {type(e).__name__}: {e}") from None
        results.append(check_surprise(model, cid, out, len(frames)))
    return results


_WORKER_MODELS: dict = {}


def _score_batches(ref: ModelRef, reader: ClipReader, batches: list[list[dict]], timeout: float | None = None) -> dict:
    """Score some batches of rows (worker side). Only frames reach the model. Returns the records
    done and, if a clip failed, the error: what was computed is kept."""
    model = _WORKER_MODELS.get(ref.key) or _WORKER_MODELS.setdefault(ref.key, ref.create())
    out = []
    try:
        for part in batches:
            batch = [(r["clip_id"], reader(r)) for r in part]
            for (cid, frames), s in zip(batch, _score_batch(model, batch, timeout)):
                out.append({"clip_id": cid, "surprise": s, "frame_hashes": frame_hashes(frames)})
    except (ModelFailure, ModelOutputError, DatasetError) as e:
        return {"records": out, "error": e}
    return {"records": out, "error": None}


def _quadruplet_of(row: dict) -> str:
    """The group a clip must not share a batch with: its quadruplet, or itself if it has none."""
    return row.get("quad_id") or row["clip_id"]


def scoring_plan(rows: list[dict], batch_size: int, seed: int = ORDER_SEED) -> list[list[dict]]:
    """The batches in which clips reach a model: a seeded shuffle in which no two clips of one
    quadruplet share a batch, so nothing batch-dependent (batch statistics, batch-shaped float
    kernels) can let a clip's matched partners influence its score. A function of the clip ids
    alone, so a resumed run sees the same batches as an uninterrupted one."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: r["clip_id"]):
        groups.setdefault(_quadruplet_of(r), []).append(r)
    keys = sorted(groups)
    queues = []
    for i in rng.permutation(len(keys)):  # quadruplets in shuffled order, each one's clips shuffled
        members = groups[keys[i]]
        queues.append([members[j] for j in rng.permutation(len(members))])
    # Round robin: the j-th clip of every quadruplet, then the (j+1)-th: partners sit a whole
    # round apart, and a batch closes early if the next clip's quadruplet is already in it.
    sequence = [q[j] for j in range(max(map(len, queues), default=0)) for q in queues if j < len(q)]
    batches, current, seen = [], [], set()
    for r in sequence:
        key = _quadruplet_of(r)
        if len(current) == batch_size or key in seen:
            batches.append(current)
            current, seen = [], set()
        current.append(r)
        seen.add(key)
    return batches + ([current] if current else [])


def _chunks(batches: list[list[dict]]) -> list[list[list[dict]]]:
    """Consecutive batches grouped into cached units of about CHUNK clips."""
    out, size = [], CHUNK
    for b in batches:
        if size + len(b) > CHUNK:
            out.append([])
            size = 0
        out[-1].append(b)
        size += len(b)
    return out


def table_bytes(records: list[dict]) -> bytes:
    """A scores table (clip_id, per-frame surprise, frame hashes) as parquet bytes."""
    df = pd.DataFrame({"clip_id": [r["clip_id"] for r in records],
                       "surprise": [np.asarray(r["surprise"], float).tolist() for r in records],
                       "frame_hashes": [list(r["frame_hashes"]) for r in records]})
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def read_scores(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    df["surprise"] = df["surprise"].map(lambda s: np.asarray(s, float))
    return df


def device_name(model) -> str:
    """Where a model scores: 'cpu', or the GPU's name (models that take --device keep `device`)."""
    device = getattr(model, "device", None)
    if device is None or str(device) == "cpu":
        return "cpu"
    import torch

    return f"{device} ({torch.cuda.get_device_name(device)})"


def cache_path(cache: Path, content_hash: str, model) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", model_id(model))
    return cache / CACHE_LAYOUT / content_hash[:16] / f"{safe}-{(model.weights_hash or 'none')[:16]}.parquet"


def check_dataset(dataset: Dataset, rows: list[dict], skip_bad: bool) -> tuple[list[dict], list[str]]:
    """Verify every clip against the manifest before scoring; corrupt clips stop the run
    unless skip_bad, which lists and drops them explicitly."""
    good, bad = [], []
    for row in rows:
        try:
            dataset.verify(row)
            good.append(row)
        except DatasetError as e:
            if not skip_bad:
                raise
            bad.append(str(e))
    return good, bad


def score_dataset(ref: ModelRef, data: str | Path | Dataset, cache: Path | None = None, workers: int = 1,
                  batch_size: int = BATCH_SIZE, progress: bool = True, skip_bad: bool = False,
                  scheduler: str | None = None, timeout: float | None = None) -> tuple[pd.DataFrame, dict]:
    """Per-clip surprise for every test clip of `data` (a Dataset of any format, or the path of a
    voebench suite); returns (scores, info about the run)."""
    from tqdm import tqdm

    dataset = as_dataset(data)
    rows = dataset.rows
    if not rows:
        raise DatasetError(f"{dataset.root}: no test clips to score (is it a --split train dataset?)")
    model = ref.create()
    cache = Path(cache) if cache else default_cache()
    final = cache_path(cache, dataset.info["content_hash"], model)
    rows, skipped = check_dataset(dataset, rows, skip_bad)
    meta = {"model": model_id(model), "weights_hash": model.weights_hash, "cache": str(final), "skipped": skipped,
            "throughput": {"device": device_name(model), "clips": 0, "seconds": 0.0, "clips_per_s": None}}
    if final.exists():
        scores = read_scores(final)
        if set(scores["clip_id"]) >= {r["clip_id"] for r in rows}:
            return scores[scores["clip_id"].isin({r["clip_id"] for r in rows})].reset_index(drop=True), meta | {"cached": True}
    partial = final.with_suffix(".partial")
    partial.mkdir(parents=True, exist_ok=True)
    done = {}
    for chunk in sorted(partial.glob("chunk-*.parquet")):
        try:
            for r in read_scores(chunk).to_dict("records"):
                done[r["clip_id"]] = r
        except Exception:  # a chunk is renamed into place whole; anything unreadable is redone
            chunk.unlink()
    # A batch is redone whole if any of its clips is missing: batches stay as planned.
    todo = [b for b in scoring_plan(rows, batch_size) if any(r["clip_id"] not in done for r in b)]
    left = sum(map(len, todo))
    bar = tqdm(total=len(rows), initial=len(rows) - left, unit="clip", desc=f"score {model_id(model)}",
               disable=not progress, dynamic_ncols=True)
    if workers == 1 and not scheduler:
        _WORKER_MODELS[ref.key] = model  # reuse the instance made above
    began = time.perf_counter()
    results = run_unordered(_score_batches, [(ref, dataset.reader, c, timeout) for c in _chunks(todo)], workers,
                            scheduler, "score")
    start = len(list(partial.glob("chunk-*.parquet")))
    for k, result in enumerate(results):
        records = result["records"]
        if records:  # kept even when the chunk stopped on a failing clip
            atomic_write_bytes(partial / f"chunk-{start + k:05d}.parquet", table_bytes(records))
            done.update({r["clip_id"]: r for r in records})
            bar.update(len(records))
        if result["error"] is not None:
            bar.close()
            raise result["error"]
    bar.close()
    seconds = time.perf_counter() - began
    meta["throughput"].update(clips=left, seconds=round(seconds, 2), clips_per_s=round(left / seconds, 3) if seconds else None)
    records = [done[r["clip_id"]] for r in sorted(rows, key=lambda r: r["clip_id"])]
    atomic_write_bytes(final, table_bytes(records))
    shutil.rmtree(partial, ignore_errors=True)
    return read_scores(final), meta | {"cached": False}
