"""`voebench evaluate`: score a model on a suite, compare with the untrained null, write
RESULTS_DIR/scores.parquet, results.json and the report."""
from __future__ import annotations

import platform
from pathlib import Path

import pandas as pd

from voebench.models.portable import machine
from voebench.scenes.dataset import package_version

from . import metrics
from .formats import Dataset, as_dataset
from .report import write_report
from .results import SCHEMA, json_safe, write_results
from .runner import BATCH_SIZE, ORDER_SEED, ModelInstance, ModelRef, score_dataset
from .scored import Scored

NULL_SEEDS = 10


def suite_record(dataset: Dataset, clips: pd.DataFrame) -> dict:
    """The dataset as results.json records it; for a dataset voebench did not generate (or read
    exported or transformed), its format and how many of the scored quadruplets (`clips`: the
    scored table of benchmark/scored.py) are matched and frame-identical."""
    info = dataset.info
    suite = {"content_hash": info["content_hash"], "seed": info.get("seed"), "resolution": info.get("resolution"),
             "frames": info.get("frames"), "counts": info.get("counts"), "path": str(dataset.root)}
    if (info.get("config") or {}).get("sweep"):
        suite["sweep"] = info["config"]["sweep"]  # psychometric curves use its levels
    if dataset.format != "voebench" or "reader" in info or "export" in info:
        per_quad = clips.groupby("quad_id")[["matched", "frame_identical"]].first()
        suite.update(format=dataset.format, reader=info.get("reader"), export=info.get("export"),
                     quadruplets=len(per_quad), matched_quadruplets=int(per_quad["matched"].sum()),
                     frame_identical_quadruplets=int(per_quad["frame_identical"].sum()))
    return suite


def versions() -> dict:
    out = {"python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}"}
    for name in ("voebench", "numpy", "torch", "pybullet", "pandas"):
        out[name] = package_version(name)
    return out


def evaluate(ref: ModelRef | ModelInstance, data: str | Path | Dataset, out: str | Path, cache: Path | None = None,
             workers: int = 1, batch_size: int = BATCH_SIZE, null_seeds: int = NULL_SEEDS, progress: bool = True,
             skip_bad: bool = False, scheduler: str | None = None, timeout: float | None = None) -> dict:
    """Score `ref`'s model on `data` (a voebench suite's path, or a Dataset of any format from
    benchmark.formats); write OUT/scores.parquet, results.json (with the arguments of this run),
    report.md and figures; return the results."""
    dataset = as_dataset(data)
    run_args = {"data": str(dataset.root), "format": dataset.format, "out": str(out),
                "cache": None if cache is None else str(cache), "workers": workers,
                "batch_size": batch_size, "null_seeds": null_seeds, "skip_bad": skip_bad, "scheduler": scheduler,
                "timeout": timeout}
    out = Path(out)
    scores, meta = score_dataset(ref, dataset, cache, workers, batch_size, progress, skip_bad, scheduler, timeout)
    scored = Scored.from_dataset(scores, dataset, skip_bad)
    null_runs = []
    for seed in range(null_seeds):
        null_scores, _ = score_dataset(ModelRef("untrained-null", kwargs={"seed": seed}), dataset, cache, workers,
                                       batch_size, progress, skip_bad, scheduler)
        null_runs.append(Scored.from_dataset(null_scores, dataset, skip_bad))
    computed = metrics.compute_metrics(scored, null_runs)
    result = {
        "schema": SCHEMA,
        "suite": suite_record(dataset, scored.clips),
        "model": {"id": meta["model"], "spec": ref.spec, "kwargs": ref.kwargs, "weights_hash": meta["weights_hash"]},
        "run": {**run_args, "model": ref.spec, "weights": ref.weights, "model_args": ref.kwargs},
        "protocol": {"scored_frames": "per quadruplet: frames where all four clips have finite surprise",
                     "null_model": "untrained-null", "batch_size": batch_size,
                     "scoring_order": f"scoring_plan, seed {ORDER_SEED}: shuffled, no two clips of a quadruplet "
                                      "in one batch", **computed.pop("protocol")},
        "versions": versions(),
        "machine": machine(),
        "throughput": meta["throughput"],  # this run's scoring; 0 clips when all came from the cache
        "skipped_clips": meta["skipped"],
        "skipped_quadruplets": sorted({r["quad_id"] for r in dataset.rows} - set(scored.clips["quad_id"])),
        "curves": scored.surprise_around_reveal(),
    }
    result["metrics"] = computed
    result["quadruplets"] = scored.records(dataset.axes)
    result = json_safe(result)
    write_results(out, result, scores["clip_id"], scores["surprise"], meta["model"], meta["weights_hash"])
    write_report(out)
    return result
