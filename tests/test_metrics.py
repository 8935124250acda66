"""Metrics on hand-built score tables with known answers."""
import numpy as np
import pandas as pd
import pytest

from voebench.benchmark.metrics import (MIN_EFFECT, compute_metrics, decide, holm, paired_dz, quadruplet_table, roc_auc,
                               sign_test)


def quad(qid, a, b, ab, ba, principle="permanence", condition="occluded", reveal=2):
    """Four clips with given per-frame surprise; impossible AB shares A's prefix, BA shares B's."""
    rows = []
    for role, s, possible, partner in (("A", a, 1, ""), ("B", b, 1, ""), ("AB", ab, 0, f"{qid}A"), ("BA", ba, 0, f"{qid}B")):
        rows.append({"clip_id": f"{qid}{role}", "principle": principle, "condition": condition, "quad_id": qid,
                     "possible": possible, "reveal_frame": -1 if possible else reveal,
                     "surprise": np.asarray(s, float), "partner": partner})
    return rows


def table(*quads):
    return pd.DataFrame([r for q in quads for r in q])


def test_ties_count_half_not_correct():
    # IntPhys' scorer counted ties as correct; a constant model must score 50 %, not 100 %.
    assert decide(0.0, 0.0) == 0.5
    assert decide(1e-13, 1e-12) == 0.5  # within float rounding: an exact cancellation
    assert decide(1e-11, 1e-12) == 1.0  # a real difference, however small
    assert decide(-1e-11, 1e-12) == 0.0


def test_sign_test_and_holm_by_hand():
    assert sign_test(2, 2) == 0.25  # 2/2 right happens by chance one time in four
    assert sign_test(15, 20) == pytest.approx(21700 / 2 ** 20)  # C(20,15..20) summed
    assert sign_test(0, 0) == 1.0 and sign_test(0, 5) == 1.0
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert paired_dz(np.array([1.0, 2.0, 3.0])) == pytest.approx(2.0)


def test_all_equal_scores_are_chance():
    clips = table(*[quad(f"q{i}", [1] * 6, [1] * 6, [1] * 6, [1] * 6) for i in range(5)])
    m = compute_metrics(clips)["mean"]["cells"]["permanence"]["occluded"]
    assert m["relative_accuracy"] == 0.5 and m["pairwise_accuracy"] == 0.5
    assert m["auc"] == 0.5 and m["effect"] == 0.0
    assert m["relative_accuracy_ci"] == (0.5, 0.5)


def test_single_quadruplet():
    # Possible clips alternate 0/2: their per-frame spread is exactly 1.
    clips = table(quad("q", [0, 2, 0, 2], [2, 0, 2, 0], [0, 2, 3, 2], [2, 0, 2, 0]))
    m = compute_metrics(clips)["mean"]["cells"]["permanence"]["occluded"]
    assert m["n_quadruplets"] == 1
    assert m["relative_accuracy"] == 1.0 and m["relative_accuracy_ci"] == (1.0, 1.0)
    # Window = frames 2..3 (the clip ends): excess 3 + 0 over 2 clips x 2 frames, in spreads of 1.
    assert m["effect"] == pytest.approx(3 / 4)
    assert m["pairwise_accuracy"] == pytest.approx(0.75)  # AB beats A, BA ties B
    assert m["localisation"] == pytest.approx(0.5)  # AB's excess peaks at reveal (frame 2); BA has none
    assert not m["detected"], "one quadruplet right is no evidence"


def test_max_beats_mean_only_for_a_something_is_there_detector():
    """Present/absent permanence: a detector that fires whenever the object is visible.
    A: present throughout, B: absent; AB: present then gone, BA: absent then appears."""
    present, absent = [1, 1, 1, 1], [0, 0, 0, 0]
    q = [quad(f"q{i}", present, absent, [1, 1, 0, 0], [0, 0, 1, 1]) for i in range(4)]
    m = compute_metrics(table(*q))
    assert m["max"]["cells"]["permanence"]["occluded"]["relative_accuracy"] == 1.0
    assert m["mean"]["cells"]["permanence"]["occluded"]["relative_accuracy"] == 0.5


def test_intphys_definitions():
    q = [quad("a", [1] * 4, [2] * 4, [3] * 4, [1] * 4), quad("b", [1] * 4, [1] * 4, [0.5] * 4, [0.5] * 4)]
    m = compute_metrics(table(*q))["mean"]["cells"]["permanence"]["occluded"]
    assert m["relative_error"] == pytest.approx(1 - m["relative_accuracy"])
    assert m["absolute_error"] == pytest.approx(1 - m["auc"])
    assert m["relative_accuracy"] == 0.5  # a: 4 > 3 ; b: 1 < 2


def test_roc_auc_known_values():
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert roc_auc([1, 1, 1, 1], [0, 1, 0, 1]) == 0.5
    assert roc_auc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1]) == pytest.approx((2 + 1 + 0.5) / 4)
    assert np.isnan(roc_auc([1, 2], [1, 1]))


def test_scored_frames_exclude_any_context():
    # BA has a longer context (NaN at 0..2): all four clips are scored from frame 3 on.
    q = quad("q", [9, 9, 9, 1, 1], [9, 9, 9, 1, 1], [np.nan, 0, 0, 1, 2], [np.nan, np.nan, np.nan, 1, 1])
    row = quadruplet_table(table(q)).iloc[0]
    assert row["pos"] == pytest.approx(2.0) and row["imp"] == pytest.approx(2.5)


def noisy(rng, n=8):
    return list(1.0 + 0.1 * rng.standard_normal(n))


def test_detected_needs_the_sign_test_and_a_scale_free_effect():
    """Exact cancellation can turn a 1e-5 difference into 100 % accuracy: that alone is not detection."""
    rng = np.random.default_rng(0)
    def cell(bump):
        out = []
        for i in range(20):
            a, b = noisy(rng), noisy(rng)
            ab, ba = a[:2] + b[2:], b[:2] + a[2:]
            ab[2] += bump
            ba[2] += bump
            out.append(quad(f"q{i}", a, b, ab, ba))
        return table(*out)
    sliver = compute_metrics(cell(1e-5))["mean"]["cells"]["permanence"]["occluded"]
    assert sliver["relative_accuracy"] == 1.0 and sliver["p_sign_holm"] < 1e-5
    assert 0 < sliver["effect"] < MIN_EFFECT and not sliver["detected"]
    real = compute_metrics(cell(0.2))["mean"]["cells"]["permanence"]["occluded"]
    assert real["effect"] > MIN_EFFECT and real["detected"]


def test_two_of_two_correct_is_never_detected():
    clips = table(*[quad(f"q{i}", [0, 2, 0, 2], [2, 0, 2, 0], [0, 2, 9, 9], [2, 0, 9, 9]) for i in range(2)])
    m = compute_metrics(clips)["mean"]["cells"]["permanence"]["occluded"]
    assert m["relative_accuracy"] == 1.0 and m["effect"] > 1
    assert m["p_sign"] == 0.25 and not m["detected"]


def test_max_has_no_detected_flag():
    clips = table(*[quad(f"q{i}", [0, 2, 0, 2], [2, 0, 2, 0], [0, 2, 9, 9], [2, 0, 9, 9]) for i in range(10)])
    m = compute_metrics(clips)
    assert m["mean"]["cells"]["permanence"]["occluded"]["detected"]
    assert "detected" not in m["max"]["cells"]["permanence"]["occluded"]


def test_comparison_with_the_null_is_paired_per_quadruplet():
    """n quadruplets give n paired differences, however many null seeds there are."""
    rng = np.random.default_rng(1)
    base = [(noisy(rng), noisy(rng)) for _ in range(12)]
    def run(bump):
        return table(*[quad(f"q{i}", a, b, a[:2] + [x + bump for x in b[2:]], b[:2] + [x + bump for x in a[2:]])
                       for i, (a, b) in enumerate(base)])
    nulls = [run(0.0) for _ in range(10)]
    m = compute_metrics(run(0.05), nulls)["mean"]["cells"]["permanence"]["occluded"]
    assert m["null_relative_accuracy"] == 0.5 and m["null_effect"] == 0.0
    assert m["effect_vs_null"] == pytest.approx(m["effect"])
    assert m["p_vs_null"] == pytest.approx(sign_test(12, 12))  # 12 quadruplets, not 12 + 120 values
    assert m["dz_vs_null"] > 1


def test_groups_and_macro_average():
    q = ([quad(f"p{i}", [1] * 4, [1] * 4, [2] * 4, [1] * 4, principle="permanence") for i in range(3)]
         + [quad(f"c{i}", [1] * 4, [1] * 4, [1] * 4, [1] * 4, principle="continuity") for i in range(5)])
    m = compute_metrics(table(*q))["mean"]
    assert m["principles"]["permanence"]["relative_accuracy"] == 1.0
    assert m["principles"]["continuity"]["relative_accuracy"] == 0.5
    assert m["overall"]["relative_accuracy"] == pytest.approx(0.75)  # macro, not the pooled 8-quad mean (0.6875)


def test_malformed_quadruplet_is_an_error():
    rows = quad("q", [1] * 4, [1] * 4, [1] * 4, [1] * 4)
    rows[2]["possible"] = 1
    with pytest.raises(ValueError, match="quadruplet q"):
        quadruplet_table(pd.DataFrame(rows))


def test_accuracy_per_law_broken():
    """by_violation: each impossible clip against its prefix partner, grouped by the law it breaks;
    absent for suites without the column."""
    rows = [r for i in range(3) for r in quad(f"q{i}", [1] * 4, [1] * 4, [1, 1, 5, 5], [1, 1, 0, 0],
                                                   principle="solidity", condition="visible")]
    for r in rows:
        r["violation"] = {"A": "", "B": "", "AB": "solidity", "BA": "inertia"}[r["clip_id"][2:]]
    laws = {r["violation"]: r for r in compute_metrics(pd.DataFrame(rows))["mean"]["by_violation"]}
    assert set(laws) == {"solidity", "inertia"}
    assert laws["solidity"]["pairwise_accuracy"] == 1.0 and laws["solidity"]["clips"] == 3
    assert laws["inertia"]["pairwise_accuracy"] == 0.0
    assert laws["solidity"]["p_sign"] == pytest.approx(1 / 8)
    assert compute_metrics(table(quad("q", [1] * 4, [1] * 4, [1] * 4, [1] * 4)))["mean"]["by_violation"] == []
