"""The shipped checkpoints load offline, pass their sha256 check and reproduce the voe-mini
metrics written in their model cards."""
import json

import pandas as pd
import pytest

from benchmark.evaluate import evaluate
from benchmark.runner import ModelRef
from models.card_metrics import summary
from models.trained import CHECKPOINT_DIR

SHIPPED = ("jepa-frame", "jepa-frame-gru", "vjepa-tubelet", "pixel-predictor")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_checkpoint_reproduces_its_model_card(voe_mini, tmp_path, monkeypatch, name):
    weights = CHECKPOINT_DIR / f"{name}.safetensors"
    assert weights.exists(), f"{weights} is not shipped (make checkpoints)"
    assert weights.stat().st_size < 20 << 20
    card = json.loads((CHECKPOINT_DIR / f"{name}.json").read_text())
    assert "voe_mini" in card, "model card has no recorded metrics"
    data, info, _ = voe_mini
    assert info["content_hash"] == card["voe_mini"]["suite_hash"]
    monkeypatch.setenv("VOEBENCH_CACHE", str(tmp_path / "cache"))
    # The recorded figures do not depend on the null models (only the detection flags do).
    result = evaluate(ModelRef(name), data, tmp_path / "out", null_seeds=0, progress=False)
    got = summary(result, pd.read_parquet(tmp_path / "out" / "scores.parquet"))
    expected = card["voe_mini"]
    for key in ("relative_accuracy", "visible", "occluded"):
        assert got[key] == expected[key], key
    assert got["effect"] == pytest.approx(expected["effect"], rel=1e-6, abs=1e-9)
