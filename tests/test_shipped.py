"""The shipped checkpoints load offline, pass their sha256 check and reproduce what their model
cards record on voe-mini — on this CPU's native kernels and on torch's portable default path
(ATEN_CPU_CAPABILITY=default), as a reviewer on another machine would (issue 10)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voebench.benchmark.card_metrics import scores_path, summary
from voebench.benchmark.evaluate import evaluate
from voebench.benchmark.runner import ModelRef
from voebench.models.portable import SURPRISE_RTOL
from voebench.models.registry import SHIPPED
from voebench.models.trained import CHECKPOINT_DIR

pytestmark = [pytest.mark.slow]

DECISIONS = ("relative_accuracy", "visible", "occluded", "ties", "detected_cells")


@pytest.mark.parametrize("cpu_path", ["native", "default"])
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_checkpoint_reproduces_its_model_card(voe_mini, tmp_path, name, cpu_path):
    weights = CHECKPOINT_DIR / f"{name}.safetensors"
    assert weights.exists(), f"{weights} is not shipped (make checkpoints)"
    assert weights.stat().st_size < 20 << 20
    card = json.loads((CHECKPOINT_DIR / f"{name}.json").read_text())
    assert "voe_mini" in card, "model card has no recorded metrics"
    data, info, _ = voe_mini
    assert info["content_hash"] == card["voe_mini"]["suite_hash"]
    # The detection flags are part of the card, the null comparison is not (null seeds 0 keeps it fast).
    if cpu_path == "default" or os.environ.get("ATEN_CPU_CAPABILITY"):
        # A fresh process: the CPU path is chosen when torch loads.
        env = dict(os.environ, VOEBENCH_CACHE=str(tmp_path / "cache"))
        env.pop("ATEN_CPU_CAPABILITY", None)
        if cpu_path == "default":
            env["ATEN_CPU_CAPABILITY"] = "default"
        subprocess.run([str(Path(sys.executable).parent / "voebench"), "evaluate", "--model", name, "--data",
                        str(data), "--out", str(tmp_path / "out"), "--null-seeds", "0", "--quiet"], env=env, check=True)
    else:  # this process already runs the native kernels
        evaluate(ModelRef(name), data, tmp_path / "out", cache=tmp_path / "cache", null_seeds=0, progress=False)
    result = json.loads((tmp_path / "out" / "results.json").read_text())
    if cpu_path == "default":
        assert result["machine"]["cpu_capability"] == "DEFAULT"
    got, expected = summary(result), card["voe_mini"]
    for key in DECISIONS:  # decisions are portable: exactly equal
        assert got[key] == expected[key], key
    assert got["effect"] == pytest.approx(expected["effect"], rel=1e-9)
    ours = pd.read_parquet(tmp_path / "out" / "scores.parquet").set_index("clip_id")["surprise"]
    recorded = pd.read_parquet(scores_path(name)).set_index("clip_id")["surprise"]
    assert set(ours.index) == set(recorded.index)
    a = np.stack([np.asarray(ours[c], float) for c in recorded.index])
    b = np.stack([np.asarray(recorded[c], float) for c in recorded.index])
    assert np.array_equal(np.isnan(a), np.isnan(b))
    worst = np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(b))
    assert worst <= SURPRISE_RTOL, f"per-clip surprise differs from the card's by {worst:.1e} (relative)"
