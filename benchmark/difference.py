"""Is one model ahead of another on the same suite? The difference of their macro accuracies per
condition (mean aggregation, the headline), with a 95 % bootstrap CI that resamples the suite's
quadruplets within each cell and applies the same resample to both models (a paired bootstrap:
the two models saw the same clips, so what one quadruplet makes hard is shared).

Issue 14 asks whether object-jepa is ahead of jepa-frame-gru and of its ablations "with the
difference's CI"; `voebench compare --difference` prints it for every run against the first."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .metrics import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED
from .results import load_results


def quadruplet_accuracy(results_dir: str | Path) -> pd.Series:
    """Per quadruplet accuracy (1 right, 0.5 tie, 0 wrong; NaN in unmatched cells), indexed by
    (principle, condition, quad_id): the per-quadruplet records `voebench evaluate` wrote from its
    scored table (benchmark/scored.py), so it works whatever format the data came in (exported,
    IntPhys, ...) and without the data."""
    records = load_results(results_dir).get("quadruplets")
    if not records:
        raise ValueError(f"{Path(results_dir) / 'results.json'} has no per-quadruplet records (written before they "
                         "existed): re-run voebench evaluate")
    table = pd.DataFrame(records).astype({"accuracy": float})
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
