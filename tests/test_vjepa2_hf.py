"""The V-JEPA 2 adapter, offline: a tiny random VJEPA2Config, a save_pretrained round trip,
an original-format checkpoint converted back exactly, and leak-free surprise."""
import json
import pickle

import numpy as np
import pytest
import torch

from voebench import models

transformers = pytest.importorskip("transformers")
from transformers import VJEPA2Model  # noqa: E402

from voebench.models.vjepa2_hf import convert_original  # noqa: E402

from .tiny_models import VJEPA2, random_clip, to_original  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tiny_vjepa2):
    """(the network, its save_pretrained folder): conftest's tiny V-JEPA 2."""
    return VJEPA2Model.from_pretrained(tiny_vjepa2).eval(), tiny_vjepa2


def test_save_pretrained_folder_loads_offline(tiny, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model, folder = tiny
    adapter = models.create("vjepa2-hf", weights=str(folder))
    s = adapter.surprise(random_clip())
    assert s.shape == (32,) and np.isnan(s[:8]).all() and np.isfinite(s[8:]).all()
    assert adapter.weights_hash and len(adapter.weights_hash) == 64


def test_original_checkpoint_round_trip_is_exact(tiny, tmp_path):
    model, folder = tiny
    path = tmp_path / "vitl.pt"
    torch.save(to_original(model), path)
    (tmp_path / "config.json").write_text(json.dumps(VJEPA2))
    converted = models.create("vjepa2-hf", weights=str(path))
    reference = models.create("vjepa2-hf", weights=str(folder))
    for a, b in zip(converted.surprise_batch([random_clip(1)]), reference.surprise_batch([random_clip(1)])):
        assert np.max(np.abs(a[8:] - b[8:])) == 0.0
    _, inferred = convert_original(to_original(model))
    for key in ("hidden_size", "patch_size", "tubelet_size", "num_hidden_layers", "pred_hidden_size",
                "pred_num_hidden_layers", "pred_num_mask_tokens"):
        assert inferred[key] == VJEPA2[key]


def test_code_carrying_pickle_is_refused(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"encoder": Exploit()}))
    with pytest.raises(pickle.UnpicklingError):
        models.create("vjepa2-hf", weights=str(path))
    assert not marker.exists()


def test_surprise_is_leak_free_while_the_one_call_forward_leaks(tiny):
    model, folder = tiny
    adapter = models.create("vjepa2-hf", weights=str(folder))
    from voebench.models.vjepa2_hf import preprocess

    a = preprocess(random_clip(2, 16), 32)[None]
    b = a.clone()
    b[:, 8:] = preprocess(random_clip(3, 16), 32)[None][:, 8:]  # change only frames after the context
    pred_a, tgt_a = adapter.window_prediction(a)
    pred_b, tgt_b = adapter.window_prediction(b)
    assert torch.equal(pred_a, pred_b), "frames after the context reached the predictor"
    assert not torch.equal(tgt_a, tgt_b)
    # The plain HF forward encodes the whole clip first: its predictions do depend on the future.
    n_ctx, n_all = 4 * 16, 8 * 16
    masks = dict(context_mask=[torch.arange(n_ctx)[None]], target_mask=[torch.arange(n_ctx, n_all)[None]])
    with torch.no_grad():
        leak_a = model(pixel_values_videos=a, **masks).predictor_output.last_hidden_state
        leak_b = model(pixel_values_videos=b, **masks).predictor_output.last_hidden_state
    assert not torch.equal(leak_a, leak_b)
