"""`voebench export`: a voebench suite as videos other people's tools read unchanged.

    --format mp4        OUT/videos/<clip_id>.mp4 + OUT/manifest.csv + OUT/dataset.json: the same
                        suite with video clips (every label kept; `voebench evaluate` reads it).
    --format intphys2   OUT/<split>/Videos/<name>.mp4 + OUT/<split>/metadata.csv in IntPhys 2's
                        released layout and column names (formats/intphys2.py).

Clips are encoded with a lossless codec by default (formats/video.py), so scores on a re-read
export equal the native scores exactly. A lossy export is marked unmatched (its splices are no
longer pixel-identical), so the harness reports only pairwise accuracy and AUC on it. Each file is written under a temporary name and renamed;
OUT/export.json records the source suite's content hash, the codec and whether it is lossless.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from voebench.scenes.dataset import MANIFEST_COLUMNS, content_hash, load_info, read_manifest, write_manifest
from voebench.scenes.files import write_json

from . import intphys2
from .base import FormatError
from .native import read_frames
from .video import CODECS, DEFAULT_CODEC, encode_video

EXPORT_FORMATS = ("mp4", "intphys2")


def _partners(rows: list[dict], hashes: dict[str, list[str]]) -> dict[str, str]:
    from voebench.benchmark.matching import partners

    table = pd.DataFrame(rows).assign(frame_hashes=lambda d: d["clip_id"].map(hashes), pair="")
    found = partners(table)
    for quad, g in table[table["possible"] == 0].groupby("quad_id"):
        if len({found.get(c) for c in g["clip_id"]}) != len(g):
            raise FormatError(f"quadruplet {quad}: its impossible clips do not share prefixes with two different "
                              "possible clips, so IntPhys 2's pairs (1_, 2_) cannot be assigned")
    return found


def export(suite: str | Path, out: str | Path, fmt: str = "mp4", codec: str = DEFAULT_CODEC, split: str = "Main",
           progress: bool = True) -> dict:
    """Write the test clips of the voebench suite in `suite` to `out` in format `fmt`; returns
    what export.json records."""
    from tqdm import tqdm

    from voebench.benchmark.matching import frame_hashes

    if fmt not in EXPORT_FORMATS:
        raise FormatError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if codec not in CODECS:
        raise FormatError(f"codec must be one of {', '.join(CODECS)}, got {codec!r}")
    suite, out = Path(suite), Path(out)
    info = load_info(suite)
    rows = [r for r in read_manifest(suite) if r["split"] == "test"]
    if not rows:
        raise FormatError(f"{suite}: no test clips to export (is it a --split train dataset?)")
    if out.resolve() == suite.resolve():
        raise FormatError(f"{out}: the export must go to another folder than the suite")
    videos = out / "videos" if fmt == "mp4" else out / split / "Videos"
    fps = info.get("fps") or 16
    hashes, written = {}, {}
    for row in tqdm(rows, desc=f"export {fmt} ({codec})", unit="clip", disable=not progress, dynamic_ncols=True):
        frames = read_frames(suite, row)
        hashes[row["clip_id"]] = frame_hashes(frames)
        name = intphys2.file_stem(row["clip_id"])
        encode_video(videos / f"{name}.mp4", frames, fps, codec)
        written[row["clip_id"]] = videos / f"{name}.mp4"
    record = {"source": str(suite), "source_content_hash": info["content_hash"], "format": fmt, "codec": codec,
              "encoder": CODECS[codec]["codec"], "lossless": CODECS[codec]["lossless"], "clips": len(rows), "fps": fps}
    if fmt == "mp4":
        from voebench.scenes.files import sha256_file

        exported = [{**r, "path": str(written[r["clip_id"]].relative_to(out)), "sha256": sha256_file(written[r["clip_id"]])}
                    for r in rows]
        write_manifest(out, [{k: r[k] for k in MANIFEST_COLUMNS} for r in exported])
        write_json(out / "dataset.json", {**info, "content_hash": content_hash(exported), "export": record})
    else:
        table = intphys2.export_rows(rows, _partners(rows, hashes), info.get("config", {}).get("look") or "flat",
                                     CODECS[codec]["lossless"])
        intphys2.write_metadata(out / split, table)
    write_json(out / "export.json", record)
    return record
