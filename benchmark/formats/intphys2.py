"""IntPhys 2 (Bordes et al. 2025): mp4 videos and a metadata CSV per split.

Layout followed (docs/formats.md has the sources):

    IntPhys2/Main/metadata.csv    SceneIndex,name,file_name,game_name,condition,env,type,occluder,Difficulty,Camera
    IntPhys2/Main/Videos/<name>.mp4          (Debug/ alike; HeldOut/ has no labels)

A scene (`SceneIndex`) holds four videos whose `type` is 1_Possible, 1_Impossible, 2_Possible,
2_Impossible: pair k is one set-up with its possible and impossible outcome, so the impossible
clip of pair k is compared with the possible clip of pair k. `condition` is the principle
(permanence, immutability, continuity, solidity). IntPhys 2 does not label visible/occluded
events; the harness's condition is "occluder" where the scene has one (`occluder` not None) and
"no occluder" otherwise. Difficulty, Camera, env and game_name are kept as columns.

The official code reads this table under three names (`metadata.csv`, `labels.csv`) and the
video under three columns (`file_name`, `name`, `filename`); this reader accepts all of them.
The writer (`voebench export --format intphys2`) writes the released layout and adds columns of
its own after the ten official ones (clip_id, quad_id, visibility, reveal_frame,
violation_frame, violation, n_objects, matched), which the official code ignores and this
reader uses. IntPhys 2's own scenes are separate renders, not matched quadruplets (`matched`
is absent, so False): the harness reports their pairwise accuracy and AUC, not the headline.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from voebench.scenes.files import atomic_write_text

from .base import ClipReader, Dataset, FormatError, complete_rows, foreign_info, sha256_files
from .video import decode_video, video_fps

TABLE_NAMES = ("metadata.csv", "labels.csv")
SPLITS = ("Main", "Debug", "HeldOut")
OFFICIAL_COLUMNS = ("SceneIndex", "name", "file_name", "game_name", "condition", "env", "type", "occluder",
                    "Difficulty", "Camera")
VOEBENCH_COLUMNS = ("clip_id", "quad_id", "visibility", "reveal_frame", "violation_frame", "violation", "n_objects",
                    "matched")
TYPE = re.compile(r"(\d+)_(Possible|Impossible)")
NO_OCCLUDER = ("", "none", "nan")


def split_root(root: Path) -> Path:
    """The split folder holding the table: `root` itself, or its only split subfolder."""
    if any((root / n).is_file() for n in TABLE_NAMES):
        return root
    found = [root / s for s in SPLITS if any((root / s / n).is_file() for n in TABLE_NAMES)]
    if len(found) == 1:
        return found[0]
    if found:
        raise FormatError(f"{root}: holds several IntPhys 2 splits ({', '.join(p.name for p in found)}); point --data "
                          "at one of them, e.g. " + str(found[0]))
    raise FormatError(f"{root}: no IntPhys 2 table ({' or '.join(TABLE_NAMES)}) here or in {'/'.join(SPLITS)}/")


def looks_like(root: Path) -> bool:
    try:
        split_root(root)
    except FormatError:
        return False
    return True


def video_path(split: Path, row: dict, where: str) -> str:
    if row.get("file_name"):
        return row["file_name"]
    stem = row.get("name") or row.get("filename")
    if not stem:
        raise FormatError(f"{where}: no video named (columns file_name, name or filename)")
    return f"Videos/{stem.removesuffix('.mp4')}.mp4"


def read_frames(root: Path, row: dict) -> np.ndarray:
    return decode_video(Path(root) / row["path"])


def _int(value: str, where: str, column: str, default: int | None = None) -> int:
    if value in ("", None) and default is not None:
        return default
    try:
        return int(float(value))
    except ValueError:
        raise FormatError(f"{where}: column {column!r} must be an integer, got {value!r}") from None


def open_intphys2(root: Path, resize: int | None = None, frame_step: int = 1, **_) -> Dataset:
    split = split_root(Path(root))
    table = next(split / n for n in TABLE_NAMES if (split / n).is_file())
    with open(table, newline="") as f:
        records = list(csv.DictReader(f))
    columns = set(records[0]) if records else set()
    for need in ("SceneIndex", "type", "condition"):
        if need not in columns:
            hint = " (HeldOut's labels are not released, so it cannot be scored here)" if need == "type" else ""
            raise FormatError(f"{table}: column {need!r} missing (found {', '.join(sorted(columns))}){hint}")
    rows = []
    for line, rec in enumerate(records, start=2):
        where = f"{table}:{line}"
        m = TYPE.fullmatch(rec["type"].strip())
        if not m:
            raise FormatError(f"{where}: column 'type' must be like 1_Possible or 2_Impossible, got {rec['type']!r}")
        path = video_path(split, rec, where)
        if not (split / path).is_file():
            raise FormatError(f"{where}: video {split / path} is missing")
        scene = _int(rec["SceneIndex"], where, "SceneIndex")
        occluder = (rec.get("occluder") or "").strip()
        condition = rec.get("visibility") or ("no occluder" if occluder.lower() in NO_OCCLUDER else "occluder")
        rows.append({"clip_id": rec.get("clip_id") or Path(path).stem, "quad_id": rec.get("quad_id") or f"scene-{scene}",
                     "principle": rec["condition"].strip(), "condition": condition, "possible": int(m.group(2) == "Possible"),
                     "pair_index": m.group(1), "path": path, "sha256": sha256_files([split / path]),
                     "reveal_frame": _int(rec.get("reveal_frame", ""), where, "reveal_frame", -1),
                     "violation_frame": _int(rec.get("violation_frame", ""), where, "violation_frame", -1),
                     "violation": rec.get("violation", ""), "n_objects": _int(rec.get("n_objects", ""), where, "n_objects", 0),
                     "matched": rec.get("matched", "").strip().lower() in ("1", "true"),
                     "scene_index": scene, **{k.lower(): rec.get(k, "") for k in ("Difficulty", "Camera", "env", "game_name")}})
    for r in rows:  # the impossible clip of pair k against the possible clip of pair k
        if not r["possible"]:
            partner = [o for o in rows if o["quad_id"] == r["quad_id"] and o["possible"] and o["pair_index"] == r["pair_index"]]
            r["pair"] = partner[0]["clip_id"] if len(partner) == 1 else ""
    rows = complete_rows(rows, table)
    reader = ClipReader(read_frames, split, resize, frame_step)
    fps = video_fps(split / rows[0]["path"])
    return Dataset("intphys2", split, rows, foreign_info("intphys2", split, rows, reader, fps), reader,
                   labels=table)


def metadata_csv(rows: list[dict]) -> str:
    """The table of an export: the ten official columns first, voebench's after them."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=OFFICIAL_COLUMNS + VOEBENCH_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_metadata(split: Path, rows: list[dict]) -> None:
    atomic_write_text(split / "metadata.csv", metadata_csv(rows))


def file_stem(clip_id: str) -> str:
    """A clip id as a file name (voebench's ids are hex strings already)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", clip_id)


def export_rows(clips: list[dict], partners: dict[str, str], look: str, lossless: bool = True) -> list[dict]:
    """IntPhys 2 rows for a voebench suite's test clips: a quadruplet is a scene; each impossible
    clip and the possible clip it was spliced from form pair k (k = 1, 2 in clip-id order)."""
    quads = sorted({c["quad_id"] for c in clips})
    out = []
    for scene, quad in enumerate(quads):
        members = sorted((c for c in clips if c["quad_id"] == quad), key=lambda c: c["clip_id"])
        impossible = [c for c in members if not c["possible"]]
        index = {partners[c["clip_id"]]: k for k, c in enumerate(impossible, start=1)}
        index.update({c["clip_id"]: k for k, c in enumerate(impossible, start=1)})
        for c in members:
            name = file_stem(c["clip_id"])
            out.append({"SceneIndex": scene, "name": name, "file_name": f"Videos/{name}.mp4",
                        "game_name": f"voebench-{c['principle']}", "condition": c["principle"], "env": f"voebench-{look}",
                        "type": f"{index[c['clip_id']]}_{'Possible' if c['possible'] else 'Impossible'}",
                        "occluder": "screen" if c["condition"] == "occluded" else "None", "Difficulty": "Unknown",
                        "Camera": "Fixed", "clip_id": c["clip_id"], "quad_id": quad, "visibility": c["condition"],
                        "reveal_frame": c["reveal_frame"], "violation_frame": c["violation_frame"],
                        "violation": c["violation"], "n_objects": c["n_objects"],
                        "matched": int(lossless)})
    return out
