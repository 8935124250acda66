"""Property-based fuzzing of `submit`: every malformed input is rejected with a SubmissionError
(a message), never a crash, and nothing is written to the leaderboard it was submitted to."""
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voebench.benchmark.evaluate import evaluate
from voebench.benchmark.runner import ModelRef
from voebench.scenes.design import DEMO_SUITE
from voebench.leaderboard.submission import SubmissionError, submit, validate

pytestmark = [pytest.mark.slow]

EXAMPLES = 400  # per property; three properties: 1200 malformed submissions
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CARD = {"name": "Fuzz", "authors": "F", "description": "", "parameters": 1, "training_data": "", "link": None,
        "license": "MIT"}
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                           lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                           max_leaves=12)


@pytest.fixture(scope="module")
def valid(demo_suite, demo_cache, tmp_path_factory):
    data, _, _ = demo_suite
    out = tmp_path_factory.mktemp("valid")
    # submit recomputes the metrics with the suite's frozen nulls: this run needs none of its own
    evaluate(ModelRef("frame-diff"), data, out, cache=demo_cache, null_seeds=0, progress=False)
    (out / "card.json").write_text(json.dumps(CARD))
    validate(out)  # the unmutated submission is accepted
    return out


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A leaderboard holding one accepted entry: a rejected submission must leave it as it is."""
    root = tmp_path_factory.mktemp("board")
    (root / DEMO_SUITE / "fuzz" / "v1").mkdir(parents=True)
    (root / DEMO_SUITE / "fuzz" / "v1" / "submission.json").write_text("{}\n")
    return root


def workdir(valid, tmp_path_factory):
    d = tmp_path_factory.mktemp("case")
    for name in ("results.json", "scores.parquet", "card.json"):
        shutil.copy(valid / name, d / name)
    return d


def rejected(d, board):
    snapshot = lambda: sorted((str(p), p.stat().st_mtime_ns) for p in board.rglob("*"))
    before = snapshot()
    with pytest.raises(SubmissionError) as err:
        submit(d, root=board)
    assert str(err.value)
    assert snapshot() == before


@FUZZ
@given(path=st.lists(st.sampled_from(["schema", "suite", "content_hash", "metrics", "mean", "overall",
                                      "relative_accuracy", "model"]), min_size=1, max_size=4), value=json_values,
       whole=st.booleans())
def test_fuzzed_results_json(valid, board, tmp_path_factory, path, value, whole):
    d = workdir(valid, tmp_path_factory)
    results = json.loads((valid / "results.json").read_text())
    if whole:
        (d / "results.json").write_text(json.dumps(value))  # not even an object, or a random one
    else:
        node = results
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(node.get(key), dict) or key not in node else node[key]
            if not isinstance(node, dict):
                break
        if isinstance(node, dict):
            node[path[-1]] = value
        # one definite defect, so that the case is malformed whatever the mutation did (if the
        # mutation already replaced the metrics, their claim is gone, which is a defect too)
        try:
            results["metrics"]["mean"]["overall"]["relative_accuracy"] = "edited"
        except (KeyError, TypeError):
            pass
        (d / "results.json").write_text(json.dumps(results, allow_nan=True))
    rejected(d, board)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(sorted(CARD) + ["extra", "admin"]), json_values, min_size=1, max_size=4),
       bad_name=st.sampled_from(["../x", "a/b", "", " ", "<script>", "x" * 80, ".hidden", "a\nb", 7, None]))
def test_fuzzed_model_cards(valid, board, tmp_path_factory, fields, bad_name):
    d = workdir(valid, tmp_path_factory)
    card = dict(CARD, **fields)
    card["name"] = bad_name  # always malformed: an unsafe or invalid name
    (d / "card.json").write_text(json.dumps(card))
    rejected(d, board)


@FUZZ
@given(defect=st.sampled_from(["drop", "duplicate", "nan", "inf", "short", "long", "text", "foreign", "column",
                               "empty"]),
       row=st.integers(0, 111), position=st.integers(2, 31))  # frame 1 may be a second leading NaN: allowed
def test_fuzzed_score_tables(valid, board, tmp_path_factory, defect, row, position):
    d = workdir(valid, tmp_path_factory)
    t = pd.read_parquet(valid / "scores.parquet")
    s = [list(x) for x in t["surprise"]]
    if defect == "drop":
        t = t.drop(index=row)
    elif defect == "duplicate":
        t = pd.concat([t, t.iloc[[row]]])
    elif defect in ("nan", "inf"):
        s[row][position] = np.nan if defect == "nan" else np.inf
        t["surprise"] = s
    elif defect in ("short", "long"):
        s[row] = s[row][:-position] if defect == "short" else s[row] + [1.0] * position
        t["surprise"] = s
    elif defect == "text":
        t["surprise"] = [",".join(map(str, v)) for v in s]
    elif defect == "foreign":
        t.loc[t.index[row], "clip_id"] = f"{row:016x}zz"
    elif defect == "column":
        t = t.rename(columns={"surprise": "scores"})
    elif defect == "empty":
        t = t.iloc[:0]
    t.to_parquet(d / "scores.parquet")
    rejected(d, board)
