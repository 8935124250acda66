"""Scores that mean the same on every machine (issue 10): clips reach a model in a seeded order
that never puts two clips of one quadruplet in a batch, and every built-in model's per-clip
surprise is the same at batch sizes 1, 8 and 32."""
import numpy as np
import pytest
import torch

from voebench.benchmark import runner
from voebench.benchmark.runner import ModelRef, _score_batch, scoring_plan
from voebench.models.portable import SURPRISE_RTOL, machine
from voebench.models.registry import RECORDS, create
from voebench.scenes.dataset import read_clip, read_manifest


def rows(n_quads, singles=0):
    out = [{"clip_id": f"{q:03d}{k}", "quad_id": f"q{q}"} for q in range(n_quads) for k in "abcd"]
    return out + [{"clip_id": f"s{i}", "quad_id": ""} for i in range(singles)]


@pytest.mark.parametrize("n_quads,batch_size", [(14, 8), (14, 32), (3, 8), (40, 1)])
def test_scoring_plan_keeps_quadruplets_apart(n_quads, batch_size):
    given = rows(n_quads, singles=5)
    plan = scoring_plan(given, batch_size)
    flat = [r["clip_id"] for b in plan for r in b]
    assert sorted(flat) == sorted(r["clip_id"] for r in given)  # every clip once
    for batch in plan:
        assert len(batch) <= batch_size
        quads = [r["quad_id"] for r in batch if r["quad_id"]]
        assert len(quads) == len(set(quads)), "two clips of one quadruplet in a batch"
    # Seeded and a function of the clip ids alone: the manifest's order changes nothing.
    assert scoring_plan(list(reversed(given)), batch_size) == plan
    assert [r["clip_id"] for b in scoring_plan(given, batch_size, seed=1) for r in b] != flat


def test_the_runner_hands_clips_in_the_plan(suite, tmp_path, monkeypatch):
    data, _ = suite
    seen = []
    original = runner._score_batch

    def spy(model, batch, timeout):
        seen.append([cid for cid, _ in batch])
        return original(model, batch, timeout)

    monkeypatch.setattr(runner, "_score_batch", spy)
    runner.score_dataset(ModelRef("frame-diff"), data, cache=tmp_path, batch_size=8, progress=False)
    quad_of = {r["clip_id"]: r["quad_id"] for r in read_manifest(data)}
    assert sum(map(len, seen)) == len(quad_of)
    for batch in seen:
        assert len({quad_of[c] for c in batch}) == len(batch)
    # Not in manifest order: the clips of a quadruplet are spread over the run.
    order = [c for b in seen for c in b]
    assert order != [r["clip_id"] for r in read_manifest(data)][:len(order)]


@pytest.fixture(scope="module")
def clips(suite):
    data, _ = suite
    return [(r["clip_id"], read_clip(data / r["path"])["frames"]) for r in read_manifest(data)[:32]]


# The transformers adapters need weights: tiny random ones of their architecture (conftest.py).
TINY_WEIGHTS = {"vjepa2-hf": "tiny_vjepa2", "videomae-hf": "tiny_videomae", "image-trajectory-hf": "tiny_vit"}

# Every leaderboard model with its own code path (a world model's untrained null runs the trained
# network; the audit's extra probes score one clip at a time, so no batch can reach them).
BUILT_IN = tuple(name for name, r in RECORDS.items() if not (r.kind == "null" and r.network) and r.kind != "audit probe")


@pytest.mark.slow
@pytest.mark.parametrize("name", BUILT_IN)
def test_surprise_does_not_depend_on_the_batch(name, clips, request):
    model = create(name, weights=str(request.getfixturevalue(TINY_WEIGHTS[name]))) if name in TINY_WEIGHTS else create(name)
    whole = _score_batch(model, clips, None)  # one batch of 32
    eights = _score_batch(model, clips[:8], None)  # the first 8 as a batch of 8
    ones = [_score_batch(model, [c], None)[0] for c in clips[:4]]  # and alone
    reference = np.stack(whole[:8])
    scale = np.nanmax(np.abs(reference))
    for other in (np.stack(eights), np.stack(ones + whole[4:8])):
        assert np.array_equal(np.isnan(other), np.isnan(reference))
        assert np.nanmax(np.abs(other - reference)) <= SURPRISE_RTOL * scale


def test_results_record_the_machine():
    m = machine()
    assert m["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert m["scoring_dtype"] == "float64" and m["torch"] == torch.__version__ and m["blas"]
