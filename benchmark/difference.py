"""Is one model ahead of another on the same suite? The difference of their macro accuracies per
condition (mean aggregation, the headline), with a 95 % bootstrap CI that resamples the suite's
quadruplets within each cell and applies the same resample to both models (a paired bootstrap:
the two models saw the same clips, so what one quadruplet makes hard is shared).

Issue 14 asks whether object-jepa is ahead of jepa-frame-gru and of its ablations "with the
difference's CI"; `voebench compare --difference` prints it for every run against the first."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.scenes.dataset import read_manifest

from .metrics import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, quadruplet_table
from .results import load_results


def quadruplet_accuracy(results_dir: str | Path, data: str | Path | None = None) -> pd.Series:
    """Per quadruplet 1/0 (right/wrong, ties wrong), indexed by (principle, condition, quad_id),
    from a results directory's scores and the suite's manifest (its path is in results.json
    unless `data` says otherwise)."""
    results = load_results(results_dir)
    data = Path(data or results["suite"]["path"])
    scores = pd.read_parquet(Path(results_dir) / "scores.parquet")
    rows = pd.DataFrame([r for r in read_manifest(data) if r["split"] == "test"])
    clips = rows.merge(scores[["clip_id", "surprise"]], on="clip_id", how="inner")
    partners = {}
    for quad in clips["quad_id"].unique():
        partners.update(json.loads((data / "items" / f"{quad}.json").read_text())["meta"]["partners"])
    clips["partner"] = clips["clip_id"].map(partners).fillna("")
    table = quadruplet_table(clips, "mean")
    return table.set_index(["principle", "condition", "quad_id"])["accuracy"]


def macro_difference(a: pd.Series, b: pd.Series, condition: str) -> tuple[float, float, float]:
    """Macro accuracy of a minus b in `condition` (mean over its cells of the cell accuracy),
    and the 95 % CI of a paired bootstrap over quadruplets within cells."""
    if set(a.index) != set(b.index):
        raise ValueError("the two results do not cover the same quadruplets; compare runs on one suite")
    diff = (a - b.reindex(a.index)).xs(condition, level="condition")
    cells = [g.to_numpy() for _, g in diff.groupby(level="principle")]
    point = float(np.mean([c.mean() for c in cells]))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = np.mean([c[rng.integers(0, len(c), (BOOTSTRAP_RESAMPLES, len(c)))].mean(axis=1) for c in cells], axis=0)
    low, high = np.percentile(draws, [2.5, 97.5])
    return point, float(low), float(high)
