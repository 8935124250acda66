"""Physical sanity of the possible runs, checked from recorded states with real PyBullet."""
import numpy as np
import pytest

from voebench.scenes.design import CONDITIONS, PRINCIPLES
from voebench.scenes.quadruplet import visible_pixels
from voebench.scenes.spec import PARKING_X
from voebench.scenes.world import World

from .renders import SEEDS

CASES = [(n, c, s) for n in PRINCIPLES for c in CONDITIONS for s in SEEDS]


def in_view(pos) -> bool:
    return abs(pos[0]) < PARKING_X / 2


@pytest.mark.parametrize("name,condition,seed", CASES)
def test_possible_runs_do_not_interpenetrate(quadruplets, name, condition, seed):
    pair, quad = quadruplets[(name, condition, seed)]
    for spec, clip in ((pair.a, quad.clips[0]), (pair.b, quad.clips[1])):
        dynamic = [i for i, b in enumerate(spec.bodies) if b.mass > 0]
        with World(spec) as world:
            c = world.client
            for f in range(len(clip.frames)):
                for i, uid in enumerate(world.ids):
                    c.resetBasePositionAndOrientation(uid, clip.states.positions[f, i].tolist(),
                                                      clip.states.orientations[f, i].tolist())
                for i in dynamic:
                    for j in range(len(world.ids)):
                        if j == i:
                            continue
                        for p in c.getClosestPoints(world.ids[i], world.ids[j], 0.0):
                            assert p[8] > -0.02, f"{spec.bodies[i].name} inside {spec.bodies[j].name} at frame {f}"
                    # and not sunk into the ground (body 0)
                    for p in c.getClosestPoints(world.ids[i], 0, 0.0):
                        assert p[8] > -0.02, f"{spec.bodies[i].name} below ground at frame {f}"


@pytest.mark.parametrize("name,condition,seed", CASES)
def test_resting_objects_are_supported(quadruplets, name, condition, seed):
    """A dynamic body that does not move over a frame touches something beneath it."""
    pair, quad = quadruplets[(name, condition, seed)]
    for spec, clip in ((pair.a, quad.clips[0]), (pair.b, quad.clips[1])):
        pos = clip.states.positions
        with World(spec) as world:
            c = world.client
            for f in range(1, len(pos)):
                for i, body in enumerate(spec.bodies):
                    if body.mass == 0 or np.abs(pos[f, i] - pos[f - 1, i]).max() > 1e-4:
                        continue
                    for k, uid in enumerate(world.ids):
                        c.resetBasePositionAndOrientation(uid, pos[f, k].tolist(), clip.states.orientations[f, k].tolist())
                    below = [p for j in [0] + list(world.ids) if j != world.ids[i]
                             for p in c.getClosestPoints(world.ids[i], j, 0.01) if p[6][2] < pos[f, i, 2]]
                    assert below, f"{body.name} rests in mid-air at frame {f} (z={pos[f, i, 2]:.3f})"


@pytest.mark.parametrize("name,seed", [(n, s) for n in PRINCIPLES for s in SEEDS])
def test_screens_occlude_what_the_metadata_says(quadruplets, name, seed):
    """At an occluded splice the manipulated body is in the camera's view, just behind a
    screen: with the screens removed it would be seen in at least one run."""
    pair, quad = quadruplets[(name, "occluded", seed)]
    s = quad.clips[2].violation_frame
    screens = [i for i, b in enumerate(pair.a.bodies) if b.role == "screen"]
    assert screens, "occluded condition without a screen"
    seen = 0
    for spec, clip in ((pair.a, quad.clips[0]), (pair.b, quad.clips[1])):
        states = clip.states.take(slice(s, s + 1))
        states.positions = states.positions.copy()
        states.positions[:, screens, 2] -= 50.0  # sink the screens out of sight
        with World(spec) as world:
            _, masks = world.render(states, 64)
        seen = max(seen, visible_pixels(masks, quad.manipulated_ids)[0])
    assert seen > 0, "the manipulated body is not hidden by a screen but out of view"
