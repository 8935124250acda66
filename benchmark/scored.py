"""The scored table: one row per clip of a suite with its labels and the model's per-frame
surprise, built in one place and read by everything downstream.

A row holds what the metrics need (principle, condition, quad_id, possible, reveal_frame,
partner, matched, surprise; see benchmark/metrics.py) and what a reader measured (frame_identical).
It is built from one of two label sources:

- `Scored.from_dataset(scores, dataset)`: a dataset of any format (benchmark/formats): after
  scoring, each impossible clip's possible partner is found and matching measured
  (benchmark/matching.py) — what `voebench evaluate` does;
- `Scored.from_labels(labels, scores)`: a frozen suite's labels (benchmark/suites/NAME.labels.csv,
  partners included) — what submission, the leaderboard gallery and the frozen null runs use,
  without the clips.

Derived tables are computed once and kept: the quadruplet table per aggregation (metrics.
quadruplet_table), the spread of surprise per cell (the unit of the effect), windows of surprise
around the reveal. Results files carry the per-quadruplet records (`records`), so what a results
directory says about each quadruplet (compare --difference, psychometric curves) is read from it,
whatever format the data came in.
"""
from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from voebench.scenes.dataset import DatasetError

from . import matching, metrics
from .formats import Dataset

# Frames either side of reveal_frame in the surprise curves around the reveal: the aligned
# curves of results.json and the leaderboard gallery's per-model panels.
REVEAL_HALF_WIDTH = 8


class Scored:
    """One model's scores on one suite, joined with the labels (see the module's docstring)."""

    def __init__(self, clips: pd.DataFrame):
        self.clips = clips
        self._tables: dict[str, pd.DataFrame] = {}

    @classmethod
    def from_dataset(cls, scores: pd.DataFrame, dataset: Dataset, skip_bad: bool = False) -> "Scored":
        """Scores joined with a dataset's labels (after scoring: models never see them); each
        impossible clip's possible partner found, matching measured; only whole quadruplets kept
        (an incomplete one is an error naming it, unless skip_bad)."""
        return cls(whole_quadruplets(attach_labels(scores, dataset), dataset, skip_bad))

    @classmethod
    def from_labels(cls, labels: pd.DataFrame, scores: pd.DataFrame) -> "Scored":
        """Scores joined with a frozen suite's labels (partners included)."""
        return cls(labels.merge(scores[["clip_id", "surprise"]], on="clip_id"))

    def table(self, how: str = "mean") -> pd.DataFrame:
        """One row per quadruplet (metrics.quadruplet_table), computed once per aggregation."""
        if how not in self._tables:
            self._tables[how] = metrics.quadruplet_table(self.clips, how)
        return self._tables[how]

    @cached_property
    def spreads(self) -> dict[tuple[str, str], float]:
        """Per cell, the spread of surprise on its possible clips: the unit of the effect."""
        return metrics.spreads(self.clips)

    @cached_property
    def surprise(self) -> pd.Series:
        """Per-frame surprise by clip_id."""
        return self.clips.set_index("clip_id")["surprise"]

    def around_reveal(self, clip_id: str, reveal: int, half: int = REVEAL_HALF_WIDTH) -> np.ndarray:
        """A clip's surprise at reveal - half .. reveal + half (NaN outside the clip)."""
        s = np.asarray(self.surprise[clip_id], float)
        window = np.full(2 * half + 1, np.nan)
        for k, t in enumerate(range(reveal - half, reveal + half + 1)):
            if 0 <= t < len(s):
                window[k] = s[t]
        return window

    def records(self, axes: dict) -> list[dict]:
        """Per quadruplet (mean aggregation): its cell, accuracy, effect and recorded difficulty
        axes, what results.json keeps and the psychometric curves are drawn from."""
        from .psychometric import numeric_axes

        return [{"quad_id": r.quad_id, "principle": r.principle, "condition": r.condition, "accuracy": r.accuracy,
                 "effect": r.effect, "axes": numeric_axes(axes.get(r.quad_id, {}))}
                for r in self.table("mean").itertuples()]

    def surprise_around_reveal(self, half: int = REVEAL_HALF_WIDTH) -> dict:
        """Per cell: mean surprise of the impossible clips and of their possible partners, aligned at
        reveal_frame (offsets -half .. half)."""
        from .results import json_safe

        clips, out = self.clips, {}
        for (principle, condition), g in clips[(clips["possible"] == 0) & (clips["reveal_frame"] >= 0)
                                               & (clips["partner"] != "")].groupby(["principle", "condition"]):
            imp = [self.around_reveal(r.clip_id, r.reveal_frame, half) for r in g.itertuples()]
            pos = [self.around_reveal(r.partner, r.reveal_frame, half) for r in g.itertuples()]
            with warnings.catch_warnings():  # offsets no clip reaches stay NaN (null in JSON)
                warnings.simplefilter("ignore", RuntimeWarning)
                out.setdefault(principle, {})[condition] = {
                    "offsets": list(range(-half, half + 1)),
                    "impossible": json_safe(np.nanmean(imp, axis=0).tolist()),
                    "possible": json_safe(np.nanmean(pos, axis=0).tolist()),
                }
        return out

    def excess_around_reveal(self, quad_id: str, half: int = REVEAL_HALF_WIDTH) -> list:
        """The impossible-minus-possible surprise of one quadruplet frame by frame around its
        reveal (each impossible clip minus the possible clip it was spliced from, the two averaged),
        in units of the cell's spread (the unit of the effect): comparable across models. None
        where a frame is outside the clip or inside a model's context."""
        quad = self.clips[self.clips["quad_id"] == quad_id]
        impossible = quad[quad["possible"] == 0]
        reveal = int(impossible["reveal_frame"].iloc[0])
        spread = self.spreads.get((quad["principle"].iloc[0], quad["condition"].iloc[0]), 0.0)
        mean = np.mean([self.around_reveal(r.clip_id, reveal, half) - self.around_reveal(r.partner, reveal, half)
                        for r in impossible.itertuples()], axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = mean / spread if spread > 0 else np.full_like(mean, np.nan)
        return [round(float(v), 4) if np.isfinite(v) else None for v in values]


def attach_labels(scores: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Join scores with the dataset's labels, find each impossible clip's possible partner, and
    measure which quadruplets are matched."""
    clips = pd.DataFrame(dataset.rows).merge(scores, on="clip_id", how="inner")
    clips["partner"] = clips["clip_id"].map(matching.partners(clips)).fillna("")
    return matching.measure(clips)


def whole_quadruplets(clips: pd.DataFrame, dataset: Dataset, skip_bad: bool) -> pd.DataFrame:
    """Only complete quadruplets (2 possible + 2 impossible) are scored: an incomplete one is
    an error naming it, unless skip_bad (then it is listed in results.json and left out)."""
    sizes = clips.groupby("quad_id")["possible"].agg(["size", "sum"])
    bad = sizes[(sizes["size"] != 4) | (sizes["sum"] != 2)]
    if len(bad) and not skip_bad:
        quad, row = bad.index[0], bad.iloc[0]
        raise DatasetError(f"{dataset.labels or dataset.root}: quadruplet {quad} has {row['size']} scored clips "
                           f"({row['sum']} possible); expected 2 possible + 2 impossible ({len(bad)} such)")
    return clips[~clips["quad_id"].isin(bad.index)].reset_index(drop=True)

