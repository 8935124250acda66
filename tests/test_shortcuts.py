"""The suite's acceptance test: low-level shortcut probes are at chance where the violation
is no pixel event (the occluded condition), with the headline mean aggregation."""
import pytest

from voebench.benchmark.formats import as_dataset
from voebench.benchmark.metrics import compute_metrics
from voebench.benchmark.runner import ModelRef, score_dataset
from voebench.benchmark.scored import Scored
from voebench.models.registry import SHORTCUT_PROBES
from voebench.scenes.design import DEFAULT_DESIGN, INHERENT_CUES, PRINCIPLES


@pytest.fixture(scope="module")
def nulls(suite, suite_cache):
    data = as_dataset(suite[0])
    cache = suite_cache
    return cache, [Scored.from_dataset(score_dataset(ModelRef("untrained-null", kwargs={"seed": s}), data, cache,
                                                     progress=False)[0], data) for s in range(3)]


@pytest.mark.parametrize("probe", SHORTCUT_PROBES)
def test_shortcut_probe_is_at_chance_on_occluded_violations(suite, nulls, probe):
    data = as_dataset(suite[0])
    cache, null_runs = nulls
    scored = Scored.from_dataset(score_dataset(ModelRef(probe), data, cache, progress=False)[0], data)
    cells = compute_metrics(scored, null_runs)["mean"]["cells"]
    leaks = []
    declared = INHERENT_CUES.get(DEFAULT_DESIGN, {})  # the suite fixture is of the default design
    for principle in PRINCIPLES:
        cell = cells[principle]["occluded"]
        if probe in declared.get((principle, "occluded"), {}) and cell["relative_accuracy"] < 0.5:
            continue  # a cue the design names, against the violation (see `voebench audit`)
        if not 0.45 <= cell["relative_accuracy"] <= 0.55 or cell["detected"]:
            leaks.append(f"{principle}: accuracy {cell['relative_accuracy']:.2f}, effect {cell['effect']:+.2e}")
    assert not leaks, f"{probe} separates occluded violations — the suite leaks a low-level cue: " + "; ".join(leaks)
