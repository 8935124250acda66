"""Controlled sweeps: the same matched quadruplet design at N levels of one difficulty axis, the
other axes sampled as usual (`voebench generate --sweep hidden_frames=2:14:7`).

The swept axis is *measured*, not only aimed at: a sampler is asked for a level, the quadruplet is
built, and its measured value must equal the level or the scene is resampled. So a sweep's levels
are what its frames show (tests/test_sweep.py measures them again from the masks).

Axes:
- `hidden_frames`: in the possible run where the manipulated object exists, the frames between
  its first and its last sighting in which none of its pixels is on screen: how long a model must
  keep the hidden object in mind. Recorded for every quadruplet; sweepable in the occluded
  condition for permanence (the object passes behind a static screen at the speed that hides it
  for the level) and continuity (two screens, one lane, sized to hide it that long in all).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .camera import visible_pixels

SWEEPABLE = {"hidden_frames": {"principles": ("permanence", "continuity"), "conditions": ("occluded",), "range": (2, 20)}}


class SweepError(ValueError):
    """A --sweep argument names an axis, principle or level that cannot be swept."""


@dataclass(frozen=True)
class Sweep:
    axis: str
    levels: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"axis": self.axis, "levels": list(self.levels)}


def parse(text: str) -> Sweep:
    """'AXIS=LO:HI:N' -> Sweep: N evenly spaced integer levels from LO to HI."""
    m = re.fullmatch(r"\s*([a-z_]+)\s*=\s*(\d+):(\d+):(\d+)\s*", text or "")
    if not m:
        raise SweepError(f"--sweep must look like AXIS=LO:HI:N (e.g. hidden_frames=2:14:7), got {text!r}")
    axis, lo, hi, n = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    if axis not in SWEEPABLE:
        raise SweepError(f"axis {axis!r} cannot be swept; sweepable: {', '.join(SWEEPABLE)}")
    low, high = SWEEPABLE[axis]["range"]
    if not (low <= lo < hi <= high) or n < 2:
        raise SweepError(f"{axis}: need {low} <= LO < HI <= {high} and N >= 2, got {lo}:{hi}:{n}")
    levels = tuple(int(round(v)) for v in np.linspace(lo, hi, n))
    if len(set(levels)) != n:
        raise SweepError(f"{axis}: {n} levels from {lo} to {hi} are not distinct whole frames")
    return Sweep(axis, levels)


def check(sweep: Sweep, principles: list[str], conditions: list[str]) -> None:
    allowed = SWEEPABLE[sweep.axis]
    bad = [p for p in principles if p not in allowed["principles"]]
    if bad:
        raise SweepError(f"{sweep.axis} can be swept for {', '.join(allowed['principles'])}, not {', '.join(bad)}")
    bad = [c for c in conditions if c not in allowed["conditions"]]
    if bad:
        raise SweepError(f"{sweep.axis} can be swept in the {', '.join(allowed['conditions'])} condition, not "
                         f"{', '.join(bad)}")


def hidden_frames(masks: np.ndarray, body: int) -> int:
    """Frames between the body's first and last sighting with none of its pixels on screen."""
    visible = visible_pixels(masks, [body])
    seen = np.flatnonzero(visible > 0)
    if len(seen) == 0:
        return 0
    return int((visible[seen[0]: seen[-1] + 1] == 0).sum())
