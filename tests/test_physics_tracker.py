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


def _square(frames: int, path, *more) -> np.ndarray:
    """A red square sliding over a grey floor, drawn at the given (row, col) per frame (None: gone);
    `more` paths draw more squares (green, blue)."""
    out = np.full((frames, 64, 64, 3), 210, np.uint8)
    for colour, squares in zip([(220, 40, 40), (40, 200, 60), (40, 60, 220)], (path, *more)):
        for t, place in enumerate(squares):
            if place is not None:
                r, c = place
                out[t, r:r + 6, c:c + 6] = colour
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


def test_launches_need_a_contact_and_a_contact_needs_a_launch():
    """Causality: a resting square hit by a mover (equal sizes, elastic: the mover stops, the
    target leaves at its speed) explains itself; a launch with nothing touching, or a hit that
    launches nothing, does not."""
    frames = 24
    mover = [(30, 4 + 2 * min(t, 10)) for t in range(frames)]  # reaches the target at frame 10, stops
    target = [(30, 30 + 2 * max(0, t - 10)) for t in range(frames)]  # touched at 10, leaves at 2 px/frame
    launch = PhysicsTracker()
    assert np.nansum(launch.surprise(_square(frames, mover, target))) < 0.5, launch.events
    untouched = PhysicsTracker()
    assert np.nansum(untouched.surprise(_square(frames, [None] * frames, target))) >= 1.0
    assert any(what == "started untouched" for _, what, _ in untouched.events)
    no_launch = PhysicsTracker()
    assert np.nansum(no_launch.surprise(_square(frames, mover, [(30, 30)] * frames))) >= 1.0
    assert any(what == "hit, not launched" for _, what, _ in no_launch.events)


def test_objects_that_overlap_in_the_picture_are_in_different_depth_planes():
    """A square seen passing behind another (cut off by it) never touches it, so the one in
    front is not expected to launch."""
    frames = 24
    passing = [(30, 26 + t) for t in range(frames)]  # red, drawn first: behind, overlapping from the start
    resting = [(30, 30)] * frames  # green, drawn over the red one where they overlap
    tracker = PhysicsTracker()
    tracker.surprise(_square(frames, passing, resting))
    assert not any(what == "hit, not launched" for _, what, _ in tracker.events), tracker.events


def test_a_cut_object_is_completed_from_its_uncut_side():
    from voebench.models.scene_parse import Blob, Sighting

    # an 8-pixel object whose left half is behind a screen: columns 24-27 seen, 20-23 hidden
    sliver = Sighting(Blob(31.5, 25.5, 32, (200, 40, 40), 28, 35, 24, 27), (True, False, False, False))
    assert sliver.cut(8.0) == (True, False, False, False) and not sliver.whole(8.0)
    row, col = sliver.centre(8.0)
    assert row == pytest.approx(31.5) and col == pytest.approx(23.5)
    # resting on a shelf: touched below but its whole height shows, so not cut
    resting = Sighting(Blob(31.5, 23.5, 64, (200, 40, 40), 28, 35, 20, 27), (False, False, False, True))
    assert resting.whole(8.0) and resting.centre(8.0) == (31.5, 23.5)


def test_the_ceiling_on_the_demo_suite(demo_suite, tmp_path):
    """The positive control on real renders: voe-v2-mini, 28 quadruplets (measured: 27 right; the
    miss is a visible solidity quadruplet)."""
    from voebench.benchmark.formats import as_dataset
    from voebench.benchmark.runner import ModelInstance, score_dataset
    from voebench.benchmark.scored import Scored

    data = as_dataset(demo_suite[0])
    scores, _ = score_dataset(ModelInstance(PhysicsTracker()), data, tmp_path, 1, progress=False)  # no stale cache
    table = Scored.from_dataset(scores, data).table("mean")
    assert len(table) == 28
    assert table.accuracy.sum() >= 25, table[table.accuracy < 1]
    occluded = table[table.condition == "occluded"]
    assert occluded.accuracy.sum() >= 13, occluded[occluded.accuracy < 1]


def test_frame_strips_show_a_quadruplet_with_the_surprise_under_it(demo_suite):
    """The diagnosis figure (benchmark/strips.py) on a real quadruplet: a PNG with the four clips'
    frames and the tracker's surprise; an unknown quadruplet is refused by name."""
    import io

    from PIL import Image

    from voebench.benchmark.strips import strip_figure

    data = demo_suite[0]
    quad = sorted(p.stem for p in (data / "items").glob("gravity-visible-*.json"))[0]
    png = strip_figure(data, quad, PhysicsTracker(), range(6, 14))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 8 * 64 and image.height > 4 * 64
    with pytest.raises(FileNotFoundError, match="no-such-quad"):
        strip_figure(data, "no-such-quad", PhysicsTracker())


def test_the_docs_and_the_card_give_every_constant_its_current_value():
    """Its parameters are hand-set: docs/physics-tracker.md and the leaderboard card must list
    each with the value the code uses."""
    from pathlib import Path

    from voebench.models.physics_tracker import constants
    from voebench.models.registry import RECORDS

    text = (Path(__file__).resolve().parents[1] / "docs" / "physics-tracker.md").read_text()
    card = RECORDS["physics-tracker"].card()
    assert len(constants()) >= 20 and card["kind"] == "control"
    for name, value in constants().items():
        assert f"| `{name}` | {value:g} |" in text, name
        assert f"{name}={value:g}" in card["description"], name


def test_drift_counts_bends_and_speed_changes_not_perspective():
    """Perspective changes an object's speed along its straight path a little; a turn bends the
    path and a change of speed by half moves it far ahead of or behind its line."""
    from voebench.models.physics_tracker import PERSPECTIVE, ObjectFile

    f = ObjectFile(10.0, 10.0, np.zeros(3), 20, 5.0, velocity=(0.0, 2.0))
    f.anchor = (0, 10.0, 10.0, 0.0, 2.0)
    t = 10  # 20 px along the line
    assert f.drifted(t, 10.0, 30.0 + 0.5 * PERSPECTIVE * 20) == 0.0  # sped up by perspective
    assert abs(f.drifted(t, 11.5, 30.0) - 1.5) < 1e-9  # 1.5 px across: a bend
    assert f.drifted(t, 10.0, 30.0 + 10.0) > 5.0  # half as fast again
