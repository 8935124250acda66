"""The hand-built physics tracker (issue 13): its perception against the generator's own masks on
real renders (masks are for this test only; the model sees frames), the protocol, and its
surprise on clips whose answer is known."""
import json

import numpy as np
import pytest

from voebench.models.physics_tracker import PhysicsTracker
from voebench.models.protocol import check_model
from voebench.models.scene_parse import MIN_AREA, parse
from voebench.scenes.dataset import read_clip


def test_perception_finds_the_objects_the_masks_show(suite):
    """Object count and centroids, every 4th frame of every clip of a real design-2 suite."""
    data, _ = suite
    frames_checked, same_count, errors = 0, 0, []
    for path in sorted((data / "items").glob("*.json")):
        record = json.loads(path.read_text())
        roles = {b["name"]: b["role"] for b in record["meta"]["spec"]["scenes"][0]["bodies"]}
        for row in record["rows"]:
            clip = read_clip(data / row["path"])
            ids = [i + 1 for i, n in enumerate(clip["body_names"]) if roles[str(n)] in ("object", "distractor")]
            for t in range(0, len(clip["frames"]), 4):
                masks = clip["masks"][t]
                shown = [i for i in ids if (masks == i).sum() >= MIN_AREA]
                blobs = parse(clip["frames"][t]).objects
                frames_checked += 1
                same_count += len(blobs) == len(shown)
                # Each object seen whole and alone: a blob at its mask's centroid.
                for i in shown:
                    r, c = np.nonzero(masks == i)
                    nearest = min((np.hypot(b.row - r.mean(), b.col - c.mean()) for b in blobs), default=np.inf)
                    errors.append(nearest)
    assert frames_checked > 100
    # Measured: 399/448 frames here (89 %), 424/448 on a sample of voe-v2; the misses are objects that
    # touch in the picture (merged) and slivers at an occluder's edge.
    assert same_count / frames_checked >= 0.85, f"object count right in {same_count}/{frames_checked} frames"
    close = np.mean(np.asarray(errors) < 2.0)
    assert np.median(errors) < 0.5 and close >= 0.85, (np.median(errors), close)


def _square(frames: int, path) -> np.ndarray:
    """A red square sliding over a grey floor, drawn at the given (row, col) per frame (None: gone)."""
    out = np.full((frames, 64, 64, 3), 210, np.uint8)
    for t, place in enumerate(path):
        if place is not None:
            r, c = place
            out[t, r:r + 6, c:c + 6] = (220, 40, 40)
    return out


def test_tracker_follows_the_protocol_and_is_surprised_only_by_the_unexplained():
    check_model(PhysicsTracker())
    steady = [(30, 10 + 2 * t) for t in range(20)]
    s = PhysicsTracker().surprise(_square(20, steady))
    assert np.isnan(s[0]) and np.nansum(s) == 0.0  # constant velocity in view: nothing to explain
    vanishing = steady[:12] + [None] * 8
    s = PhysicsTracker().surprise(_square(20, vanishing))
    assert s[12] == pytest.approx(1.0) and np.nansum(s) == pytest.approx(1.0)  # gone in open view, once
    jumping = steady[:12] + [(30, 50 + t) for t in range(8)]
    assert np.nansum(PhysicsTracker().surprise(_square(20, jumping))) >= 1.0  # a teleport
