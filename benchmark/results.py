"""The results file (RESULTS_DIR/results.json) that `voebench evaluate` writes and everything
downstream reads: its schema name, JSON-safe values, reading it with a clear error."""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.scenes.dataset import read_json
from voebench.scenes.files import atomic_write_bytes, write_json

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


def detected_cells(mean: dict, condition: str = "overall") -> tuple[int, int] | None:
    """(detected, tested) cells of a result's mean-aggregation metrics, in one condition or
    overall; None where no cell is tested (unmatched quadruplets, people's clip-level scores)."""
    flags = [c["detected"] for per in mean["cells"].values() for cond, c in per.items()
             if condition in ("overall", cond) and c.get("detected") is not None]
    return (sum(flags), len(flags)) if flags else None


def load_results(results_dir: str | Path) -> dict:
    return read_json(Path(results_dir) / "results.json",
                     f"no results here (run `voebench evaluate --out {results_dir}` first)")


def write_results(out: str | Path, result: dict, clip_ids, surprises, model: str, weights_hash: str | None) -> None:
    """RESULTS_DIR: scores.parquet (one row per clip: its surprise values, the model, its weights
    hash) and results.json, each written to a temporary name and renamed into place (the report
    follows: report.write_report)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame({"clip_id": list(clip_ids), "surprise": [np.asarray(s, float).tolist() for s in surprises]})
    table["model"] = model
    table["weights_hash"] = weights_hash or ""
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    atomic_write_bytes(out / "scores.parquet", buf.getvalue())
    write_json(out / "results.json", result)
