"""The power of the detection rule against the number of quadruplets a cell (issue 29): prints
the Markdown of docs/power.md (benchmark/power.py simulates the rule as metrics applies it).

    python scripts/power_table.py > docs/power.md
    python scripts/power_table.py --suite voe-v2     # the [power] section of the suite's toml
"""
from __future__ import annotations

import argparse

from voebench.benchmark.metrics import ALPHA, MIN_EFFECT
from voebench.benchmark.power import (DRAWS, TARGET_ACCURACY, TARGET_POWER, Scenario, ci_half_width,
                                      decisions_agree, detectable_accuracy, power, smallest_n)
from voebench.benchmark.suites import load
from voebench.scenes.design import CELLS

SIZES = (20, 30, 40, 45, 48, 50, 52, 53, 55, 60, 80, 100)
ACCURACIES = (0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def table(scenario_of) -> list[str]:
    lines = ["| quadruplets a cell | " + " | ".join(f"{a:.0%}" for a in ACCURACIES) + " |",
             "|---|" + "---|" * len(ACCURACIES)]
    for n in SIZES:
        lines.append(f"| {n} | " + " | ".join(f"{power(n, scenario_of(a)):.3f}" for a in ACCURACIES) + " |")
    return lines


def suite_section(name: str) -> str:
    """The [power] section of a suite's toml, for its quadruplets a cell."""
    n = load(name).per_condition
    detectable = detectable_accuracy(n)
    lines = ["[power]", f"accuracy = {TARGET_ACCURACY}", f"target = {TARGET_POWER}",
             f"power = {power(n, Scenario(TARGET_ACCURACY)):.2f}", f"ci_half_width = {ci_half_width(n):.3f}"]
    lines.append(f"detectable = {detectable}" if detectable is not None else "# detectable: none")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", help="print the [power] section of this suite's toml instead")
    args = parser.parse_args()
    if args.suite:
        print(suite_section(args.suite))
        return
    checks = [decisions_agree(n, s) for n, s in ((20, Scenario(0.8)), (21, Scenario(0.75, ties=0.1, effect=0.2)),
                                                  (50, Scenario(0.7, others=0.7)))]
    chosen, from_on = smallest_n(), smallest_n(from_on=True)
    out = [
        "# How many quadruplets a cell needs",
        "",
        f"The documented rule (benchmark/metrics.py) calls a cell *detected* when the exact one-sided sign test "
        f"over its quadruplets (ties count as wrong) rejects chance after Holm's correction over all {len(CELLS)} "
        f"cells at alpha {ALPHA}, and the cell's median effect is at least {MIN_EFFECT} spreads. "
        "`benchmark/power.py` simulates exactly that rule — the same sign test, Holm's step-down over the "
        f"whole family, ties counted wrong, the median-effect bar — {DRAWS:,} times per entry: the tested cell's "
        "quadruplets are right with its true accuracy, the other cells at chance (only the tested cell has an "
        "effect: the hardest case for Holm, whose first step is then Bonferroni's), a right quadruplet's effect "
        "+1 spread and a wrong one's -1. The effect bar is a property of how strongly a model responds, which more "
        "quadruplets do not change, so this puts it out of the way and the table measures what the suite's size "
        "decides. The simulation's flags were checked against `metrics.detections` itself on simulated tables: "
        f"{'agree' if all(checks) else 'DISAGREE'} ({len(checks)} scenarios x 200 draws).",
        "",
        f"Regenerate: `python scripts/power_table.py > docs/power.md`.",
        "",
        "## Power: the probability that a cell is detected",
        "",
        "Columns: the cell's true quadruplet accuracy. Other cells at chance:",
        "",
        *table(lambda a: Scenario(a)),
        "",
        "Every cell at the same true accuracy (Holm's easiest case, for comparison):",
        "",
        *table(lambda a: Scenario(a, others=a)),
        "",
        "## What a suite of each size can tell",
        "",
        f"The lowest true accuracy detected with power {TARGET_POWER} (other cells at chance, 0.01 grid), and half "
        f"the width of a cell's 95 % bootstrap CI when round({TARGET_ACCURACY} n) of its n quadruplets are right (the "
        "resampling metrics uses):",
        "",
        "| quadruplets a cell | detectable with power 0.8 from | 95 % CI half-width at 75 % |",
        "|---|---|---|",
        *[f"| {n} | {detectable_accuracy(n):.0%} | ±{100 * ci_half_width(n):.1f} points |" for n in SIZES],
        "",
        "## The choice",
        "",
        f"The smallest size at which a cell of true accuracy {TARGET_ACCURACY:.0%} is detected with power >= "
        f"{TARGET_POWER} is **{chosen} quadruplets a cell** (power {power(chosen, Scenario(TARGET_ACCURACY)):.2f}). "
        f"Power is saw-toothed in the size — the critical count moves in whole quadruplets — so "
        f"{chosen + 2} is weaker ({power(chosen + 2, Scenario(TARGET_ACCURACY)):.2f}); from {from_on} on every size "
        f"reaches {TARGET_POWER}. voe-v2's 20 a cell detect such a cell with power "
        f"{power(20, Scenario(TARGET_ACCURACY)):.2f} ({power(20, Scenario(0.8)):.2f} at 80 %).",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
