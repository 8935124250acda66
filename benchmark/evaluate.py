"""`voebench evaluate`: score a model on a suite, compare with the untrained null, write
RESULTS_DIR/scores.parquet, results.json and the report."""
from __future__ import annotations

import io
import json
import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.models.portable import machine
from voebench.scenes.dataset import (DatasetError, atomic_write_bytes, atomic_write_text, load_info,
                                     package_version, read_manifest)

from . import metrics
from .results import SCHEMA, json_safe
from .runner import ORDER_SEED, ModelInstance, ModelRef, score_dataset

NULL_SEEDS = 10
CURVE_HALF_WIDTH = 8  # frames either side of reveal_frame in the aligned surprise curves


def attach_labels(scores: pd.DataFrame, directory: Path) -> pd.DataFrame:
    """Join scores with the manifest (after scoring: models never see this) and find, for each
    impossible clip, the possible clip of its quadruplet with the longest common prefix."""
    rows = pd.DataFrame([r for r in read_manifest(directory) if r["split"] == "test"])
    clips = rows.merge(scores, on="clip_id", how="inner")
    partners = {}
    for _, g in clips.groupby("quad_id"):
        possible = g[g["possible"] == 1]
        for r in g[g["possible"] == 0].itertuples():
            def common(h):
                n = 0
                for a, b in zip(r.frame_hashes, h):
                    if a != b:
                        break
                    n += 1
                return n
            best = max(possible.itertuples(), key=lambda p: common(p.frame_hashes))
            partners[r.clip_id] = best.clip_id
    clips["partner"] = clips["clip_id"].map(partners).fillna("")
    return clips


def whole_quadruplets(clips: pd.DataFrame, directory: Path, skip_bad: bool) -> pd.DataFrame:
    """Only complete quadruplets (2 possible + 2 impossible) are scored: an incomplete one is
    an error naming it, unless skip_bad (then it is listed in results.json and left out)."""
    sizes = clips.groupby("quad_id")["possible"].agg(["size", "sum"])
    bad = sizes[(sizes["size"] != 4) | (sizes["sum"] != 2)]
    if len(bad) and not skip_bad:
        quad, row = bad.index[0], bad.iloc[0]
        raise DatasetError(f"{Path(directory) / 'manifest.csv'}: quadruplet {quad} has {row['size']} scored clips "
                           f"({row['sum']} possible); expected 2 possible + 2 impossible ({len(bad)} such)")
    return clips[~clips["quad_id"].isin(bad.index)].reset_index(drop=True)


def read_quad_ids(directory: Path) -> list[str]:
    return [r["quad_id"] for r in read_manifest(directory) if r["split"] == "test"]


def aligned_curves(clips: pd.DataFrame, half: int = CURVE_HALF_WIDTH) -> dict:
    """Mean surprise of impossible clips and of their possible partners, aligned at reveal_frame."""
    by_id = clips.set_index("clip_id")
    out = {}
    for (principle, condition), g in clips[clips["possible"] == 0].groupby(["principle", "condition"]):
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


def versions() -> dict:
    out = {"python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}"}
    for name in ("voebench", "numpy", "torch", "pybullet", "pandas"):
        out[name] = package_version(name)
    return out


def evaluate(ref: ModelRef | ModelInstance, data: str | Path, out: str | Path, cache: Path | None = None,
             workers: int = 1, batch_size: int = 8, null_seeds: int = NULL_SEEDS, progress: bool = True,
             skip_bad: bool = False, scheduler: str | None = None, timeout: float | None = None) -> dict:
    """Score `ref`'s model on the suite in `data`; write OUT/scores.parquet, results.json (with the
    arguments of this run), report.md and figures; return the results."""
    run_args = {"data": str(data), "out": str(out), "cache": None if cache is None else str(cache), "workers": workers,
                "batch_size": batch_size, "null_seeds": null_seeds, "skip_bad": skip_bad, "scheduler": scheduler,
                "timeout": timeout}
    data, out = Path(data), Path(out)
    info = load_info(data)
    scores, meta = score_dataset(ref, data, cache, workers, batch_size, progress, skip_bad, scheduler, timeout)
    clips = whole_quadruplets(attach_labels(scores, data), data, skip_bad)
    null_runs = []
    for seed in range(null_seeds):
        null_scores, _ = score_dataset(ModelRef("untrained-null", kwargs={"seed": seed}), data, cache, workers,
                                       batch_size, progress, skip_bad, scheduler)
        null_runs.append(whole_quadruplets(attach_labels(null_scores, data), data, skip_bad))
    computed = metrics.compute_metrics(clips, null_runs)
    result = {
        "schema": SCHEMA,
        "suite": {"content_hash": info["content_hash"], "seed": info["seed"], "resolution": info["resolution"],
                  "frames": info["frames"], "counts": info["counts"], "path": str(data)},
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
        "skipped_quadruplets": sorted(set(read_quad_ids(data)) - set(clips["quad_id"])),
        "curves": aligned_curves(clips),
    }
    result["metrics"] = computed
    result = json_safe(result)
    table = scores[["clip_id", "surprise"]].copy()
    table["surprise"] = table["surprise"].map(lambda s: np.asarray(s, float).tolist())
    table["model"] = meta["model"]
    table["weights_hash"] = meta["weights_hash"] or ""
    out.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    atomic_write_bytes(out / "scores.parquet", buf.getvalue())
    atomic_write_text(out / "results.json", json.dumps(result, indent=1, sort_keys=True) + "\n")
    from .report import write_report

    write_report(out)
    return result
