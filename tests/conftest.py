"""Session fixtures: every expensive thing the tests share (real renders, generated suites, a
playground, tiny pretrained folders) is built once per session; plain helpers live in
renders.py and tiny_models.py."""
import pytest

from voebench.scenes.design import CONDITIONS, PRINCIPLES
from voebench.scenes.generate import GenerateConfig, generate

from .renders import SEEDS, build


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


@pytest.fixture(scope="session")
def suite_cache(tmp_path_factory):
    """One score cache for the tests that score bundled models on `suite` (scores are keyed by
    suite content hash, model id and weights hash): the audit's probes and the untrained null's
    seeds are scored once per session, by whichever test needs them first. Tests of the cache,
    or whose evidence is that a model runs, keep their own."""
    return tmp_path_factory.mktemp("suite-cache")


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    """The same for the demo suite: the untrained null's ten seeds and frame-diff, once."""
    return tmp_path_factory.mktemp("demo-cache")


@pytest.fixture(scope="session")
def playground(tmp_path_factory):
    """A tiny playground (train split, 4 clips) to train tiny models on."""
    out = tmp_path_factory.mktemp("playground")
    generate(GenerateConfig(out=str(out), split="train", clips=4, seed=9), progress=False)
    return out


def _save_tiny(tmp_path_factory, model: str, config: str, settings: dict, prepare=None):
    """A save_pretrained folder of a tiny random transformers model (seed 0)."""
    transformers = pytest.importorskip("transformers")
    import torch

    torch.manual_seed(0)
    net = getattr(transformers, model)(getattr(transformers, config)(**settings)).eval()
    if prepare:
        prepare(net)
    folder = tmp_path_factory.mktemp(model)
    net.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_vjepa2(tmp_path_factory):
    """A tiny random V-JEPA 2 (tiny_models.VJEPA2) in a save_pretrained folder, with non-zero
    mask tokens, so their stacking order is tested."""
    import torch

    from .tiny_models import VJEPA2

    def mask_tokens(net):
        with torch.no_grad():
            net.predictor.embeddings.mask_tokens.normal_()

    return _save_tiny(tmp_path_factory, "VJEPA2Model", "VJEPA2Config", VJEPA2, mask_tokens)


@pytest.fixture(scope="session")
def tiny_videomae(tmp_path_factory):
    """A tiny random VideoMAE with its pretraining decoder (tiny_models.VIDEOMAE)."""
    from .tiny_models import VIDEOMAE

    return _save_tiny(tmp_path_factory, "VideoMAEForPreTraining", "VideoMAEConfig", VIDEOMAE)


@pytest.fixture(scope="session")
def tiny_vit(tmp_path_factory):
    """A tiny random ViT image encoder (tiny_models.VIT)."""
    from .tiny_models import VIT

    return _save_tiny(tmp_path_factory, "ViTModel", "ViTConfig", VIT)
