"""The power of the detection rule (benchmark/power.py): its simulation decides as metrics.detections
does, and reproduces the exact binomial figures of issue 29."""
from math import comb

import pytest

from voebench.benchmark.metrics import ALPHA, sign_test
from voebench.benchmark.power import Scenario, ci_half_width, decisions_agree, power, smallest_n


@pytest.mark.parametrize("n,scenario", [(20, Scenario(0.8)), (21, Scenario(0.75, ties=0.15, effect=0.2)),
                                        (30, Scenario(0.7, others=0.7)), (12, Scenario(0.9, cells=3))])
def test_the_simulation_decides_as_the_metrics_do(n, scenario):
    assert decisions_agree(n, scenario, draws=80)


def exact_worst_case(n: int, p: float, cells: int = 14) -> float:
    """One cell above chance, the rest at chance, the effect bar met: Holm's first step is
    Bonferroni's, so the cell needs the smallest count k with sign_test(k, n) <= alpha / cells."""
    k = next(k for k in range(n + 1) if sign_test(k, n) <= ALPHA / cells)
    return sum(comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k, n + 1))


def test_twenty_quadruplets_detect_a_75_percent_cell_one_time_in_four():
    assert exact_worst_case(20, 0.8) == pytest.approx(0.411, abs=1e-3)  # the figures issue 29 quotes
    assert exact_worst_case(20, 0.75) == pytest.approx(0.225, abs=1e-3)
    for n, p in ((20, 0.8), (20, 0.75), (50, 0.75), (52, 0.75)):
        assert power(n, Scenario(p)) == pytest.approx(exact_worst_case(n, p), abs=0.012)


def test_power_rises_with_accuracy_ties_count_wrong_and_a_weak_effect_is_never_detected():
    assert power(40, Scenario(0.7)) < power(40, Scenario(0.8)) < power(40, Scenario(0.9))
    # ties taken from the wrong quadruplets raise the accuracy (a tie counts half) but not the power:
    # the sign test counts a tie as wrong
    assert power(40, Scenario(0.8, ties=0.1)) == power(40, Scenario(0.8))
    assert power(40, Scenario(0.9, effect=0.1)) == 0.0  # below the effect bar nothing is detected
    assert power(40, Scenario(0.8, others=0.8)) > power(40, Scenario(0.8))  # Holm is easier when all cells are


def test_the_chosen_size_and_the_interval():
    assert smallest_n(candidates=range(44, 60)) == 50
    assert smallest_n(candidates=range(44, 70), from_on=True) == 53
    assert ci_half_width(20) == pytest.approx(0.175, abs=0.01) and ci_half_width(50) < ci_half_width(20)


def test_every_suite_states_the_power_its_size_has():
    """The [power] section of a suite's toml is what benchmark/power.py computes for its size;
    every suite with a board (the leaderboard suite and the demo's) states one."""
    from voebench.benchmark import suites
    from voebench.benchmark.power import detectable_accuracy
    from voebench.scenes.design import DEMO_SUITE, LEADERBOARD_SUITE

    stated = {name: suites.load(name) for name in suites.names() if suites.load(name).power}
    assert {LEADERBOARD_SUITE, DEMO_SUITE} <= set(stated)
    for name, suite in stated.items():
        p, n = suite.power, suite.per_condition
        assert round(power(n, Scenario(p.accuracy)), 2) == p.power, name
        assert detectable_accuracy(n, p.target) == p.detectable, name
        assert round(ci_half_width(n, p.accuracy), 3) == p.ci_half_width, name
    assert "from a true accuracy of 89%" in stated[LEADERBOARD_SUITE].power.sentence(20)
    assert "no cell can be detected" in stated[DEMO_SUITE].power.sentence(2)
