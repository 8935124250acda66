"""Score every shipped checkpoint on voe-mini in one process: OUT/<name>/ is each one's results
folder (null seeds 0: a model card records the decisions, not the null comparison).
tests/test_shipped.py calls it in its own process on this CPU's native kernels, and runs
`python tests/shipped_scoring.py DATA OUT` in a fresh process on torch's portable path (the CPU
path is chosen when torch loads)."""
from __future__ import annotations

import sys
from pathlib import Path


def score_shipped(data: Path, out: Path) -> None:
    from voebench.benchmark.evaluate import evaluate
    from voebench.benchmark.runner import ModelRef
    from voebench.models.registry import SHIPPED

    for name in SHIPPED:
        evaluate(ModelRef(name), data, Path(out) / name, cache=Path(out) / "cache", null_seeds=0, progress=False)


if __name__ == "__main__":
    score_shipped(Path(sys.argv[1]), Path(sys.argv[2]))
