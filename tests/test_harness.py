"""Model protocol, registry, runner (cache, resume, no labels) and the evaluate/report CLI."""
import json
import shutil
import textwrap

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from voebench import models
from voebench.cli import main as cli
from voebench.benchmark.runner import ModelRef, score_dataset
from voebench.models.protocol import ModelOutputError, check_surprise
from voebench.models.registry import ModelNotFound
from voebench.scenes.dataset import read_clip, read_manifest


class Plain:
    name, version, weights_hash = "plain", "1", None


@pytest.mark.parametrize("out,message", [
    (np.ones(5), "expected \\[6\\]"),
    (np.ones((6, 1)), "expected \\[6\\]"),
    (np.array(["a"] * 6), "dtype"),
    (np.array([np.nan, 1, np.nan, 1, 1, 1]), "frame 2, after its context"),
    (np.array([np.inf, 1, 1, 1, 1, 1]), "inf in its context"),
    (np.full(6, np.nan), "no finite value"),
    ("nonsense", "dtype"),
])
def test_protocol_violations_name_model_and_clip(out, message):
    with pytest.raises(ModelOutputError, match=message) as err:
        check_surprise(Plain(), "clip123", out, 6)
    assert "plain@1" in str(err.value) and "clip123" in str(err.value)


def test_leading_nan_context_is_allowed():
    out = check_surprise(Plain(), "c", [np.nan, np.nan, 1, 2, 3, 4], 6)
    assert out.dtype == np.float64 and np.isnan(out[:2]).all()
    np.testing.assert_array_equal(out[2:], [1, 2, 3, 4])  # the scores come back as given
    as_float32 = check_surprise(Plain(), "c", np.array([np.nan, 0.1, 0.2, 0.3, 0.4, 0.5], np.float32), 6)
    np.testing.assert_array_equal(as_float32[1:], np.array([0.1, 0.2, 0.3, 0.4, 0.5], np.float32).astype(np.float64))


def test_registry_builtins_files_and_entry_points(tmp_path, monkeypatch):
    assert models.create("frame-diff").name == "frame-diff"
    assert models.create("untrained-null", seed=3).version == "1-seed3"
    with pytest.raises(ModelNotFound, match="unknown model 'nope'"):
        models.create("nope")
    file = tmp_path / "third_party.py"
    file.write_text(textwrap.dedent("""
        import numpy as np
        class Constant:
            name, version, weights_hash = "constant", "0.1", None
            def surprise(self, frames):
                return np.ones(len(frames))
    """))
    assert models.create(f"{file}:Constant").name == "constant"
    with pytest.raises(ModelNotFound, match="defines no 'Missing'"):
        models.create(f"{file}:Missing")
    # A real installed entry point: a dist-info folder on sys.path, as pip would write it.
    dist = tmp_path / "site" / "thirdparty-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[voebench.models]\nconstant-ep = third_party:Constant\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert "constant-ep" in models.available()
    assert models.create("constant-ep").version == "0.1"


COUNTING_MODEL = """
import os
import numpy as np

class Counting:
    name, version, weights_hash = "counting", "1", None
    def surprise(self, *args, **kwargs):
        assert len(args) == 1 and not kwargs, "a model gets the frames and nothing else"
        frames = args[0]
        assert isinstance(frames, np.ndarray) and frames.dtype == np.uint8 and frames.ndim == 4
        log = os.environ["COUNT_LOG"]
        with open(log, "a") as f:
            f.write("x")
        limit = os.environ.get("FAIL_AFTER")
        if limit and os.path.getsize(log) > int(limit):
            raise RuntimeError("simulated crash")
        out = frames.astype(float).mean(axis=(1, 2, 3))
        out[0] = np.nan
        return out
"""


def test_scores_are_cached_and_a_crashed_run_resumes(suite, tmp_path, monkeypatch):
    out, info = suite
    n_clips = info["counts"]["clips"]
    file = tmp_path / "counting.py"
    file.write_text(COUNTING_MODEL)
    log = tmp_path / "calls"
    monkeypatch.setenv("COUNT_LOG", str(log))
    monkeypatch.setenv("FAIL_AFTER", "20")  # crashes on the 21st clip: two chunks of 8 are cached
    monkeypatch.setattr("voebench.benchmark.runner.CHUNK", 8)
    ref = ModelRef(f"{file}:Counting")
    with pytest.raises(RuntimeError, match="simulated crash"):
        score_dataset(ref, out, tmp_path / "cache", progress=False)
    monkeypatch.delenv("FAIL_AFTER")
    log.write_text("")
    scores, meta = score_dataset(ref, out, tmp_path / "cache", progress=False)
    assert not meta["cached"] and len(scores) == n_clips
    assert log.stat().st_size == n_clips - 16, "the resumed run re-scored clips it had cached"
    log.write_text("")
    again, meta = score_dataset(ref, out, tmp_path / "cache", progress=False)
    assert meta["cached"] and log.stat().st_size == 0
    pd.testing.assert_frame_equal(scores, again)
    # The values are the model's, each under its own clip: those of the chunks cached before the
    # crash as well as those scored after it (each clip's mean brightness per frame, frame 0 NaN).
    by_clip = scores.set_index("clip_id")["surprise"]
    for row in read_manifest(out):
        given = read_clip(out / row["path"])["frames"].astype(float).mean(axis=(1, 2, 3))
        given[0] = np.nan
        np.testing.assert_array_equal(by_clip[row["clip_id"]], given)


@pytest.mark.slow
def test_evaluate_and_report_cli(suite, suite_cache, tmp_path, capsys):
    out, info = suite
    results = tmp_path / "results"
    code = cli(["evaluate", "--model", "frame-diff", "--data", str(out), "--out", str(results), "--cache",
                str(suite_cache), "--null-seeds", "2", "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| permanence | occluded |" in printed
    result = json.loads((results / "results.json").read_text())
    assert result["suite"]["content_hash"] == info["content_hash"]
    assert result["model"]["id"] == "frame-diff@2"
    assert set(result["metrics"]) == {"mean", "max"} and result["protocol"]["null_seeds"] == 2
    assert {"voebench", "torch", "numpy", "pybullet"} <= set(result["versions"])
    scores = pd.read_parquet(results / "scores.parquet")
    assert list(scores.columns) == ["clip_id", "surprise", "model", "weights_hash"] and len(scores) == info["counts"]["clips"]
    frame_diff, by_clip = models.create("frame-diff"), scores.set_index("clip_id")["surprise"]
    for row in read_manifest(out):  # what the model returned, clip by clip, bit for bit
        np.testing.assert_array_equal(by_clip[row["clip_id"]], frame_diff.surprise(read_clip(out / row["path"])["frames"]))
    assert set(scores["model"]) == {"frame-diff@2"}
    # The figures show what they claim: bars in both condition colours; curves of impossible
    # clips and of their possible partners (the colours report.py draws them in).
    for name, colours in (("accuracy.png", ("#4C72B0", "#DD8452")), ("surprise_curves.png", ("#4C72B0", "#C44E52"))):
        with Image.open(results / name) as image:
            assert image.width > image.height > 300  # a landscape figure, not an empty canvas
            pixels = {tuple(p) for p in np.asarray(image.convert("RGB")).reshape(-1, 3)}
        for colour in colours:
            assert tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) in pixels, (name, colour)
    (results / "report.md").unlink()
    assert cli(["report", str(results)]) == 0 and (results / "report.md").exists()

    # compare: one table over several runs (here a probe and the untrained null), written atomically.
    null = tmp_path / "null"
    assert cli(["evaluate", "--model", "untrained-null", "--data", str(out), "--out", str(null), "--cache",
                str(suite_cache), "--null-seeds", "2", "--quiet"]) == 0
    capsys.readouterr()
    table = tmp_path / "compare.md"
    assert cli(["compare", str(results), str(null), "--out", str(table)]) == 0
    text = table.read_text()
    assert text in capsys.readouterr().out and info["content_hash"][:16] in text
    rows = [line for line in text.splitlines() if line.startswith(f"| {results} |")]
    assert len(rows) == 3  # summary, visible cells, occluded cells
    occluded = result["metrics"]["mean"]["conditions"]["occluded"]["relative_accuracy"]
    assert f"| {100 * occluded:.0f} [" in rows[0]
    assert cli(["compare", str(results), str(tmp_path / "missing")]) == 2
    assert "no results here" in capsys.readouterr().err

    # --difference: each run minus the first, per condition; the point is the difference of the
    # macro accuracies the results report, and a run against itself differs by exactly 0.
    same = shutil.copytree(results, tmp_path / "same")
    assert cli(["compare", str(results), str(null), str(same), "--difference"]) == 0
    printed = capsys.readouterr().out
    lines = [line for line in printed.split("Macro accuracy minus")[1].splitlines() if " [" in line
             and "difference" not in line]
    null_result = json.loads((null / "results.json").read_text())
    want = [100 * (null_result["metrics"]["mean"]["conditions"][c]["relative_accuracy"]
                   - result["metrics"]["mean"]["conditions"][c]["relative_accuracy"]) for c in ("visible", "occluded")]
    assert lines[-2].startswith(f"| {null} | {want[0]:+.1f} [") and f"| {want[1]:+.1f} [" in lines[-2]
    assert lines[-1] == f"| {same} | +0.0 [+0.0, +0.0] | +0.0 [+0.0, +0.0] |"


def test_corrupt_suite_is_refused_unless_skip_bad(suite, tmp_path, capsys):
    src, _ = suite
    data = tmp_path / "data"
    shutil.copytree(src, data)
    victim = sorted((data / "clips").glob("*.npz"))[0]
    victim.write_bytes(victim.read_bytes()[:200])
    args = ["evaluate", "--model", "frame-diff", "--data", str(data), "--out", str(tmp_path / "r"),
            "--cache", str(tmp_path / "cache"), "--null-seeds", "0", "--quiet"]
    assert cli(args) == 2
    assert victim.name in capsys.readouterr().err and not (tmp_path / "r").exists()
    assert cli(args + ["--skip-bad"]) == 0
    result = json.loads((tmp_path / "r" / "results.json").read_text())
    assert len(result["skipped_clips"]) == 1 and victim.name in result["skipped_clips"][0]
    assert len(result["skipped_quadruplets"]) == 1
