"""Psychometric curves: the fit, the levels and their CIs, and the report's pictures and table."""
from __future__ import annotations

import json

import numpy as np

from voebench.benchmark.psychometric import THRESHOLD, curve, predict


def test_fit_recovers_a_known_threshold():
    rng = np.random.default_rng(0)
    x = rng.uniform(2, 14, 400)
    p = 0.5 + 0.5 / (1 + np.exp(1.5 * (x - 8)))  # 75 % at x = 8, chance for long occlusions
    c = curve(x, (rng.random(400) < p).astype(float))
    assert abs(c["threshold"] - 8) < 0.5
    assert abs(predict(c["fit"], [c["threshold"]])[0] - THRESHOLD) < 1e-9
    assert len(c["levels"]) == 4 and sum(g["n"] for g in c["levels"]) == 400
    assert c["levels"][0]["accuracy"] > 0.9 > c["levels"][-1]["accuracy"]


def test_sweep_levels_ties_and_chance():
    levels = np.repeat([2.0, 4.0, 6.0, 8.0], 5)
    acc = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 0, 1, 0, 0.5, 0, 1, 0, 0, 0.5])
    c = curve(levels, acc, sweep=True)
    assert [g["x"] for g in c["levels"]] == [2, 4, 6, 8] and [g["n"] for g in c["levels"]] == [5] * 4
    assert c["levels"][1]["accuracy"] == 0.9 and c["levels"][0]["ci"] == [1.0, 1.0]
    assert 4 < c["threshold"] < 6
    flat = curve(np.arange(10.0), np.full(10, 0.5))  # at chance everywhere: no 75 % point
    assert flat["threshold"] is None


def test_report_draws_curves_from_recorded_axes(suite, tmp_path):
    from voebench.benchmark.evaluate import evaluate
    from voebench.benchmark.report import write_report
    from voebench.benchmark.runner import ModelRef

    data, _ = suite
    result = evaluate(ModelRef("frame-diff"), data, tmp_path, cache=tmp_path / "cache", null_seeds=0, progress=False)
    records = {q["quad_id"]: q for q in result["quadruplets"]}
    assert len(records) == 14
    item = json.loads((data / "items" / "permanence-occluded-0000.json").read_text())
    assert records["permanence-occluded-0000"]["axes"]["occlusion_frames"] == item["meta"]["axes"]["occlusion_frames"]
    # one cell with enough quadruplets (copies with other levels) to draw a curve
    rng = np.random.default_rng(1)
    extra = [{**records["permanence-occluded-0000"], "quad_id": f"x{k}", "axes": {"occlusion_frames": float(k % 7 + 2)},
              "accuracy": float(rng.random() < 0.9 - 0.1 * (k % 7))} for k in range(28)]
    saved = json.loads((tmp_path / "results.json").read_text())
    saved["quadruplets"] += extra
    (tmp_path / "results.json").write_text(json.dumps(saved))
    paths = write_report(tmp_path)
    assert tmp_path / "psychometric_occlusion_frames.png" in paths
    text = (tmp_path / "report.md").read_text()
    assert "## Accuracy against difficulty" in text and "| occlusion_frames | permanence | occluded | 29 |" in text
