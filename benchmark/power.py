"""How many quadruplets a cell needs: the power of the documented detection rule.

A cell is *detected* (benchmark/metrics.py) when the exact one-sided sign test over its
quadruplets (ties count as wrong) rejects chance after Holm's correction over all the cells of a
result, and its median effect is at least MIN_EFFECT. Whether a cell whose true quadruplet
accuracy is p can be detected therefore depends on the suite's size: with 20 quadruplets a cell
and 14 cells, a cell alone above chance needs 17/20 right (issue 29).

`power` simulates the rule as metrics applies it — the same sign test, Holm's step-down over the
whole family, ties counted wrong, the median-effect bar — on simulated quadruplet outcomes:
each quadruplet of the tested cell is right with probability `accuracy`, tied with probability
`ties`, else wrong; the other cells of the family are at `others` (0.5 by default: only the tested
cell has an effect, the hardest case for Holm, where its first step is Bonferroni's). A right
quadruplet's effect is `effect` spreads, a wrong one's minus that, a tie's 0: the effect bar is a
property of how strongly a model responds, which more quadruplets do not change, so the default
(1 spread) puts it out of the way and the table measures what the suite's size decides.
`decisions_agree` checks the vectorised simulation against metrics.detections itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .metrics import ALPHA, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, MIN_EFFECT, detections, sign_test

TARGET_ACCURACY = 0.75  # a cell this good must be detectable ...
TARGET_POWER = 0.8  # ... with this probability (issue 29)
DRAWS = 20000
SEED = 0


@dataclass(frozen=True)
class Scenario:
    accuracy: float  # the tested cell's true quadruplet accuracy
    cells: int = 14  # the Holm family: every cell of a result
    others: float = 0.5  # the true accuracy of the other cells
    ties: float = 0.0  # the tested cell's share of tied quadruplets
    effect: float = 1.0  # a right quadruplet's effect, in spreads (a wrong one's is minus this)


def _outcomes(rng: np.random.Generator, n: int, draws: int, right: float, ties: float) -> np.ndarray:
    """[draws, n] quadruplet outcomes: 1 right, 0.5 tie, 0 wrong."""
    u = rng.random((draws, n))
    return np.where(u < right, 1.0, np.where(u < right + ties, 0.5, 0.0))


def _holm_first_cell(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p of column 0, per row of [draws, cells] p-values (metrics.holm, vectorised:
    the running maximum of (m - rank) * p over the sorted p-values, capped at 1)."""
    m = p.shape[1]
    order = np.argsort(p, axis=1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=1)
    adjusted = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ranked), axis=1)
    rank_of_first = np.argmax(order == 0, axis=1)
    return adjusted[np.arange(len(p)), rank_of_first]


def simulate(n: int, scenario: Scenario, draws: int = DRAWS, seed: int = SEED) -> dict[str, np.ndarray]:
    """Simulated results of the tested cell: its outcomes [draws, n], effects, p-values of the
    whole family and the detection flag."""
    rng = np.random.default_rng([seed, n])
    tested = _outcomes(rng, n, draws, scenario.accuracy, scenario.ties)
    others = rng.binomial(n, scenario.others, (draws, scenario.cells - 1))
    table = np.array([sign_test(k, n) for k in range(n + 1)])
    p = np.column_stack([table[(tested == 1).sum(1)], table[others]])
    effects = np.where(tested == 1, scenario.effect, np.where(tested == 0, -scenario.effect, 0.0))
    detected = (_holm_first_cell(p) <= ALPHA) & (np.median(effects, axis=1) >= MIN_EFFECT)
    return {"outcomes": tested, "others": others, "effects": effects, "p": p, "detected": detected}


def power(n: int, scenario: Scenario, draws: int = DRAWS, seed: int = SEED) -> float:
    """The probability that the rule detects the tested cell with n quadruplets a cell."""
    return float(simulate(n, scenario, draws, seed)["detected"].mean())


def decisions_agree(n: int, scenario: Scenario, draws: int = 200, seed: int = SEED) -> bool:
    """The simulation's flag equals metrics.detections' on the same simulated quadruplet tables."""
    sim = simulate(n, scenario, draws, seed)
    for d in range(draws):
        rows = [{"principle": "tested", "condition": "c", "quad_id": f"t{i}", "accuracy": a, "effect": e}
                for i, (a, e) in enumerate(zip(sim["outcomes"][d], sim["effects"][d]))]
        for c, right in enumerate(sim["others"][d]):  # other cells: right ones first; their effects do not matter
            rows += [{"principle": f"other{c:02d}", "condition": "c", "quad_id": f"o{c}-{i}",
                      "accuracy": float(i < right), "effect": 0.0} for i in range(n)]
        flag = detections(pd.DataFrame(rows))[("tested", "c")]["detected"]
        if flag != bool(sim["detected"][d]):
            return False
    return True


def ci_half_width(n: int, accuracy: float = TARGET_ACCURACY) -> float:
    """Half the width of a cell's 95 % bootstrap CI (as metrics.summarise draws it: the cell's
    quadruplets resampled BOOTSTRAP_RESAMPLES times) when round(accuracy * n) of n are right."""
    right = int(round(accuracy * n))
    cell = np.array([1.0] * right + [0.0] * (n - right))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    means = cell[rng.integers(0, n, (BOOTSTRAP_RESAMPLES, n))].mean(1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float((high - low) / 2)


def detectable_accuracy(n: int, target: float = TARGET_POWER, scenario: Scenario = Scenario(0.5),
                        grid: np.ndarray | None = None, draws: int = DRAWS) -> float | None:
    """The lowest true accuracy (on a 0.01 grid) that the rule detects with power >= target."""
    for p in np.round(np.arange(0.5, 1.0001, 0.01) if grid is None else grid, 4):
        if power(n, Scenario(float(p), scenario.cells, scenario.others, scenario.ties, scenario.effect), draws) >= target:
            return float(p)
    return None


def smallest_n(target_accuracy: float = TARGET_ACCURACY, target_power: float = TARGET_POWER,
               scenario: Scenario | None = None, candidates=range(20, 101), draws: int = DRAWS,
               from_on: bool = False) -> int | None:
    """The smallest n that reaches the target power; with from_on, the smallest from which every
    larger candidate does too (power is saw-toothed in n: the critical count moves in whole
    quadruplets, so n + 2 can be weaker than n)."""
    scenario = scenario or Scenario(target_accuracy)
    ok = [power(n, scenario, draws) >= target_power for n in candidates]
    for i, n in enumerate(candidates):
        if all(ok[i:]) if from_on else ok[i]:
            return n
    return None
