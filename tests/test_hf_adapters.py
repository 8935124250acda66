"""The transformers adapters beside vjepa2-hf, offline with tiny random configs: videomae-hf
(its error is VideoMAE's own loss, and the future never reaches the decoder's input),
image-trajectory-hf (hand-computed statistics), strict loading, and the V-JEPA 2 presets."""
import json
import shutil

import numpy as np
import pytest
import torch

from voebench import models

transformers = pytest.importorskip("transformers")
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import (VideoMAEConfig, VideoMAEForPreTraining, VideoMAEForVideoClassification,  # noqa: E402
                          VJEPA2Model)

from voebench.models.hf_common import video_transform  # noqa: E402
from voebench.models.image_trajectory_hf import trajectory  # noqa: E402
from voebench.models.protocol import check_model  # noqa: E402

from .tiny_models import VIDEOMAE, VJEPA2, random_clip, to_original  # noqa: E402


@pytest.fixture(scope="module")
def videomae(tiny_videomae):
    """(the network, its save_pretrained folder): conftest's tiny VideoMAE."""
    return VideoMAEForPreTraining.from_pretrained(tiny_videomae).eval(), tiny_videomae


def test_videomae_error_is_its_own_pretraining_loss_on_the_future(videomae, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model, folder = videomae
    adapter = models.create("videomae-hf", weights=str(folder))
    report = check_model(adapter)
    assert report["context_frames"] == 8 and adapter.weights_hash and len(adapter.weights_hash) == 64
    window = video_transform(random_clip(1, 16), 32, 32)[None]
    future = (torch.arange(8) >= 4).repeat_interleave(16)[None]  # tubelets 4..7 = frames 8..15
    with torch.no_grad():
        loss = model.double()(pixel_values=window, bool_masked_pos=future).loss
    model.float()
    assert float(adapter.window_error(window).mean()) == pytest.approx(float(loss), rel=1e-12)


def test_videomae_reconstruction_never_sees_the_future(videomae):
    _, folder = videomae
    adapter = models.create("videomae-hf", weights=str(folder))
    a = video_transform(random_clip(2, 16), 32, 32)[None]
    b = a.clone()
    b[:, 8:] = video_transform(random_clip(3, 16), 32, 32)[None][:, 8:]
    masked = (torch.arange(8) >= 4).repeat_interleave(16)[None]
    with torch.no_grad():
        pa = adapter.model(pixel_values=a, bool_masked_pos=masked).logits
        pb = adapter.model(pixel_values=b, bool_masked_pos=masked).logits
    assert torch.equal(pa, pb), "frames after the context reached the reconstruction"
    assert not torch.equal(adapter.window_error(a), adapter.window_error(b))  # the targets did change


def test_a_classifier_or_truncated_checkpoint_is_refused(tmp_path, tiny_vjepa2):
    classifier = tmp_path / "classifier"
    VideoMAEForVideoClassification(VideoMAEConfig(**{**VIDEOMAE, "num_labels": 3})).save_pretrained(classifier)
    with pytest.raises(ValueError, match=r"do not fill VideoMAEForPreTraining exactly.*missing keys"):
        models.create("videomae-hf", weights=str(classifier))
    # V-JEPA 2 with one predictor block missing: transformers would fill it at random and run
    folder = shutil.copytree(tiny_vjepa2, tmp_path / "vjepa2")
    state = load_file(folder / "model.safetensors")
    save_file({k: v for k, v in state.items() if not k.startswith("predictor.layer.1.")},
              folder / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(ValueError, match=r"missing keys \(16\): predictor\.layer\.1\."):
        models.create("vjepa2-hf", weights=str(folder))


def test_pickle_only_folders_are_refused(tmp_path, videomae):
    _, folder = videomae
    (tmp_path / "config.json").write_text((folder / "config.json").read_text())
    torch.save({}, tmp_path / "pytorch_model.bin")
    with pytest.raises(ValueError, match="safetensors only"):
        models.create("videomae-hf", weights=str(tmp_path))


def test_trajectory_statistics_by_hand():
    # a path in the plane: two steps right, then one step up (unit-norm features after normalising)
    angles = torch.tensor([0.0, 0.1, 0.2, 0.2 + np.pi / 2 * 0.1], dtype=torch.float64)
    f = torch.stack([torch.cos(angles), torch.sin(angles)], -1)[None]
    d = f[0, 1:] - f[0, :-1]
    speed = trajectory(f, "speed")[0]
    assert torch.isnan(speed[0]) and torch.allclose(speed[1:], d.norm(dim=-1))
    acc = trajectory(f, "acceleration")[0]
    assert torch.isnan(acc[:2]).all() and torch.allclose(acc[2:], (d[1:] - d[:-1]).norm(dim=-1))
    curve = trajectory(f, "curvature")[0]
    assert curve[2] == pytest.approx(0.1, abs=1e-9)  # turning by 0.1 rad along a circle
    still = trajectory(torch.ones(1, 4, 3, dtype=torch.float64), "curvature")[0]
    assert torch.equal(still[2:], torch.zeros(2, dtype=torch.float64))  # no step, no turn


def test_image_trajectory_control_follows_the_protocol(tiny_vit, tmp_path):
    adapter = models.create("image-trajectory-hf", weights=str(tiny_vit))
    report = check_model(adapter)
    assert report["context_frames"] == 2 and adapter.version == "1-acceleration-float64"
    still = np.repeat(random_clip(4, 1), 32, axis=0)
    assert np.nanmax(adapter.surprise(still)) < 1e-12  # a frozen picture traces no path
    assert models.create("image-trajectory-hf", weights=str(tiny_vit), statistic="speed").surprise(random_clip(5))[1] > 0
    with pytest.raises(ValueError, match="statistic must be one of"):
        models.create("image-trajectory-hf", weights=str(tiny_vit), statistic="jerk")
    # the folder's preprocessor_config.json sets the input size and normalisation
    for f in tiny_vit.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "preprocessor_config.json").write_text(json.dumps(
        {"do_center_crop": False, "size": {"height": 32, "width": 32}, "image_mean": [0.5] * 3, "image_std": [0.5] * 3}))
    custom = models.create("image-trajectory-hf", weights=str(tmp_path))
    assert custom.size == 32 and torch.equal(custom.mean, torch.full((3,), 0.5, dtype=torch.float64))


def test_vjepa2_presets_are_the_released_sizes(tiny_vjepa2, tmp_path, monkeypatch):
    from voebench.models.vjepa2_hf import PRESETS, preset_config

    assert set(PRESETS) == {"vitl", "vith", "vitg", "vitg-384"}
    sizes = {k: (c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.crop_size)
             for k, c in ((k, preset_config(k)) for k in PRESETS)}
    assert sizes == {"vitl": (1024, 24, 16, 256), "vith": (1280, 32, 16, 256), "vitg": (1408, 40, 22, 256),
                     "vitg-384": (1408, 40, 22, 384)}
    with pytest.raises(ValueError, match="unknown V-JEPA 2 preset"):
        preset_config("vitb")
    # a preset sets the architecture of an original checkpoint; one that does not fit is refused
    from voebench.models import vjepa2_hf

    path = tmp_path / "tiny.pt"
    torch.save(to_original(VJEPA2Model.from_pretrained(tiny_vjepa2)), path)
    monkeypatch.setitem(vjepa2_hf.PRESETS, "tiny", VJEPA2)
    monkeypatch.setitem(vjepa2_hf.PRESETS, "wider", {**VJEPA2, "hidden_size": 128, "num_attention_heads": 8})
    assert models.create("vjepa2-hf", weights=str(path), preset="tiny").model.config.hidden_size == 64
    with pytest.raises(ValueError, match="do not fit VJEPA2Model"):
        models.create("vjepa2-hf", weights=str(path), preset="wider")


def test_evaluate_a_pretrained_folder_with_device_auto(suite, suite_cache, tiny_vjepa2, tmp_path, capsys):
    """The documented command: `voebench evaluate --model vjepa2-hf --weights DIR --device auto`."""
    from voebench.cli import main as cli

    out, info = suite
    folder = tiny_vjepa2
    results = tmp_path / "results"
    assert cli(["evaluate", "--model", "vjepa2-hf", "--weights", str(folder), "--device", "auto", "--data", str(out),
                "--out", str(results), "--cache", str(suite_cache), "--null-seeds", "1", "--quiet"]) == 0
    result = json.loads((results / "results.json").read_text())
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert result["throughput"]["device"].startswith(expected) and result["throughput"]["clips"] == info["counts"]["clips"]
    assert result["model"]["id"] == ("vjepa2-hf@2-float32" if expected == "cuda" else "vjepa2-hf@2-float64")
