"""The shipped checkpoints load offline, pass their sha256 check and reproduce what their model
cards record on voe-mini — on this CPU's native kernels and on torch's portable default path
(ATEN_CPU_CAPABILITY=default), as a reviewer on another machine would (issue 10). One process
per CPU path scores every checkpoint (tests/shipped_scoring.py); one test per checkpoint and path
reads its results."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voebench.benchmark.card_metrics import scores_path, summary
from voebench.models.portable import SURPRISE_RTOL
from voebench.models.registry import SHIPPED
from voebench.models.world_model import CHECKPOINT_DIR

from .shipped_scoring import score_shipped

pytestmark = [pytest.mark.slow]

DECISIONS = ("relative_accuracy", "visible", "occluded", "ties", "detected_cells")
CPU_PATHS = ("native", "default")


def _score_in_a_fresh_process(data: Path, out: Path, capability: str | None) -> Path:
    """Every shipped checkpoint scored by a new Python process, with ATEN_CPU_CAPABILITY=`capability`
    (None: unset, the native kernels)."""
    env = dict(os.environ, VOEBENCH_CACHE=str(out / "cache"))
    env.pop("ATEN_CPU_CAPABILITY", None)
    if capability:
        env["ATEN_CPU_CAPABILITY"] = capability
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("shipped_scoring.py")), str(data), str(out)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"scoring the shipped checkpoints failed:\n{done.stderr[-4000:]}"
    return out


@pytest.fixture(scope="session")
def shipped_native(voe_mini, tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped-native")
    if os.environ.get("ATEN_CPU_CAPABILITY"):  # this process does not run the native kernels
        return _score_in_a_fresh_process(voe_mini[0], out, None)
    score_shipped(voe_mini[0], out)
    return out


@pytest.fixture(scope="session")
def shipped_default(voe_mini, tmp_path_factory):
    """A fresh process: the CPU path is chosen when torch loads."""
    return _score_in_a_fresh_process(voe_mini[0], tmp_path_factory.mktemp("shipped-default"), "default")


@pytest.mark.parametrize("cpu_path,name", [(p, n) for p in CPU_PATHS for n in SHIPPED],
                         ids=[f"{n}-{p}" for p in CPU_PATHS for n in SHIPPED])
def test_shipped_checkpoint_reproduces_its_model_card(voe_mini, request, name, cpu_path):
    weights = CHECKPOINT_DIR / f"{name}.safetensors"
    assert weights.exists(), f"{weights} is not shipped (make checkpoints)"
    assert weights.stat().st_size < 20 << 20
    card = json.loads((CHECKPOINT_DIR / f"{name}.json").read_text())
    assert "voe_mini" in card, "model card has no recorded metrics"
    _, info, _ = voe_mini
    assert info["content_hash"] == card["voe_mini"]["suite_hash"]
    out = request.getfixturevalue(f"shipped_{cpu_path}") / name
    result = json.loads((out / "results.json").read_text())
    assert result["model"]["weights_hash"] == card["sha256"]  # the shipped bytes were the ones scored
    if cpu_path == "default":
        assert result["machine"]["cpu_capability"] == "DEFAULT"
    # The detection flags are part of the card, the null comparison is not (null seeds 0 keeps it fast).
    got, expected = summary(result), card["voe_mini"]
    for key in DECISIONS:  # decisions are portable: exactly equal
        assert got[key] == expected[key], key
    assert got["effect"] == pytest.approx(expected["effect"], rel=1e-9)
    ours = pd.read_parquet(out / "scores.parquet").set_index("clip_id")["surprise"]
    recorded = pd.read_parquet(scores_path(name)).set_index("clip_id")["surprise"]
    assert set(ours.index) == set(recorded.index)
    a = np.stack([np.asarray(ours[c], float) for c in recorded.index])
    b = np.stack([np.asarray(recorded[c], float) for c in recorded.index])
    assert np.array_equal(np.isnan(a), np.isnan(b))
    worst = np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(b))
    assert worst <= SURPRISE_RTOL, f"per-clip surprise differs from the card's by {worst:.1e} (relative)"
