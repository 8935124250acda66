"""Small datasets written exactly as IntPhys, IntPhys 2 and Physical Concepts lay theirs out
(docs/formats.md), from synthetic matched quadruplets: two "possible" videos of a moving square
and two impossible ones spliced from them, so every reader can be checked against known labels
and frames."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np


def possible_pair(seed: int, frames: int = 10, side: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Two videos of a square on a grey background that agree for the first half and then take
    different paths (so a splice at the middle gives impossible clips)."""
    rng = np.random.default_rng(seed)
    colour = rng.integers(60, 255, 3)
    out = []
    for speed in (1, 2):
        video = np.full((frames, side, side, 3), 90, np.uint8)
        for t in range(frames):
            x = 2 + t + (speed - 1) * max(0, t - frames // 2)
            video[t, side // 3: side // 3 + 6, x % (side - 6): x % (side - 6) + 6] = colour
        out.append(video)
    return out[0], out[1]


def quadruplet(seed: int, frames: int = 10, side: int = 32) -> list[tuple[np.ndarray, bool]]:
    """[(video, possible)]: A, B possible; A[:s]+B[s:], B[:s]+A[s:] impossible (s = 3/4 of the way,
    after the runs part, so the impossible clips differ from both possible ones)."""
    a, b = possible_pair(seed, frames, side)
    s = 3 * frames // 4
    return [(a, True), (b, True), (np.concatenate([a[:s], b[s:]]), False), (np.concatenate([b[:s], a[s:]]), False)]


def write_intphys(root: Path, seed: int = 0) -> dict[str, bool]:
    """dev/O1/01, dev/O1/02 and dev/O3/0001_O3_test_occluded_dynamic_1_nobj2, runs shuffled as the
    release shuffles them; returns {clip_id: possible}. One frame is written as RGBA."""
    import cv2

    rng = np.random.default_rng(seed)
    labels = {}
    for k, (block, quad) in enumerate([("O1", "01"), ("O1", "02"), ("O3", "0001_O3_test_occluded_dynamic_1_nobj2")]):
        videos = quadruplet(seed + k)
        for run, j in enumerate(rng.permutation(4), start=1):
            video, possible = videos[j]
            folder = root / "dev" / block / quad / str(run)
            (folder / "scene").mkdir(parents=True)
            for t, frame in enumerate(video, start=1):
                image = frame[:, :, ::-1]
                if (k, run, t) == (0, 1, 1):
                    image = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
                cv2.imwrite(str(folder / "scene" / f"scene_{t:03d}.png"), image)
            (folder / "status.json").write_text(json.dumps({"header": {"is_possible": bool(possible)}}))
            labels[f"{block}/{quad}/{run}"] = bool(possible)
    return labels


INTPHYS2_COLUMNS = ("SceneIndex", "name", "file_name", "game_name", "condition", "env", "type", "occluder",
                    "Difficulty", "Camera")


def write_intphys2(root: Path, split: str = "Main", seed: int = 0, table: str = "metadata.csv",
                   video_column: str = "file_name") -> list[dict]:
    """ROOT/SPLIT/metadata.csv (the ten released columns) + Videos/<hash>.mp4: two scenes of four
    videos; returns the rows written."""
    import hashlib

    from voebench.benchmark.formats.video import encode_video

    rows = []
    for scene, (condition, occluder) in enumerate([("permanence", "Wall"), ("solidity", "None")]):
        videos = quadruplet(seed + scene)
        # impossible A[:s]+B[s:] shares its set-up (prefix) with A: pair 1; B[:s]+A[s:] with B: pair 2
        types = ["1_Possible", "2_Possible", "1_Impossible", "2_Impossible"]
        for (video, _), kind in zip(videos, types):
            name = hashlib.sha256(f"{seed} {scene} {kind}".encode()).hexdigest()
            encode_video(root / split / "Videos" / f"{name}.mp4", video, 15)
            rows.append({"SceneIndex": 100 + scene, "name": name, "file_name": f"Videos/{name}.mp4",
                         "game_name": "MovingAroundOccluder", "condition": condition, "env": "BasicLevel_0",
                         "type": kind, "occluder": occluder, "Difficulty": "Easy", "Camera": "Fixed"})
    columns = list(INTPHYS2_COLUMNS)
    if video_column != "file_name":
        columns = [c for c in columns if c not in ("name", "file_name")] + [video_column]
        rows = [{**{k: v for k, v in r.items() if k not in ("name", "file_name")}, video_column: r["name"]} for r in rows]
    with open(root / split / table, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def write_physical_concepts(root: Path, concepts=("solidity", "object_persistence"), shards: int = 2,
                            per_shard: int = 2) -> dict[str, np.ndarray]:
    """ROOT/probes/<concept>/data.tfrecord-0000k-of-0000n: GZIP TFRecords of tf.train.Examples with
    PLATO's keys ([2, 15, 64, 64, 3] images, masks, camera poses); returns {quad_id: [4, ...]}."""
    from voebench.benchmark.formats.tfrecord import encode_example, write_tfrecord

    quads = {}
    for c, concept in enumerate(concepts):
        folder = root / "probes" / concept
        folder.mkdir(parents=True)
        for s in range(shards):
            records = []
            for r in range(per_shard):
                videos = np.stack([v for v, _ in quadruplet(100 * c + 10 * s + r, frames=15, side=64)])
                masks = (videos[..., 0] > 100).astype(np.uint8)
                records.append(encode_example({
                    "possible_image": videos[:2].tobytes(), "impossible_image": videos[2:].tobytes(),
                    "possible_mask": masks[:2].tobytes(), "impossible_mask": masks[2:].tobytes(),
                    "possible_camera_pose": np.zeros((2, 15, 6), np.float32),
                    "impossible_camera_pose": np.ones((2, 15, 6), np.float32)}))
                quads[f"{concept}/{s:05d}-{r:04d}"] = videos
            write_tfrecord(folder / f"data.tfrecord-{s:05d}-of-{shards:05d}", records)
    return quads
