"""Record, in a shipped checkpoint's model card, what it scores on voe-mini — the metrics and,
beside the card, every clip's per-frame surprise — so anyone can check that the weights they
loaded reproduce it, on their CPU (tests/test_shipped.py does, on two CPU paths)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from voebench.models.world_model import CHECKPOINT_DIR
from voebench.scenes.files import write_json

from .evaluate import evaluate
from .results import detected_cells
from .runner import ModelRef


def scores_path(name: str) -> Path:
    return CHECKPOINT_DIR / f"{name}.voe-mini.parquet"


def summary(result: dict) -> dict:
    """The decisions a card records: portable, so they must match exactly on any CPU."""
    mean = result["metrics"]["mean"]
    cells = [c for per in mean["cells"].values() for c in per.values()]
    detected, _ = detected_cells(mean)
    return {"suite": "voe-mini", "suite_hash": result["suite"]["content_hash"],
            "relative_accuracy": mean["overall"]["relative_accuracy"],
            "visible": mean["conditions"]["visible"]["relative_accuracy"],
            "occluded": mean["conditions"]["occluded"]["relative_accuracy"],
            "ties": sum(c["n_ties"] for c in cells), "detected_cells": detected,
            "effect": mean["overall"]["effect"], "machine": result["machine"]}


def record(name: str, data: Path, out: Path) -> dict:
    """Evaluate the shipped `name` on voe-mini data; write the summary into its card and the
    per-clip scores beside it."""
    result = evaluate(ModelRef(name), data, out, progress=False)
    entry = summary(result)
    shutil.copy(Path(out) / "scores.parquet", scores_path(name))
    card_path = CHECKPOINT_DIR / f"{name}.json"
    card = json.loads(card_path.read_text())
    card["voe_mini"] = entry
    write_json(card_path, card)
    return entry
