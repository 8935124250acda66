"""`voebench evaluate`: score a model on a suite, compare with the untrained null, write
RESULTS_DIR/scores.parquet, results.json and the report."""
from __future__ import annotations

import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.models.portable import machine
from voebench.scenes.dataset import DatasetError, package_version

from . import matching, metrics
from .formats import Dataset, as_dataset
from .results import SCHEMA, json_safe, write_results
from .runner import ORDER_SEED, ModelInstance, ModelRef, score_dataset

NULL_SEEDS = 10
CURVE_HALF_WIDTH = 8  # frames either side of reveal_frame in the aligned surprise curves


def attach_labels(scores: pd.DataFrame, data: str | Path | Dataset) -> pd.DataFrame:
    """Join scores with the dataset's labels (after scoring: models never see them), find each
    impossible clip's possible partner, and measure which quadruplets are matched."""
    dataset = as_dataset(data)
    clips = pd.DataFrame(dataset.rows).merge(scores, on="clip_id", how="inner")
    clips["partner"] = clips["clip_id"].map(matching.partners(clips)).fillna("")
    return matching.measure(clips)


def whole_quadruplets(clips: pd.DataFrame, data: str | Path | Dataset, skip_bad: bool) -> pd.DataFrame:
    """Only complete quadruplets (2 possible + 2 impossible) are scored: an incomplete one is
    an error naming it, unless skip_bad (then it is listed in results.json and left out)."""
    sizes = clips.groupby("quad_id")["possible"].agg(["size", "sum"])
    bad = sizes[(sizes["size"] != 4) | (sizes["sum"] != 2)]
    if len(bad) and not skip_bad:
        quad, row = bad.index[0], bad.iloc[0]
        dataset = as_dataset(data)
        raise DatasetError(f"{dataset.labels or dataset.root}: quadruplet {quad} has {row['size']} scored clips "
                           f"({row['sum']} possible); expected 2 possible + 2 impossible ({len(bad)} such)")
    return clips[~clips["quad_id"].isin(bad.index)].reset_index(drop=True)


def aligned_curves(clips: pd.DataFrame, half: int = CURVE_HALF_WIDTH) -> dict:
    """Mean surprise of impossible clips and of their possible partners, aligned at reveal_frame."""
    by_id = clips.set_index("clip_id")
    out = {}
    for (principle, condition), g in clips[(clips["possible"] == 0) & (clips["reveal_frame"] >= 0)
                                           & (clips["partner"] != "")].groupby(["principle", "condition"]):
        imp, pos = [], []
        for r in g.itertuples():
            s, p = r.surprise, by_id.loc[r.partner, "surprise"]
            window = np.full((2, 2 * half + 1), np.nan)
            for k, t in enumerate(range(r.reveal_frame - half, r.reveal_frame + half + 1)):
                if 0 <= t < len(s):
                    window[:, k] = s[t], p[t]
            imp.append(window[0])
            pos.append(window[1])
        with warnings.catch_warnings():  # offsets no clip reaches stay NaN (null in JSON)
            warnings.simplefilter("ignore", RuntimeWarning)
            out.setdefault(principle, {})[condition] = {
                "offsets": list(range(-half, half + 1)),
                "impossible": json_safe(np.nanmean(imp, axis=0).tolist()),
                "possible": json_safe(np.nanmean(pos, axis=0).tolist()),
            }
    return out


def quadruplet_records(clips: pd.DataFrame, axes: dict) -> list[dict]:
    """Per quadruplet (mean aggregation): its cell, accuracy, effect and recorded difficulty axes,
    what the psychometric curves of `voebench report` are drawn from."""
    from .psychometric import numeric_axes

    table = metrics.quadruplet_table(clips, "mean")
    return [{"quad_id": r.quad_id, "principle": r.principle, "condition": r.condition, "accuracy": r.accuracy,
             "effect": r.effect, "axes": numeric_axes(axes.get(r.quad_id, {}))} for r in table.itertuples()]


def suite_record(dataset: Dataset, clips: pd.DataFrame) -> dict:
    """The dataset as results.json records it; for a dataset voebench did not generate (or read
    exported or transformed), its format and how many of the scored quadruplets (`clips`, with
    attach_labels' columns) are matched and frame-identical."""
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
             workers: int = 1, batch_size: int = 8, null_seeds: int = NULL_SEEDS, progress: bool = True,
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
    info = dataset.info
    scores, meta = score_dataset(ref, dataset, cache, workers, batch_size, progress, skip_bad, scheduler, timeout)
    clips = whole_quadruplets(attach_labels(scores, dataset), dataset, skip_bad)
    null_runs = []
    for seed in range(null_seeds):
        null_scores, _ = score_dataset(ModelRef("untrained-null", kwargs={"seed": seed}), dataset, cache, workers,
                                       batch_size, progress, skip_bad, scheduler)
        null_runs.append(whole_quadruplets(attach_labels(null_scores, dataset), dataset, skip_bad))
    computed = metrics.compute_metrics(clips, null_runs)
    result = {
        "schema": SCHEMA,
        "suite": suite_record(dataset, clips),
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
        "skipped_quadruplets": sorted({r["quad_id"] for r in dataset.rows} - set(clips["quad_id"])),
        "curves": aligned_curves(clips),
    }
    result["metrics"] = computed
    result["quadruplets"] = quadruplet_records(clips, dataset.axes)
    result = json_safe(result)
    write_results(out, result, scores["clip_id"], scores["surprise"], meta["model"], meta["weights_hash"])
    return result
