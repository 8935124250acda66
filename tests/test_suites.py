"""The frozen data of an official suite (labels, untrained-null scores) are rebuilt by
suites.freeze from the generated suite: the committed files are reproducible, not hand-made."""
import numpy as np
import pytest

from voebench.benchmark import suites
from voebench.benchmark.runner import read_scores
from voebench.models.portable import SURPRISE_RTOL


@pytest.mark.slow
def test_freeze_rebuilds_the_committed_labels_and_null_scores(demo_suite, demo_cache, tmp_path):
    data, info, suite = demo_suite
    assert suites.hash_mismatch(suite, info) is None, f"{suite.name} does not reproduce on this platform"
    # the session's demo cache: scores computed in this session, by whichever test needed them first
    suites.freeze(suite, data, cache=demo_cache, progress=False, directory=tmp_path)
    assert (tmp_path / f"{suite.name}.labels.csv").read_bytes() == suite.labels_path.read_bytes()
    committed = sorted(suite.null_dir.glob("seed-*.parquet"))
    assert len(committed) == 10
    for path in committed:
        ours, theirs = read_scores(tmp_path / f"{suite.name}.null" / path.name), read_scores(path)
        assert list(ours["clip_id"]) == list(theirs["clip_id"])
        for a, b in zip(ours["surprise"], theirs["surprise"]):  # float64: equal up to rounding on any CPU
            np.testing.assert_allclose(a, b, rtol=SURPRISE_RTOL, atol=0)


def test_freeze_refuses_data_that_are_not_the_suite(suite, tmp_path):
    data, _ = suite
    with pytest.raises(suites.SuiteError, match="differs from the official"):
        suites.freeze(suites.load("voe-mini"), data, directory=tmp_path)
    assert not list(tmp_path.iterdir())
