"""Named suites, defined as data in benchmark/suites/NAME.toml.

Each records the generation settings and the expected content hash on the reference
platform. A frozen suite also ships its labels (NAME.labels.csv: which clips are impossible,
their quadruplet, reveal frame and prefix partner) and its untrained-null scores
(NAME.null/seed-K.parquet), so submissions can be re-scored without the clips.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from voebench.scenes.design import DEMO_SUITE, LEADERBOARD_SUITE  # noqa: F401  (re-exported)

SUITE_DIR = Path(__file__).parent / "suites"
LABEL_COLUMNS = ("clip_id", "principle", "condition", "quad_id", "possible", "reveal_frame", "partner", "violation")


class SuiteError(ValueError):
    pass


@dataclass(frozen=True)
class Power:
    """What a suite's size lets the detection rule see (benchmark/power.py, docs/power.md; stated in
    the toml and checked against the simulation by tests/test_power.py): the power to detect a cell
    of true accuracy `accuracy` with the other cells at chance, the lowest true accuracy detected
    with power `target` (None: none is), and half the width of a cell's 95 % CI at `accuracy`."""

    accuracy: float
    target: float
    power: float
    ci_half_width: float
    detectable: float | None = None

    def sentence(self, per_cell: int) -> str:
        """The suite's power in words, for its leaderboard."""
        if self.detectable is None:
            return (f"Power: with {per_cell} quadruplets a cell no cell can be detected, whatever a model's accuracy "
                    "(docs/power.md).")
        return (f"Power: with {per_cell} quadruplets a cell, a cell is detected with probability {self.target:g} only "
                f"from a true accuracy of {self.detectable:.0%} (the other cells at chance); one at "
                f"{self.accuracy:.0%} with probability {self.power:.2f}; a cell's 95 % CI is ±{100 * self.ci_half_width:.0f} "
                f"points at {self.accuracy:.0%} (docs/power.md).")


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    seed: int
    per_condition: int
    resolution: int
    frames: int
    content_hash: str
    reference_pybullet: str
    reference_platform: str
    design: int = 1  # scene design version (scenes/design.py)
    retired: str = ""  # why the suite left the leaderboard (empty: current)
    look: str = "flat"  # scenes/look.py
    principles: tuple[str, ...] = ()  # a subset of the principles (empty: all)
    conditions: tuple[str, ...] = ()  # a subset of the conditions (empty: both)
    sweep: str = ""  # a controlled sweep, AXIS=LO:HI:N (scenes/sweep.py); per_condition is per level
    power: Power | None = None  # what the suite's size can detect ([power] in its toml; docs/power.md)

    @property
    def labels_path(self) -> Path:
        return SUITE_DIR / f"{self.name}.labels.csv"

    @property
    def null_dir(self) -> Path:
        return SUITE_DIR / f"{self.name}.null"

    def generate_config(self, out: str, workers: int = 1):
        from voebench.scenes.generate import GenerateConfig

        cfg = GenerateConfig(out=out, seed=self.seed, per_condition=self.per_condition, resolution=self.resolution,
                             frames=self.frames, workers=workers, design=self.design, look=self.look,
                             sweep=self.sweep or None)
        if self.principles:
            cfg.principles = list(self.principles)
        if self.conditions:
            cfg.conditions = list(self.conditions)
        return cfg

    def labels(self) -> pd.DataFrame:
        if not self.labels_path.exists():
            raise SuiteError(f"suite {self.name} has no frozen labels ({self.labels_path})")
        labels = pd.read_csv(self.labels_path, keep_default_na=False, dtype={"partner": str, "violation": str})
        if "violation" not in labels:  # frozen before the column existed
            labels["violation"] = ""
        return labels

    def null_runs(self) -> list:
        """The untrained-null scores joined with the labels, one scored table (benchmark/scored.py)
        per seed."""
        from .runner import read_scores
        from .scored import Scored

        labels = self.labels()
        return [Scored.from_labels(labels, read_scores(p)) for p in sorted(self.null_dir.glob("seed-*.parquet"))]


def load(name: str) -> Suite:
    path = SUITE_DIR / f"{name}.toml"
    if not path.exists():
        raise SuiteError(f"unknown suite {name!r}; official suites: {', '.join(names())}")
    d = tomllib.loads(path.read_text())
    ref = d.get("reference", {})
    return Suite(d["name"], d.get("description", ""), int(d["seed"]), int(d["per_condition"]), int(d["resolution"]),
                 int(d["frames"]), ref.get("content_hash", ""), ref.get("pybullet", ""), ref.get("platform", ""),
                 int(d.get("design", 1)), d.get("retired", ""), d.get("look", "flat"), tuple(d.get("principles", ())),
                 tuple(d.get("conditions", ())), d.get("sweep", ""), Power(**d["power"]) if "power" in d else None)


def names() -> list[str]:
    return sorted(p.stem for p in SUITE_DIR.glob("*.toml"))


def by_hash(content_hash: str) -> Suite | None:
    for name in names():
        suite = load(name)
        if suite.content_hash and suite.content_hash == content_hash:
            return suite
    return None


def hash_mismatch(suite: Suite, info: dict) -> str | None:
    """A clear message if a generated suite is not the official one, else None."""
    if info["content_hash"] == suite.content_hash:
        return None
    if not suite.content_hash:
        return (f"suite {suite.name} has no reference content hash yet (maintainers: record "
                f"{info['content_hash']} in {SUITE_DIR / (suite.name + '.toml')} once it is frozen).")
    return (f"suite {suite.name}: generated content hash {info['content_hash'][:16]}… differs from the official "
            f"{suite.content_hash[:16]}… (reference: pybullet {suite.reference_pybullet}, {suite.reference_platform}; "
            f"here: pybullet {info.get('pybullet_package')}, {info.get('platform')}). Scores on this data are not "
            "comparable with the leaderboard and will not be accepted by `voebench submit`.")


def freeze(suite: Suite, data: Path, cache: Path | None = None, null_seeds: int | None = None, progress: bool = True,
           directory: Path = SUITE_DIR) -> None:
    """Maintainers: write the suite's frozen labels (DIRECTORY/NAME.labels.csv) and untrained-null
    scores (DIRECTORY/NAME.null/seed-K.parquet, `null_seeds` of them: default evaluate's NULL_SEEDS)
    from its generated data, so that submissions are re-scored without the clips.
    tests/test_suites.py checks that this rebuilds the committed files."""
    from voebench.scenes.dataset import load_info
    from voebench.scenes.files import atomic_write_bytes, atomic_write_text

    from .evaluate import NULL_SEEDS
    from .formats import as_dataset
    from .runner import ModelRef, score_dataset, table_bytes
    from .scored import attach_labels

    info = load_info(data)
    if info["content_hash"] != suite.content_hash:
        raise SuiteError(hash_mismatch(suite, info))
    dataset = as_dataset(data)
    scores, _ = score_dataset(ModelRef("frame-diff"), dataset, cache, progress=progress)
    labels = attach_labels(scores, dataset)[list(LABEL_COLUMNS)].sort_values("clip_id")
    atomic_write_text(Path(directory) / f"{suite.name}.labels.csv", labels.to_csv(index=False))
    for seed in range(NULL_SEEDS if null_seeds is None else null_seeds):
        s, _ = score_dataset(ModelRef("untrained-null", kwargs={"seed": seed}), dataset, cache, progress=progress)
        records = [{"clip_id": r.clip_id, "surprise": r.surprise, "frame_hashes": []} for r in s.itertuples()]
        atomic_write_bytes(Path(directory) / f"{suite.name}.null" / f"seed-{seed}.parquet", table_bytes(records))
