import numpy as np
import pytest

from voebench.scenes.generate import GenerateConfig, generate
from voebench.scenes.items import Item, item_seed
from voebench.scenes.principles import principle
from voebench.scenes.design import CONDITIONS, PRINCIPLES
from voebench.scenes.quadruplet import Reject, build_quadruplet

SEEDS = (11, 12)  # two items per principle x condition


def build(name: str, condition: str, seed: int, frames: int = 32, resolution: int = 64, design: int = 1):
    rng = np.random.default_rng(item_seed(seed, Item("test", 0, name, condition)))
    for _ in range(60):
        pair = principle(name).sample(rng, condition, frames, 16, design)
        try:
            return pair, build_quadruplet(pair, condition, resolution, rng, design=design)
        except Reject:
            continue
    raise AssertionError(f"{name}/{condition}: no valid quadruplet")


@pytest.fixture(scope="session")
def quadruplets():
    """Real PyBullet quadruplets for every principle x condition (two seeds each)."""
    return {(n, c, s): build(n, c, s) for n in PRINCIPLES for c in CONDITIONS for s in SEEDS}


@pytest.fixture(scope="session")
def suite(tmp_path_factory):
    """A small generated test suite on disk: one quadruplet per principle x condition."""
    out = tmp_path_factory.mktemp("suite")
    info = generate(GenerateConfig(out=str(out), per_condition=1, seed=5), progress=False)
    return out, info


def _official(name: str, tmp_path_factory):
    from voebench.benchmark import suites

    suite = suites.load(name)
    out = tmp_path_factory.mktemp(name)
    info = generate(suite.generate_config(str(out)), progress=False)
    return out, info, suite


@pytest.fixture(scope="session")
def demo_suite(tmp_path_factory):
    """The official minutes-scale suite (voe-v2-mini), generated here (its hash is checked by the
    tests that need it)."""
    from voebench.scenes.design import DEMO_SUITE

    return _official(DEMO_SUITE, tmp_path_factory)


@pytest.fixture(scope="session")
def voe_mini(tmp_path_factory):
    """The retired voe-mini, on which the shipped checkpoints' model cards record their metrics."""
    return _official("voe-mini", tmp_path_factory)
