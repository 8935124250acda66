"""The generator on disk: format, determinism, parallel workers, resume, errors, previews."""
import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from voebench.cli import main as cli
from voebench.scenes.dataset import MANIFEST_COLUMNS, read_clip, read_manifest
from voebench.scenes.files import sha256_file
from voebench.scenes.generate import ConfigError, GenerateConfig, generate
from voebench.scenes.design import PRINCIPLES

from .renders import dataset_files

SMALL = dict(principles=["permanence", "gravity"], per_condition=2, seed=3)


def test_suite_format(suite):
    out, info = suite
    rows = read_manifest(out)
    assert len(rows) == len(PRINCIPLES) * 2 * 4
    header = (out / "manifest.csv").read_text().splitlines()[0]
    assert tuple(header.split(",")) == MANIFEST_COLUMNS
    for row in rows:
        arrays = read_clip(out / row["path"])
        assert arrays["frames"].shape == (32, 64, 64, 3) and arrays["frames"].dtype == np.uint8
        assert arrays["masks"].shape == (32, 64, 64)
        assert sha256_file(out / row["path"]) == row["sha256"]
        assert (row["violation_frame"] == -1) == (row["reveal_frame"] == -1) == bool(row["possible"])
    quads = {}
    for row in rows:
        quads.setdefault(row["quad_id"], []).append(row)
    orders = set()
    for quad in quads.values():
        assert sorted(r["possible"] for r in quad) == [0, 0, 1, 1]
        assert all(len(r["clip_id"]) == 16 for r in quad)
        orders.add(tuple(r["possible"] for r in sorted(quad, key=lambda r: r["clip_id"])))
    # Clip ids carry no order or naming leak: sorted by id, the possible clips of a quadruplet
    # do not sit in one fixed place.
    assert len(orders) > 2, orders
    assert info["counts"]["quadruplets"] == {p: {"visible": 1, "occluded": 1} for p in PRINCIPLES}
    for key in ("voebench_version", "pybullet_version", "renderer", "resolution", "fps", "frames", "seed",
                "config", "counts", "content_hash"):
        assert key in info
    assert json.loads((out / "dataset.json").read_text()) == info


def test_clip_ids_do_not_leak_labels(suite):
    out, _ = suite
    rows = read_manifest(out)
    by_quad = {}
    for row in rows:
        by_quad.setdefault(row["quad_id"], []).append(row)
    # Position of the possible clips within the id-sorted quadruplet varies across quadruplets.
    patterns = {tuple(r["possible"] for r in sorted(q, key=lambda r: r["clip_id"])) for q in by_quad.values()}
    assert len(patterns) > 1


@pytest.mark.slow
def test_same_seed_is_byte_identical_with_any_worker_count(tmp_path):
    one = generate(GenerateConfig(out=str(tmp_path / "a"), **SMALL), progress=False, previews=False)
    again = generate(GenerateConfig(out=str(tmp_path / "b"), **SMALL), progress=False, previews=False)
    two = generate(GenerateConfig(out=str(tmp_path / "c"), workers=2, **SMALL), progress=False, previews=False)
    assert one["content_hash"] == again["content_hash"] == two["content_hash"]
    assert dataset_files(tmp_path / "a") == dataset_files(tmp_path / "b") == dataset_files(tmp_path / "c")
    other = generate(GenerateConfig(out=str(tmp_path / "d"), **dict(SMALL, seed=4)), progress=False, previews=False)
    assert other["content_hash"] != one["content_hash"]


def test_resume_rebuilds_only_what_is_missing_or_corrupt(tmp_path):
    out = tmp_path / "s"
    info = generate(GenerateConfig(out=str(out), **SMALL), progress=False, previews=False)
    rows = read_manifest(out)
    victim, truncated = out / rows[0]["path"], out / rows[5]["path"]
    victim.unlink()
    truncated.write_bytes(truncated.read_bytes()[:100])
    (out / "items" / "gravity-visible-0001.json").unlink()
    untouched = out / rows[-1]["path"]
    before = untouched.stat().st_mtime_ns
    again = generate(GenerateConfig(out=str(out), **SMALL), progress=False, previews=False)
    assert again["content_hash"] == info["content_hash"]
    assert untouched.stat().st_mtime_ns == before, "an intact item was rebuilt"
    for row in rows:
        assert sha256_file(out / row["path"]) == row["sha256"]


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_hash(tmp_path):
    config = dict(SMALL, per_condition=4)
    reference = generate(GenerateConfig(out=str(tmp_path / "ref"), **config), progress=False, previews=False)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "voebench.cli", "generate", "--out", str(out), "--principles", *config["principles"],
           "--per-condition", "4", "--seed", "3", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline and len(list(out.glob("items/*.json"))) < 3:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "manifest.csv").exists(), "the run finished before it could be killed"
    resumed = generate(GenerateConfig(out=str(out), **config), progress=False, previews=False)
    assert resumed["content_hash"] == reference["content_hash"]
    files = dataset_files(out)
    assert files == dataset_files(tmp_path / "ref") | {k: v for k, v in files.items() if k.endswith(".tmp")}


@pytest.mark.parametrize("changes,message", [
    (dict(principles=["telekinesis"]), "unknown principle"),
    (dict(resolution=0), "resolution"),
    (dict(frames=10), "frames must be"),
    (dict(per_condition=0), "per_condition"),
    (dict(split="validation"), "split"),
])
def test_bad_config_fails_before_any_work(tmp_path, changes, message):
    out = tmp_path / "bad"
    with pytest.raises(ConfigError, match=message):
        generate(GenerateConfig(out=str(out), **changes), progress=False)
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_output_is_a_clear_cli_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code = cli(["generate", "--out", str(blocker / "suite"), "--quiet"])
    assert code == 2
    assert "not writable" in capsys.readouterr().err


def test_resume_with_other_settings_is_refused(tmp_path):
    out = tmp_path / "s"
    generate(GenerateConfig(out=str(out), principles=["inertia"], per_condition=1), progress=False, previews=False)
    with pytest.raises(ConfigError, match="resolution"):
        generate(GenerateConfig(out=str(out), principles=["inertia"], per_condition=1, resolution=32), progress=False)


def test_previews(suite):
    out, _ = suite
    quads = {r["quad_id"] for r in read_manifest(out)}
    for quad in quads:
        with Image.open(out / "previews" / f"{quad}.gif") as gif:
            assert gif.n_frames == 32
    for name in PRINCIPLES:
        with Image.open(out / "previews" / f"contact_{name}.png") as sheet:
            assert sheet.width > 64 * 8 and sheet.height > 64 * 8


def test_train_split_is_unlabelled_and_possible(tmp_path):
    out = tmp_path / "train"
    info = generate(GenerateConfig(out=str(out), split="train", clips=6, seed=1), progress=False)
    rows = read_manifest(out)
    assert len(rows) == 6 and info["counts"] == {"clips": 6}
    for row in rows:
        assert row["split"] == "train" and row["possible"] == 1
        assert row["principle"] == row["condition"] == row["quad_id"] == ""
        assert row["violation_frame"] == row["reveal_frame"] == -1
        assert read_clip(out / row["path"])["frames"].shape == (32, 64, 64, 3)


def test_egl_renderer_makes_a_valid_dataset_and_is_never_mixed_with_tiny(tmp_path):
    """The EGL plugin (software llvmpipe on a CPU machine) renders the same kind of dataset."""
    out = tmp_path / "egl"
    config = dict(principles=["permanence"], conditions=["occluded"], per_condition=1, seed=2, resolution=32)
    info = generate(GenerateConfig(out=str(out), renderer="egl", **config), progress=False, previews=False)
    assert info["renderer"].startswith("EGL")
    rows = read_manifest(out)
    frames = [read_clip(out / r["path"])["frames"] for r in rows]
    assert len(rows) == 4 and all(f.shape == (32, 32, 32, 3) and f.std() > 0 for f in frames)
    with pytest.raises(ConfigError, match="renderer"):
        generate(GenerateConfig(out=str(out), renderer="tiny", **config), progress=False)
