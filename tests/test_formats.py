"""Readers (IntPhys, IntPhys 2, Physical Concepts, voebench) on fixtures laid out as the real
datasets are, writers (mp4, IntPhys 2) and their round trips, and scoring through each format."""
from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest

from voebench.benchmark.formats import FormatError, detect, open_dataset
from voebench.benchmark.formats.export import export
from voebench.benchmark.formats.tfrecord import encode_example, parse_example, read_tfrecord, write_tfrecord
from voebench.benchmark.formats.video import decode_video, encode_video
from voebench.scenes.dataset import read_clip, read_manifest

from .format_fixtures import quadruplet, write_intphys, write_intphys2, write_physical_concepts


def test_intphys_reader_labels_frames_and_conditions(tmp_path):
    labels = write_intphys(tmp_path)
    assert detect(tmp_path) == "intphys" and detect(tmp_path / "dev") == "intphys"
    data = open_dataset(tmp_path, cache=tmp_path / "cache")
    rows = {r["clip_id"]: r for r in data.rows}
    assert {c: bool(r["possible"]) for c, r in rows.items()} == labels  # from status.json, not the run number
    assert {r["principle"] for r in data.rows} == {"permanence", "continuity"}
    occluded = [r for r in data.rows if r["block"] == "O3"]
    assert {r["condition"] for r in occluded} == {"occluded"} and {r["n_objects"] for r in occluded} == {2}
    assert {r["condition"] for r in data.rows if r["block"] == "O1"} == {"unknown"}
    assert data.info["resolution"] == 32 and data.info["frames"] == 10
    # frames are the PNGs' RGB pixels (the RGBA frame loses its alpha)
    import cv2

    first = data.frames(rows["O1/01/1"])
    assert first.shape == (10, 32, 32, 3)
    png = cv2.imread(str(tmp_path / "dev/O1/01/1/scene/scene_002.png"))[:, :, ::-1]
    assert np.array_equal(first[1], png)
    # the transform: every 2nd frame, resized to 16 px; its own content hash
    small = open_dataset(tmp_path, "intphys", resize=16, frame_step=2, cache=tmp_path / "cache")
    assert small.frames(rows["O1/01/1"]).shape == (5, 16, 16, 3)
    assert small.info["content_hash"] != data.info["content_hash"]


def test_intphys_errors_name_the_file(tmp_path):
    write_intphys(tmp_path)
    status = tmp_path / "dev/O1/02/3/status.json"
    status.write_text(json.dumps({"header": {"is_possible": "yes"}}))
    with pytest.raises(FormatError, match=r"O1/02/3/status.json: field header.is_possible"):
        open_dataset(tmp_path, "intphys")
    status.unlink()
    with pytest.raises(FormatError, match=r"status.json: missing.*test set"):
        open_dataset(tmp_path, "intphys")
    shutil.rmtree(tmp_path / "dev/O1/02/3")
    with pytest.raises(FormatError, match="expected run folders 1 2 3 4"):
        open_dataset(tmp_path, "intphys")


def test_intphys2_reader_pairs_and_columns(tmp_path):
    written = write_intphys2(tmp_path)
    assert detect(tmp_path) == "intphys2"  # the IntPhys2 root with one split
    data = open_dataset(tmp_path, cache=tmp_path / "cache")
    assert data.root == tmp_path / "Main"
    rows = {r["clip_id"]: r for r in data.rows}
    by_type = {(w["SceneIndex"], w["type"]): w["name"] for w in written}
    for (scene, kind), name in by_type.items():
        r = rows[name]
        assert r["quad_id"] == f"scene-{scene}" and r["possible"] == int(kind.endswith("_Possible"))
        if not r["possible"]:  # pair k: k_Impossible against k_Possible
            assert r["pair"] == by_type[(scene, kind.replace("Impossible", "Possible"))]
    assert {r["condition"] for r in data.rows if r["principle"] == "permanence"} == {"occluder"}
    assert {r["condition"] for r in data.rows if r["principle"] == "solidity"} == {"no occluder"}
    assert not any(r["matched"] for r in data.rows)  # separate renders: no quadruplet headline
    assert data.rows[0]["difficulty"] == "Easy" and data.info["fps"] == 15
    video = quadruplet(0)[0][0]
    assert np.array_equal(data.frames(rows[by_type[(100, "1_Possible")]]), video)  # lossless codec


def test_intphys2_other_names_and_errors(tmp_path):
    # the upstream prediction code's names: labels.csv with a `filename` column
    write_intphys2(tmp_path / "a", table="labels.csv", video_column="filename")
    assert len(open_dataset(tmp_path / "a" / "Main", "intphys2", cache=tmp_path).rows) == 8
    write_intphys2(tmp_path / "b")
    write_intphys2(tmp_path / "b", split="Debug")
    with pytest.raises(FormatError, match="several IntPhys 2 splits"):
        open_dataset(tmp_path / "b", "intphys2")
    (tmp_path / "b/Debug/Videos").rename(tmp_path / "b/Debug/Gone")
    with pytest.raises(FormatError, match=r"metadata.csv:2: video .*Videos/.*\.mp4 is missing"):
        open_dataset(tmp_path / "b/Debug", "intphys2")
    table = tmp_path / "b/Main/metadata.csv"
    lines = table.read_text().splitlines()
    table.write_text("\n".join([lines[0].replace(",type,", ",kind,")] + lines[1:]) + "\n")
    with pytest.raises(FormatError, match=r"column 'type' missing.*HeldOut"):
        open_dataset(tmp_path / "b/Main", "intphys2")


def test_tfrecord_and_example_round_trip(tmp_path):
    example = {"image": bytes(range(256)) * 3, "pose": np.arange(12, dtype=np.float32)}
    write_tfrecord(tmp_path / "x", [encode_example(example), b"raw"])
    records = list(read_tfrecord(tmp_path / "x"))
    assert records[1] == b"raw"
    parsed = parse_example(records[0])
    assert parsed["image"] == [example["image"]] and np.array_equal(parsed["pose"], example["pose"])
    broken = bytearray(__import__("gzip").decompress((tmp_path / "x").read_bytes()))
    broken[0] ^= 1  # the length no longer matches its CRC
    (tmp_path / "y").write_bytes(bytes(broken))
    with pytest.raises(FormatError, match="record length fails its CRC"):
        list(read_tfrecord(tmp_path / "y"))


def test_physical_concepts_reader(tmp_path):
    quads = write_physical_concepts(tmp_path / "pc")
    assert detect(tmp_path / "pc") == "physical-concepts"
    data = open_dataset(tmp_path / "pc", cache=tmp_path / "cache")
    assert len(data.rows) == 4 * len(quads) and data.info["frames"] == 15 and data.info["resolution"] == 64
    decoded = sorted((tmp_path / "cache/decoded/physical-concepts").glob("*.npz"))
    assert len(decoded) == 4  # one per shard, made once
    stamps = [p.stat().st_mtime_ns for p in decoded]
    again = open_dataset(tmp_path / "pc", cache=tmp_path / "cache")
    assert [p.stat().st_mtime_ns for p in decoded] == stamps and again.info == data.info
    for r in data.rows:
        k = ["possible-0", "possible-1", "impossible-0", "impossible-1"].index(r["clip_id"].rsplit("/", 1)[1])
        assert np.array_equal(data.frames(r), quads[r["quad_id"]][k])
        assert r["possible"] == int(k < 2) and r["principle"] == r["quad_id"].split("/")[0]


def test_video_codecs(tmp_path):
    video = quadruplet(3)[2][0]
    encode_video(tmp_path / "a.mp4", video, 16)
    encode_video(tmp_path / "b.mp4", video, 16)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()  # deterministic
    assert np.array_equal(decode_video(tmp_path / "a.mp4"), video)  # h264rgb is lossless
    encode_video(tmp_path / "c.mp4", video, 16, "h264")
    lossy = decode_video(tmp_path / "c.mp4")
    assert lossy.shape == video.shape and not np.array_equal(lossy, video)
    assert np.abs(lossy.astype(int) - video).mean() < 5  # measured 1.7 grey levels: the same frames, lossy
    with pytest.raises(FormatError, match="no frames could be decoded"):
        (tmp_path / "d.mp4").write_bytes(b"not a video")
        decode_video(tmp_path / "d.mp4")


def test_export_round_trips(tmp_path, suite):
    """Export a real suite to mp4 and to IntPhys 2, read both back: the same labels and frames."""
    data, _ = suite
    native = open_dataset(data)
    export(data, tmp_path / "mp4", "mp4", progress=False)
    export(data, tmp_path / "i2", "intphys2", progress=False)
    as_mp4 = open_dataset(tmp_path / "mp4", cache=tmp_path)
    as_i2 = open_dataset(tmp_path / "i2", cache=tmp_path)
    assert (as_mp4.format, as_i2.format) == ("voebench", "intphys2")
    keys = ("principle", "condition", "quad_id", "possible", "reveal_frame", "violation_frame", "violation", "n_objects")
    want = {r["clip_id"]: tuple(r[k] for k in keys) for r in native.rows}
    for other in (as_mp4, as_i2):
        assert {r["clip_id"]: tuple(r[k] for k in keys) for r in other.rows} == want
        assert all(r["matched"] for r in other.rows)
        for row in other.rows[:6]:
            assert np.array_equal(other.frames(row), read_clip(data / f"clips/{row['clip_id']}.npz")["frames"])
    # the official columns, in the official order, with one of each type per scene
    with open(tmp_path / "i2/Main/metadata.csv") as f:
        table = list(csv.DictReader(f))
    assert list(table[0])[:10] == ["SceneIndex", "name", "file_name", "game_name", "condition", "env", "type",
                                   "occluder", "Difficulty", "Camera"]
    assert "filename" not in table[0]  # IntPhys 2's notebook renames name -> filename: no clash
    for scene in {t["SceneIndex"] for t in table}:
        assert sorted(t["type"] for t in table if t["SceneIndex"] == scene) == [
            "1_Impossible", "1_Possible", "2_Impossible", "2_Possible"]
    assert json.loads((tmp_path / "mp4/export.json").read_text())["lossless"] is True
    assert len(read_manifest(tmp_path / "mp4")) == len(native.rows)
    with pytest.raises(FormatError, match="another folder"):
        export(data, data, "mp4", progress=False)
    # a lossy export is read as unmatched: no quadruplet headline on it
    export(data, tmp_path / "lossy", "mp4", codec="h264", progress=False)
    lossy = open_dataset(tmp_path / "lossy", cache=tmp_path)
    assert not any(r["matched"] for r in lossy.rows)
    assert json.loads((tmp_path / "lossy/export.json").read_text())["lossless"] is False


def _evaluate(data, out, cache, fmt=None, **reader):
    from voebench.benchmark.evaluate import evaluate
    from voebench.benchmark.runner import ModelRef

    dataset = open_dataset(data, fmt, cache=cache, **reader)
    return evaluate(ModelRef("frame-diff"), dataset, out, cache=cache, null_seeds=1, progress=False)


def test_scoring_each_format(tmp_path):
    """IntPhys and Physical Concepts are matched (headline computed; the reveal measured from the
    frames); IntPhys 2's scenes are not (pairwise and AUC only, detection n/a)."""
    write_intphys(tmp_path / "ip")
    result = _evaluate(tmp_path / "ip", tmp_path / "r1", tmp_path / "cache", resize=64)
    suite = result["suite"]
    assert (suite["format"], suite["matched_quadruplets"], suite["frame_identical_quadruplets"]) == ("intphys", 3, 3)
    assert suite["reader"] == {"resize": 64, "frame_step": 1} and suite["resolution"] == 64
    cell = result["metrics"]["mean"]["cells"]["continuity"]["occluded"]
    assert cell["relative_accuracy"] is not None and cell["detected"] is not None and cell["n_matched"] == 1
    assert result["curves"]["permanence"]["unknown"]["offsets"][0] == -8  # aligned at the measured reveal
    assert "Dataset: intphys" in (tmp_path / "r1/report.md").read_text()

    write_intphys2(tmp_path / "i2")
    result = _evaluate(tmp_path / "i2", tmp_path / "r2", tmp_path / "cache", resize=64)
    assert result["suite"]["matched_quadruplets"] == 0
    for cells in result["metrics"]["mean"]["cells"].values():
        for cell in cells.values():
            assert cell["relative_accuracy"] is None and cell["detected"] is None and cell["p_sign"] is None
            assert cell["pairwise_accuracy"] is not None and cell["auc"] is not None
    assert "| n/a |" in (tmp_path / "r2/report.md").read_text()

    write_physical_concepts(tmp_path / "pc", concepts=("continuity",), shards=1)
    result = _evaluate(tmp_path / "pc", tmp_path / "r3", tmp_path / "cache")
    assert result["suite"]["format"] == "physical-concepts" and result["suite"]["matched_quadruplets"] == 2
    assert result["metrics"]["mean"]["cells"]["continuity"]["all"]["n_quadruplets"] == 2


def test_the_measured_reveal(tmp_path):
    """The fixture's impossible clips are spliced at frame 7 (of 10): the measured reveal."""
    from voebench.benchmark.runner import ModelRef, score_dataset
    from voebench.benchmark.scored import attach_labels

    write_intphys(tmp_path)
    data = open_dataset(tmp_path, cache=tmp_path / "cache")
    scores, _ = score_dataset(ModelRef("frame-diff"), data, tmp_path / "cache", progress=False)
    clips = attach_labels(scores, data)
    assert set(clips.loc[clips["possible"] == 0, "reveal_frame"]) == {7} and clips["frame_identical"].all()
    assert set(clips.loc[clips["possible"] == 1, "reveal_frame"]) == {-1}  # a possible clip has no reveal
    assert (clips.loc[clips["possible"] == 0, "partner"] != "").all()


@pytest.mark.slow
def test_scores_on_exports_equal_native(tmp_path, suite):
    """Same model, same clips: the lossless exports read back give the native metrics exactly."""
    data, _ = suite
    cache = tmp_path / "cache"
    native = _evaluate(data, tmp_path / "native", cache)
    for fmt in ("mp4", "intphys2"):
        export(data, tmp_path / fmt, fmt, progress=False)
        other = _evaluate(tmp_path / fmt, tmp_path / f"r-{fmt}", cache)
        assert other["suite"]["content_hash"] != native["suite"]["content_hash"]  # really scored again
        assert other["metrics"] == native["metrics"]


def test_cli_export_and_evaluate(tmp_path, suite, capsys):
    from voebench.cli import main

    data, _ = suite
    assert main(["export", str(data), "--out", str(tmp_path / "x"), "--format", "intphys2", "--quiet"]) == 0
    assert "lossless" in capsys.readouterr().out
    write_intphys(tmp_path / "ip")
    args = ["evaluate", "--model", "frame-diff", "--data", str(tmp_path / "ip"), "--out", str(tmp_path / "r"),
            "--resize", "64", "--frame-step", "2", "--null-seeds", "0", "--cache", str(tmp_path / "c"), "--quiet"]
    assert main(args) == 0
    result = json.loads((tmp_path / "r/results.json").read_text())
    assert result["run"]["format"] == "intphys" and result["suite"]["frames"] == 5
    # a format that does not fit the folder, and a folder in no format: errors naming them
    assert main(args[:4] + [str(data), "--format", "intphys"] + args[5:]) == 2
    assert "no IntPhys block folders" in capsys.readouterr().err
    assert main(args[:4] + [str(tmp_path / "r")] + args[5:]) == 2
    assert "not a dataset in any known format" in capsys.readouterr().err


def test_compare_difference_reads_foreign_results_without_the_data(tmp_path, capsys):
    """compare --difference reads the per-quadruplet records of results.json (the scored table),
    so it works on a foreign format's results after the data are gone (issue 28)."""
    from voebench.benchmark.difference import quadruplet_accuracy
    from voebench.benchmark.evaluate import evaluate
    from voebench.benchmark.runner import ModelRef
    from voebench.cli import main

    write_intphys(tmp_path / "ip")
    dataset = open_dataset(tmp_path / "ip", cache=tmp_path / "cache", resize=64)
    runs = {name: tmp_path / name for name in ("frame-diff", "histogram-change")}
    for name, out in runs.items():
        evaluate(ModelRef(name), dataset, out, cache=tmp_path / "cache", null_seeds=0, progress=False)
    shutil.rmtree(tmp_path / "ip")
    accuracy = {name: quadruplet_accuracy(out) for name, out in runs.items()}
    records = json.loads((runs["frame-diff"] / "results.json").read_text())["quadruplets"]
    assert len(accuracy["frame-diff"]) == len(records) == 3
    assert sorted(accuracy["frame-diff"].tolist()) == sorted(r["accuracy"] for r in records)
    assert main(["compare", *map(str, runs.values()), "--difference"]) == 0
    text = capsys.readouterr().out
    difference = text[text.index("Macro accuracy minus"):]
    row = next(line for line in difference.splitlines() if line.startswith(f"| {runs['histogram-change']} |"))
    assert row.count("[") == 2 and "–" not in row  # per condition, a difference with its interval
