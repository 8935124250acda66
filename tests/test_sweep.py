"""Controlled sweeps: the levels a sweep's manifest and items record are what its frames show."""
from __future__ import annotations

import json

import numpy as np
import pytest

from voebench.scenes.generate import ConfigError, GenerateConfig, generate
from voebench.scenes.sweep import SweepError, check, parse


def test_parse_and_check():
    assert parse("hidden_frames=2:14:7").levels == (2, 4, 6, 8, 10, 12, 14)
    for bad in ("hidden_frames=2-14", "speed=1:3:3", "hidden_frames=0:14:7", "hidden_frames=2:4:9"):
        with pytest.raises(SweepError):
            parse(bad)
    with pytest.raises(SweepError, match="permanence, continuity, not gravity"):
        check(parse("hidden_frames=2:6:3"), ["gravity"], ["occluded"])
    with pytest.raises(SweepError, match="occluded condition, not visible"):
        check(parse("hidden_frames=2:6:3"), ["permanence"], ["visible"])


def _hidden_from_masks(arrays: dict) -> int:
    """Frames between the object's first and last sighting with none of its pixels on screen."""
    body = 1 + list(arrays["body_names"]).index("object")
    visible = (arrays["masks"] == body).sum(axis=(1, 2))
    seen = np.flatnonzero(visible > 0)
    return int((visible[seen[0]: seen[-1] + 1] == 0).sum()) if len(seen) else -1


def test_sweep_levels_are_measured_from_the_masks(tmp_path):
    cfg = GenerateConfig(out=str(tmp_path / "s"), principles=["permanence"], conditions=["occluded"], per_condition=2,
                         seed=31, design=3, sweep="hidden_frames=3:11:3")
    info = generate(cfg, progress=False, previews=False)
    assert info["config"]["sweep"] == {"axis": "hidden_frames", "levels": [3, 7, 11]}
    assert info["counts"]["quadruplets"] == {"permanence": {"occluded": 6}}
    seen_levels = []
    for k in range(6):
        record = json.loads((tmp_path / "s" / "items" / f"permanence-occluded-{k:04d}.json").read_text())
        level = record["meta"]["sweep"]["level"]
        assert level == [3, 7, 11][k // 2] == record["meta"]["axes"]["hidden_frames"]
        possible = [r for r in record["rows"] if r["possible"]]
        measured = [_hidden_from_masks(dict(np.load(tmp_path / "s" / r["path"]))) for r in possible]
        assert level in measured  # the run in which the object exists; the other run has none
        seen_levels.append(level)
    assert seen_levels == [3, 3, 7, 7, 11, 11]
    # resumable like every suite: a lost item is rebuilt byte for byte
    (tmp_path / "s" / "items" / "permanence-occluded-0003.json").unlink()
    assert generate(cfg, progress=False, previews=False)["content_hash"] == info["content_hash"]
    with pytest.raises(ConfigError, match="sweep"):  # a resume must use the same sweep
        generate(GenerateConfig(out=str(tmp_path / "s"), principles=["permanence"], conditions=["occluded"],
                                per_condition=2, seed=31, design=3, sweep="hidden_frames=3:11:5"), progress=False)


def test_continuity_sweep_and_the_official_sweep_suite(tmp_path):
    """Continuity is swept too (two screens sized to hide the object that long); the official sweep
    suite's settings load from its toml."""
    from voebench.benchmark import suites

    suite = suites.load("voe-v2-sweep-occlusion")
    cfg = suite.generate_config(str(tmp_path / "x"))
    assert (cfg.principles, cfg.conditions, cfg.sweep, cfg.frames) == (
        ["permanence", "continuity"], ["occluded"], "hidden_frames=2:14:7", 48)
    out = tmp_path / "c"
    generate(GenerateConfig(out=str(out), principles=["continuity"], conditions=["occluded"], per_condition=1, seed=8,
                            design=3, frames=48, sweep="hidden_frames=2:14:3"), progress=False, previews=False)
    for k, level in enumerate([2, 8, 14]):
        record = json.loads((out / "items" / f"continuity-occluded-{k:04d}.json").read_text())
        possible = [r for r in record["rows"] if r["possible"]]
        measured = [_hidden_from_masks(dict(np.load(out / r["path"]))) for r in possible]
        assert record["meta"]["sweep"]["level"] == level and measured[0] == level  # run A holds the object
