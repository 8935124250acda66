"""The results file (RESULTS_DIR/results.json) that `voebench evaluate` writes and everything
downstream reads: its schema name, JSON-safe values, reading it with a clear error."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from voebench.scenes.dataset import read_json

SCHEMA = "voebench.results/1"


def json_safe(obj):
    """JSON-safe: tuples to lists, numpy to Python, NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def load_results(results_dir: str | Path) -> dict:
    return read_json(Path(results_dir) / "results.json",
                     f"no results here (run `voebench evaluate --out {results_dir}` first)")
