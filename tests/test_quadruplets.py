"""The matched design: what each principle's quadruplet guarantees, checked on real renders."""
import numpy as np
import pytest

from voebench.scenes.design import CONDITIONS, PRINCIPLES
from voebench.scenes.camera import MIN_VISIBLE_PIXELS
from voebench.scenes.quadruplet import visible_pixels

from .renders import SEEDS, build

CASES = [(n, c, s) for n in PRINCIPLES for c in CONDITIONS for s in SEEDS]


def frame_multiset(*clips):
    return sorted(f.tobytes() for clip in clips for f in clip.frames)


@pytest.mark.parametrize("name,condition,seed", CASES)
def test_prefix_shared_with_partner(quadruplets, name, condition, seed):
    pair, quad = quadruplets[(name, condition, seed)]
    A, B, ab, ba = quad.clips
    assert (A.possible, B.possible, ab.possible, ba.possible) == (True, True, False, False)
    for imp in (ab, ba):
        partner = quad.clips[imp.partner]
        v = imp.violation_frame
        assert 0 < v < len(imp.frames) - 1
        assert np.array_equal(imp.frames[:v], partner.frames[:v]), "prefix differs from its possible partner"
        assert v <= imp.reveal_frame < len(imp.frames)
        assert not np.array_equal(imp.frames[imp.reveal_frame], partner.frames[imp.reveal_frame])
        assert np.array_equal(imp.frames[:imp.reveal_frame], partner.frames[:imp.reveal_frame])
    # Not trivial: an impossible clip is neither possible clip.
    assert not np.array_equal(ab.frames, A.frames) and not np.array_equal(ab.frames, B.frames)


# Where no splice can express the violation in view (the wall, the bridge or the mover would
# pop in or out), the visible condition uses the crossed design; everything else is spliced.
CROSSED = {("solidity", "visible"), ("gravity", "visible"), ("causality", "visible")}


@pytest.mark.parametrize("name,condition,seed", CASES)
def test_design_is_as_documented(quadruplets, name, condition, seed):
    pair, _ = quadruplets[(name, condition, seed)]
    assert pair.construction == ("crossed" if (name, condition) in CROSSED else "splice")


@pytest.mark.parametrize("name,condition,seed", [c for c in CASES if c[:2] not in CROSSED])
def test_spliced_clips_hold_exactly_the_possible_frames(quadruplets, name, condition, seed):
    pair, quad = quadruplets[(name, condition, seed)]
    A, B, ab, ba = quad.clips
    assert frame_multiset(ab, ba) == frame_multiset(A, B)
    s = ab.violation_frame
    assert np.array_equal(ab.frames, np.concatenate([A.frames[:s], B.frames[s:]]))
    assert np.array_equal(ba.frames, np.concatenate([B.frames[:s], A.frames[s:]]))


@pytest.mark.parametrize("name,seed", [(n, s) for n in PRINCIPLES for s in SEEDS])
def test_occluded_splice_is_invisible_and_seamless(quadruplets, name, seed):
    pair, quad = quadruplets[(name, "occluded", seed)]
    A, B, ab, ba = quad.clips
    s = ab.violation_frame
    ids = quad.manipulated_ids
    for clip in quad.clips:
        assert visible_pixels(clip.masks[s:s + 1], ids)[0] == 0, "manipulated body visible at the splice"
    # Same frame in both runs: every transition of the impossible pair occurs in the possible pair.
    assert np.array_equal(A.frames[s], B.frames[s])
    diffs = lambda c: sorted(np.abs(np.diff(c.frames.astype(int), axis=0)).sum(axis=(1, 2, 3)).tolist())
    assert sorted(diffs(ab) + diffs(ba)) == sorted(diffs(A) + diffs(B))


@pytest.mark.parametrize("name,seed", [(n, s) for n in PRINCIPLES for s in SEEDS])
def test_visible_violation_is_in_view(quadruplets, name, seed):
    pair, quad = quadruplets[(name, "visible", seed)]
    A, B, ab, ba = quad.clips
    s = ab.violation_frame
    seen = max(visible_pixels(c.masks[s:s + 1], quad.manipulated_ids)[0] for c in (A, B))
    assert seen >= 4


@pytest.mark.parametrize("name,condition,seed", [c for c in CASES if c[:2] in CROSSED])
def test_crossed_clips_recombine_the_possible_runs(quadruplets, name, condition, seed):
    """Crossed design: each impossible clip = one run's scene + the other run's manipulated bodies.

    Exactly matched: every body's pose in every frame comes from one of the two possible runs
    (scene bodies from the prefix partner, manipulated bodies from the other run).
    """
    pair, quad = quadruplets[(name, condition, seed)]
    A, B, ab, ba = quad.clips
    rows = [i - 1 for i in quad.manipulated_ids]
    others = [i for i in range(A.states.positions.shape[1]) if i not in rows]
    for imp, scene, mover in ((ab, A, B), (ba, B, A)):
        assert np.array_equal(imp.states.positions[:, others], scene.states.positions[:, others])
        assert np.array_equal(imp.states.positions[:, rows], mover.states.positions[:, rows])
        # Pixels away from the manipulated bodies are the scene run's pixels.
        away = ~np.isin(imp.masks, quad.manipulated_ids) & ~np.isin(scene.masks, quad.manipulated_ids)
        assert np.array_equal(imp.frames[away], scene.frames[away])


@pytest.mark.parametrize("condition", CONDITIONS)
def test_design3_dates_the_reveal_where_the_violation_is_seen(condition):
    """Gravity's violation is gradual: the object that floats instead of falling first differs from
    its partner by a shading change or a boundary pixel. Design 3 keeps design 2's clips and moves
    the reveal to the first frame where the body masks differ in MIN_VISIBLE_PIXELS pixels."""
    later = 0
    for seed in SEEDS:
        _, old = build("gravity", condition, seed, design=2)
        _, new = build("gravity", condition, seed, design=3)
        for o, n in zip(old.clips, new.clips):
            assert np.array_equal(o.frames, n.frames) and np.array_equal(o.masks, n.masks)
        for o, n in zip(old.clips[2:], new.clips[2:]):
            partner = new.clips[n.partner]
            changed = (n.masks != partner.masks).reshape(len(n.masks), -1).sum(axis=1)
            assert changed[n.reveal_frame] >= MIN_VISIBLE_PIXELS
            assert (changed[n.violation_frame:n.reveal_frame] < MIN_VISIBLE_PIXELS).all()
            assert n.reveal_frame >= o.reveal_frame
            later += n.reveal_frame > o.reveal_frame
    assert later > 0, "no reveal moved: the test shows nothing"
