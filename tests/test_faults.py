"""Faults and bad input: misbehaving models, corrupt suites, and fuzzed submissions."""
import csv
import io
import json
import shutil
import textwrap

import numpy as np
import pytest

from voebench.cli import main as cli
from voebench.scenes.files import sha256_file

MISBEHAVING = textwrap.dedent('''
    import time
    import numpy as np

    class Bad:
        name, version, weights_hash = "bad", "1", None

        def __init__(self, mode="raise", after=20):
            self.mode, self.after, self.calls = mode, int(after), 0

        def surprise(self, frames):
            self.calls += 1
            out = frames.astype(float).mean(axis=(1, 2, 3))
            out[0] = np.nan
            if self.calls > self.after:
                if self.mode == "raise":
                    raise RuntimeError("boom")
                if self.mode == "nan":
                    out[-1] = np.nan
                if self.mode == "length":
                    out = out[:-1]
                if self.mode == "hang":
                    time.sleep(60)
            return out
''')


@pytest.fixture
def bad_model(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(MISBEHAVING)
    return f"{path}:Bad"


@pytest.mark.parametrize("mode,message", [("raise", "RuntimeError: boom"), ("nan", "non-finite"),
                                          ("length", "expected \\[32\\]"), ("hang", "longer than 1 s")])
def test_misbehaving_model_is_named_with_its_clip_and_scores_are_kept(suite, tmp_path, bad_model, capsys, mode,
                                                                      message):
    data, _ = suite
    cache = tmp_path / "cache"
    code = cli(["evaluate", "--model", bad_model, "--model-arg", f"mode={mode}", "--model-arg", "after=20",
                "--data", str(data), "--out", str(tmp_path / "r"), "--cache", str(cache), "--batch-size", "1",
                "--timeout", "1", "--null-seeds", "0", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad@1" in err and "clip " in err
    import re
    assert re.search(message, err), err
    chunks = list(cache.rglob("chunk-*.parquet"))
    import pandas as pd
    kept = sum(len(pd.read_parquet(c)) for c in chunks)
    assert kept == 20, f"expected the 20 clips scored before the failure to be kept, found {kept}"


def corrupt(suite, tmp_path):
    src, _ = suite
    data = tmp_path / "data"
    shutil.copytree(src, data)
    return data


def rewrite_manifest(data, change):
    rows = list(csv.DictReader(open(data / "manifest.csv")))
    rows = change(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (data / "manifest.csv").write_text(buf.getvalue())


def evaluate_args(data, tmp_path, *extra):
    return ["evaluate", "--model", "frame-diff", "--data", str(data), "--out", str(tmp_path / "r"), "--cache",
            str(tmp_path / "cache"), "--null-seeds", "0", "--quiet", *extra]


def test_manifest_with_a_missing_row(suite, tmp_path, capsys):
    data = corrupt(suite, tmp_path)
    rewrite_manifest(data, lambda rows: rows[1:])
    assert cli(evaluate_args(data, tmp_path)) == 2
    assert "manifest.csv: quadruplet" in capsys.readouterr().err
    assert cli(evaluate_args(data, tmp_path, "--skip-bad")) == 0
    assert len(json.loads((tmp_path / "r" / "results.json").read_text())["skipped_quadruplets"]) == 1


def test_manifest_with_an_extra_row(suite, tmp_path, capsys):
    data = corrupt(suite, tmp_path)
    rewrite_manifest(data, lambda rows: rows + [dict(rows[0], clip_id="ffffffffffffffff",
                                                     path="clips/ffffffffffffffff.npz")])
    assert cli(evaluate_args(data, tmp_path)) == 2
    assert "ffffffffffffffff.npz" in capsys.readouterr().err


def test_manifest_with_a_duplicate_row(suite, tmp_path, capsys):
    data = corrupt(suite, tmp_path)
    rewrite_manifest(data, lambda rows: rows + rows[:1])
    assert cli(evaluate_args(data, tmp_path)) == 2
    assert "duplicate clip_id" in capsys.readouterr().err


@pytest.mark.parametrize("arrays,message", [
    (lambda f, m: {"frames": f.astype(np.float32), "masks": m}, "'frames' must be uint8"),
    (lambda f, m: {"frames": f[..., :2], "masks": m}, "'frames' must be uint8 \\[T, H, W, 3\\]"),
    (lambda f, m: {"frames": f, "masks": m[:, :10]}, "'masks' must be"),
    (lambda f, m: {"frames": f}, "array 'masks' missing"),
])
def test_clip_with_wrong_dtype_or_shape(suite, tmp_path, capsys, arrays, message):
    import re

    data = corrupt(suite, tmp_path)
    rows = list(csv.DictReader(open(data / "manifest.csv")))
    victim = data / rows[0]["path"]
    with np.load(victim) as z:
        np.savez_compressed(victim.with_suffix(""), **arrays(z["frames"], z["masks"]))
    rewrite_manifest(data, lambda rs: [dict(r, sha256=sha256_file(victim)) if r is rs[0] else r for r in rs])
    assert cli(evaluate_args(data, tmp_path)) == 2
    err = capsys.readouterr().err
    assert victim.name in err and re.search(message, err), err


def test_sha_mismatch_is_refused(suite, tmp_path, capsys):
    data = corrupt(suite, tmp_path)
    rows = list(csv.DictReader(open(data / "manifest.csv")))
    victim = data / rows[3]["path"]
    raw = bytearray(victim.read_bytes())
    raw[-30] ^= 0xFF
    victim.write_bytes(bytes(raw))
    assert cli(evaluate_args(data, tmp_path)) == 2
    err = capsys.readouterr().err
    assert victim.name in err and "sha256" in err
