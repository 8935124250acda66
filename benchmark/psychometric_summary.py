"""`voebench curves`: several models' psychometric curves on one suite, in one file and one picture
(for a sweep suite, and for the leaderboard page's difficulty section)."""
from __future__ import annotations

from pathlib import Path

from .psychometric import cell_curves, figure
from .results import load_results


def summarise(results_dirs: list[str | Path], axis: str | None = None) -> dict:
    """{suite, content_hash, axis, levels, models: {model id: {"principle/condition": curve}}} from
    results directories of one suite (a sweep's axis unless `axis` names another)."""
    results = [load_results(d) for d in results_dirs]
    hashes = {r["suite"]["content_hash"] for r in results}
    if len(hashes) != 1:
        raise ValueError(f"the results are on {len(hashes)} different suites; curves compare models on one suite")
    sweep = results[0]["suite"].get("sweep") or {}
    axis = axis or sweep.get("axis")
    if not axis:
        raise ValueError("the suite is not a sweep: name the axis to draw (--axis, e.g. hidden_frames)")
    models = {}
    for r in results:
        if not r.get("quadruplets"):
            raise ValueError(f"results of {r['model']['id']} have no per-quadruplet records (re-run voebench evaluate)")
        curves = cell_curves(r["quadruplets"], sweep.get("axis")).get(axis, {})
        models[r["model"]["id"]] = {f"{p}/{c}": curve for (p, c), curve in sorted(curves.items())}
    from .suites import by_hash

    suite = by_hash(hashes.pop() if hashes else "")
    return {"suite": suite.name if suite else results[0]["suite"]["path"], "content_hash": results[0]["suite"]["content_hash"],
            "axis": axis, "levels": sweep.get("levels"), "models": models}


def summary_figure(summary: dict) -> bytes:
    """One panel per cell, every model's curve on it (of the untrained nulls only the generic one,
    the chance reference: an architecture's own null is in the tables)."""
    by_cell: dict = {}
    for model, cells in summary["models"].items():
        if model.startswith("untrained-null@") and not model.startswith("untrained-null@1-"):
            continue
        for cell, c in cells.items():
            by_cell.setdefault(tuple(cell.split("/", 1)), {})[model] = c
    return figure(summary["axis"], by_cell)
