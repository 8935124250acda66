"""Record, in a shipped checkpoint's model card, what it scores on voe-mini, so anyone can
check that the weights they loaded reproduce it (tests/test_shipped.py does)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .trained import CHECKPOINT_DIR


def summary(result: dict, scores) -> dict:
    mean = result["metrics"]["mean"]
    digest = hashlib.sha256()
    for cid, s in sorted(zip(scores["clip_id"], scores["surprise"])):
        digest.update(cid.encode() + np.round(np.asarray(s, float), 5).tobytes())
    return {"suite": "voe-mini", "suite_hash": result["suite"]["content_hash"],
            "relative_accuracy": mean["overall"]["relative_accuracy"],
            "visible": mean["conditions"]["visible"]["relative_accuracy"],
            "occluded": mean["conditions"]["occluded"]["relative_accuracy"],
            "effect": mean["overall"]["effect"], "scores_sha256_5dp": digest.hexdigest()}


def record(name: str, data: Path, out: Path) -> dict:
    """Evaluate the shipped `name` on voe-mini data and write the summary into its card."""
    import pandas as pd

    from benchmark.evaluate import evaluate
    from benchmark.runner import ModelRef

    result = evaluate(ModelRef(name), data, out, progress=False)
    entry = summary(result, pd.read_parquet(Path(out) / "scores.parquet"))
    card_path = CHECKPOINT_DIR / f"{name}.json"
    card = json.loads(card_path.read_text())
    card["voe_mini"] = entry
    card_path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return entry
