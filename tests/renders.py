"""Real renders for the tests: quadruplets built in memory from a principle's sampler (the
session's set is the `quadruplets` fixture in conftest.py), and a generated dataset's files."""
from __future__ import annotations

from pathlib import Path

import numpy as np

SEEDS = (11, 12)  # two items per principle x condition


def build(name: str, condition: str, seed: int, frames: int = 32, resolution: int = 64, design: int = 1):
    """(scene pair, quadruplet) of one principle and condition, resampled as the generator does
    until the quadruplet passes its checks."""
    from voebench.scenes.items import Item, item_seed
    from voebench.scenes.principles import principle
    from voebench.scenes.quadruplet import Reject, build_quadruplet

    rng = np.random.default_rng(item_seed(seed, Item("test", 0, name, condition)))
    for _ in range(60):
        pair = principle(name).sample(rng, condition, frames, 16, design)
        try:
            return pair, build_quadruplet(pair, condition, resolution, rng, design=design)
        except Reject:
            continue
    raise AssertionError(f"{name}/{condition}: no valid quadruplet")


def dataset_files(directory: Path) -> dict[str, bytes]:
    """Every file that is part of the dataset proper (previews are derived pictures)."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(Path(directory).rglob("*"))
            if p.is_file() and "previews" not in p.parts}
