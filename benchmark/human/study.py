"""`voebench human-study SUITE_DIR --out STUDY_DIR`: a study folder anyone can run people on.

STUDY_DIR/index.html   the participant's page (benchmark/human/page.py), opens from file://
STUDY_DIR/clips/*.png  one frame strip per clip (frames stacked top to bottom), opaque names
STUDY_DIR/study.json   the experimenter's side: the plan (benchmark/human/plan.py), which
                       stimulus is which clip with its labels, the suite's identity, the rule
STUDY_DIR/answers/     where the participants' downloaded files go (`voebench human-results`)
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from voebench.scenes.dataset import DatasetError
from voebench.scenes.files import atomic_folder, write_json

from . import plan
from .page import render

SCHEMA = "voebench.human-study/1"
DEFAULT_CLIPS = 112  # clips per participant: 28 quadruplets, about 8 minutes at 2 s a clip
LABEL_COLUMNS = ("principle", "condition", "quad_id", "possible", "reveal_frame", "violation_frame", "violation",
                 "partner", "matched", "n_objects")


class StudyError(DatasetError):
    """A study cannot be made, or its folder is not a study (the message says why)."""


def frame_strip(frames: np.ndarray) -> bytes:
    import cv2

    ok, png = cv2.imencode(".png", np.ascontiguousarray(frames.reshape(-1, *frames.shape[2:])[..., ::-1]))
    if not ok:
        raise StudyError("could not encode a frame strip as PNG")
    return png.tobytes()


def quadruplets(rows: list[dict]) -> list[plan.Quad]:
    """The plan's view of the labelled clips; each impossible clip after the possible clip it was
    spliced from (its partner)."""
    by_quad: dict[str, list[dict]] = {}
    for r in rows:
        by_quad.setdefault(r["quad_id"], []).append(r)
    out = []
    for quad_id, g in sorted(by_quad.items()):
        possible = sorted(r["clip_id"] for r in g if int(r["possible"]) == 1)
        impossible = [r for r in g if int(r["possible"]) == 0]
        if len(possible) != 2 or len(impossible) != 2:
            raise StudyError(f"quadruplet {quad_id}: {len(possible)} possible and {len(impossible)} impossible "
                             "clips; a study needs whole quadruplets (2 + 2)")
        by_partner = {r["partner"]: r["clip_id"] for r in impossible}
        if set(by_partner) != set(possible):
            raise StudyError(f"quadruplet {quad_id}: its impossible clips do not pair one-to-one with its possible "
                             "clips")
        out.append(plan.Quad(quad_id, g[0]["principle"], g[0]["condition"], tuple(possible),
                               tuple(by_partner[c] for c in possible)))
    return out


def study_id(record: dict) -> str:
    """A digest of everything the answers are checked against (suite, scale, fps, forms, names)."""
    keys = ("suite", "scale", "fps", "frames", "forms", "stimuli")
    text = json.dumps({k: record[k] for k in keys}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_study(suite_dir: str | Path, out: str | Path, clips: int = DEFAULT_CLIPS, seed: int = 0, scale: str = "1-6",
               fps: float | None = None, repeats: int = plan.REPEATS, catch: int = plan.CATCH_PAIRS,
               data_format: str | None = None, progress: bool = True) -> dict:
    """Write a study of `suite_dir`'s test clips to `out` (which must not exist yet); returns study.json."""
    import pandas as pd
    from tqdm import tqdm

    from voebench.benchmark.evaluate import suite_record
    from voebench.benchmark.scored import attach_labels
    from voebench.benchmark.formats import open_dataset
    from voebench.benchmark.matching import frame_hashes

    if scale not in plan.SCALES:
        raise StudyError(f"--scale {scale!r}: expected one of {', '.join(plan.SCALES)}")
    if clips < 8 or clips % 4:
        raise StudyError(f"--clips {clips}: expected a multiple of 4, at least 8 (whole quadruplets, two or more, "
                         "so that no two clips of one quadruplet follow each other)")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise StudyError(f"{out}: already exists and is not empty; a study is never overwritten (its answers "
                         "belong to it): choose a new --out")
    dataset = open_dataset(suite_dir, data_format)
    rows = [dict(r) for r in dataset.rows]
    strips, hashes, shapes = {}, {}, set()
    for r in tqdm(rows, desc="reading clips", unit="clip", disable=not progress):
        frames = dataset.reader(r)
        strips[r["clip_id"]], hashes[r["clip_id"]] = frame_strip(frames), frame_hashes(frames)
        shapes.add(frames.shape)
    if len(shapes) != 1:
        raise StudyError(f"{dataset.root}: clips differ in shape ({sorted(shapes)[:3]}…); use --resize when reading")
    # partners and matching as `voebench evaluate` finds them, from the frames' fingerprints
    table = attach_labels(pd.DataFrame({"clip_id": list(hashes), "frame_hashes": list(hashes.values())}), dataset)
    rows = table.to_dict("records")
    try:
        forms = plan.forms(quadruplets(rows), clips // 4, seed, repeats, catch)
    except ValueError as e:
        raise StudyError(f"{dataset.root}: {e}") from None
    order = np.random.default_rng([seed, 1]).permutation(sorted(strips))
    names = {clip: f"s{i:04d}" for i, clip in enumerate(order)}
    n_frames = next(iter(shapes))[0]
    info = dataset.info
    record = {
        "schema": SCHEMA,
        "suite": suite_record(dataset, table),
        "scale": scale, "fps": float(fps or info.get("fps") or 16), "frames": int(n_frames),
        "design": {"clips_per_list": clips, "seed": seed, "repeats": repeats, "catch_pairs": catch,
                   "lists": len(forms) // 2, "forms": len(forms)},
        "rule": plan.exclusion_rule(scale),
        "forms": [{"list": f["list"], "reversed": f["reversed"], "quadruplets": f["quadruplets"],
                   "trials": [[names[c], kind] for c, kind in f["trials"]]} for f in forms],
        "stimuli": {names[r["clip_id"]]: r["clip_id"] for r in rows},
        "clips": {r["clip_id"]: {k: _plain(r[k]) for k in LABEL_COLUMNS if k in r} for r in rows},
        "axes": {q: dataset.axes[q] for q in sorted({r["quad_id"] for r in rows}) if q in dataset.axes},
    }
    record["study_id"] = study_id(record)
    public = {"study_id": record["study_id"], "scale": scale, "fps": record["fps"], "frames": record["frames"],
              "forms": [[s for s, _ in f["trials"]] for f in record["forms"]]}
    if out.exists():
        out.rmdir()  # empty, checked above
    with atomic_folder(out) as tmp:
        (tmp / "clips").mkdir()
        (tmp / "answers").mkdir()
        for clip, name in names.items():
            (tmp / "clips" / f"{name}.png").write_bytes(strips[clip])
        (tmp / "index.html").write_text(render(public))
        write_json(tmp / "study.json", record)
        (tmp / "answers" / "README.txt").write_text(
            "Put the participants' downloaded answer files (answers-*.json) here, then run\n"
            f"  voebench human-results {out}/answers/*.json --out RESULTS_DIR\n")
    return record


def _plain(value):
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    return value


def load_study(study_dir: str | Path) -> dict:
    path = Path(study_dir) / "study.json"
    if not path.is_file():
        raise StudyError(f"{path}: missing; is {study_dir} a folder made by `voebench human-study`?")
    try:
        record = json.loads(path.read_text())
    except ValueError as e:
        raise StudyError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise StudyError(f"{path}: schema {record.get('schema') if isinstance(record, dict) else None!r}, "
                         f"expected {SCHEMA!r}")
    if record.get("study_id") != study_id(record):
        raise StudyError(f"{path}: its study_id does not match its content (edited after it was made?)")
    return record
