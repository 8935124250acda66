"""`voebench curves`: several models' psychometric curves on one sweep suite, and the page's section."""
from __future__ import annotations

import json

from voebench.benchmark.psychometric_summary import summarise, summary_figure
from voebench.benchmark.evaluate import evaluate
from voebench.benchmark.runner import ModelRef
from voebench.cli import main as cli
from voebench.scenes.generate import GenerateConfig, generate


def test_curves_summary_figure_and_page_section(tmp_path):
    data = tmp_path / "sweep"
    generate(GenerateConfig(out=str(data), principles=["permanence"], conditions=["occluded"], per_condition=2, seed=3,
                            design=3, sweep="hidden_frames=3:11:3"), progress=False, previews=False)
    dirs = []
    for model in ("frame-diff", "histogram-change"):
        dirs.append(tmp_path / model)
        result = evaluate(ModelRef(model), data, dirs[-1], cache=tmp_path / "cache", null_seeds=0, progress=False)
        assert result["suite"]["sweep"] == {"axis": "hidden_frames", "levels": [3, 7, 11]}
    summary = summarise(dirs)
    assert summary["axis"] == "hidden_frames" and set(summary["models"]) == {"frame-diff@2", "histogram-change@2"}
    curve = summary["models"]["frame-diff@2"]["permanence/occluded"]
    assert [g["x"] for g in curve["levels"]] == [3, 7, 11] and [g["n"] for g in curve["levels"]] == [2, 2, 2]
    assert summary_figure(summary)[:8] == b"\x89PNG\r\n\x1a\n"
    # the CLI writes the summary; the leaderboard page shows every summary in its sweeps folder
    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    assert cli(["curves", *map(str, dirs), "--out", str(sweeps / "demo.json"), "--figure", str(tmp_path / "c.png")]) == 0
    assert json.loads((sweeps / "demo.json").read_text())["models"] == json.loads(json.dumps(summary["models"]))
    from voebench.benchmark import suites
    from voebench.leaderboard.build import build
    from voebench.leaderboard.submission import SUBMISSIONS

    built = build(suites.LEADERBOARD_SUITE, root=SUBMISSIONS, out=tmp_path / "board", sweeps=sweeps)
    page = (tmp_path / "board" / "site" / "index.html").read_text()
    assert '"axis": "hidden_frames"' in page and (tmp_path / "board/site/assets/sweep-demo.png").exists()
    assert built["rows"]
    # results on different suites are refused
    other = tmp_path / "other"
    evaluate(ModelRef("frame-diff"), tmp_path / "sweep", other, cache=tmp_path / "cache", null_seeds=0, progress=False)
    saved = json.loads((other / "results.json").read_text())
    saved["suite"]["content_hash"] = "0" * 64
    (other / "results.json").write_text(json.dumps(saved))
    assert cli(["curves", str(dirs[0]), str(other), "--out", str(tmp_path / "x.json")]) == 2
