"""Metrics on hand-built score tables with known answers."""
import numpy as np
import pandas as pd
import pytest

from benchmark.metrics import (compute_metrics, hedges_g, mann_whitney_p, quadruplet_table, relative_accuracy,
                               roc_auc)


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
    assert relative_accuracy(np.array([1.0]), np.array([1.0]))[0] == 0.5
    assert relative_accuracy(np.array([1.0 + 1e-9]), np.array([1.0]))[0] == 0.5  # below the tie tolerance
    assert relative_accuracy(np.array([1.001]), np.array([1.0]))[0] == 1.0
    assert relative_accuracy(np.array([0.999]), np.array([1.0]))[0] == 0.0
    assert relative_accuracy(np.array([0.0]), np.array([0.0]))[0] == 0.5


def test_all_equal_scores_are_chance():
    clips = table(*[quad(f"q{i}", [1] * 6, [1] * 6, [1] * 6, [1] * 6) for i in range(5)])
    m = compute_metrics(clips)["mean"]["cells"]["permanence"]["occluded"]
    assert m["relative_accuracy"] == 0.5 and m["pairwise_accuracy"] == 0.5
    assert m["auc"] == 0.5 and m["effect"] == 0.0
    assert m["relative_accuracy_ci"] == (0.5, 0.5)


def test_single_quadruplet():
    clips = table(quad("q", [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 3, 1], [1, 1, 1, 1]))
    m = compute_metrics(clips)["mean"]["cells"]["permanence"]["occluded"]
    assert m["n_quadruplets"] == 1
    assert m["relative_accuracy"] == 1.0 and m["relative_accuracy_ci"] == (1.0, 1.0)
    assert m["effect"] == pytest.approx((2.5 - 2.0) / 2.0)  # means: imp 1.5 + 1, pos 1 + 1
    assert m["pairwise_accuracy"] == pytest.approx(0.75)  # AB beats A, BA ties B
    assert m["localisation"] == pytest.approx(0.5)  # AB's excess peaks at reveal (frame 2); BA has none


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


def test_hedges_g_and_p_value():
    x, y = np.array([2.0, 3.0, 4.0]), np.array([0.0, 1.0, 2.0])
    assert hedges_g(x, y) == pytest.approx(2.0 * (1 - 3 / (4 * 6 - 9)))
    assert mann_whitney_p(np.arange(20) + 100.0, np.arange(20)) < 1e-6
    assert 0.3 < mann_whitney_p(np.arange(20.0), np.arange(20.0)) < 0.7


def test_detected_needs_accuracy_ci_above_chance_and_effect_above_null():
    """Exact cancellation can turn a 1e-5 difference into 100 % accuracy: that alone is not detection."""
    tiny = table(*[quad(f"q{i}", [1] * 4, [1] * 4, [1 + 1e-4] * 4, [1] * 4) for i in range(8)])
    # Ten null models whose effects spread over about +-0.5 %.
    nulls = [table(*[quad(f"q{i}", [1] * 4, [1] * 4, [1.0 + 0.01 * (s - 4.5) / 4.5 + 0.001 * (i % 2)] * 4, [1] * 4)
                     for i in range(8)]) for s in range(10)]
    m = compute_metrics(tiny, nulls)["mean"]["cells"]["permanence"]["occluded"]
    assert m["relative_accuracy"] == 1.0 and m["relative_accuracy_ci"][0] > 0.5
    assert not m["detected"], "a consistent 1e-5 excess must not count as detected"
    big = table(*[quad(f"q{i}", [1] * 4, [1] * 4, [1.5] * 4, [1] * 4) for i in range(8)])
    m = compute_metrics(big, nulls)["mean"]["cells"]["permanence"]["occluded"]
    assert m["detected"] and m["hedges_g_vs_null"] > 1 and m["p_vs_null"] < 0.01


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
