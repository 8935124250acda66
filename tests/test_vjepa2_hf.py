"""The V-JEPA 2 adapter, offline: a tiny random VJEPA2Config, a save_pretrained round trip,
an original-format checkpoint converted back exactly, and leak-free surprise."""
import json
import pickle

import numpy as np
import pytest
import torch

from voebench import models

transformers = pytest.importorskip("transformers")
from transformers import VJEPA2Config, VJEPA2Model  # noqa: E402

from voebench.models.vjepa2_hf import convert_original  # noqa: E402

TINY = dict(crop_size=32, frames_per_clip=16, patch_size=8, tubelet_size=2, hidden_size=64, num_attention_heads=4,
            num_hidden_layers=2, pred_hidden_size=32, pred_num_attention_heads=4, pred_num_hidden_layers=2,
            pred_num_mask_tokens=3)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    torch.manual_seed(0)
    model = VJEPA2Model(VJEPA2Config(**TINY)).eval()
    with torch.no_grad():  # non-zero mask tokens, so the stacking order is tested
        model.predictor.embeddings.mask_tokens.normal_()
    folder = tmp_path_factory.mktemp("hf")
    model.save_pretrained(folder)
    return model, folder


def to_original(model) -> dict:
    """The inverse of the documented mapping: what facebookresearch/vjepa2 saves."""
    enc, pred = {}, {}
    for k, v in model.state_dict().items():
        if k.startswith("encoder."):
            k = (k.replace("encoder.embeddings.patch_embeddings.", "patch_embed.").replace("encoder.layernorm.", "norm.")
                 .replace("encoder.layer.", "blocks.").replace("attention.", "attn."))
            enc["module.backbone." + k] = v
        else:
            if k == "predictor.embeddings.mask_tokens":
                for i, t in enumerate(v):
                    pred[f"module.backbone.mask_tokens.{i}"] = t.reshape(1, 1, -1)
                continue
            k = (k.replace("predictor.embeddings.predictor_embeddings.", "predictor_embed.")
                 .replace("predictor.layernorm.", "predictor_norm.").replace("predictor.proj.", "predictor_proj.")
                 .replace("predictor.layer.", "predictor_blocks.").replace("attention.", "attn."))
            pred["module.backbone." + k] = v
    for d in (enc, pred):
        for k in [k for k in d if ".attn.query." in k]:
            kind = k.rsplit(".", 1)[1]
            base = k.replace(f".attn.query.{kind}", "")
            d[f"{base}.attn.qkv.{kind}"] = torch.cat([d.pop(f"{base}.attn.{n}.{kind}") for n in ("query", "key", "value")])
    enc["module.backbone.pos_embed"] = torch.zeros(1)  # present in originals, unused (RoPE)
    return {"encoder": enc, "target_encoder": enc, "predictor": pred, "epoch": 3}


def clip(seed=0, T=32):
    return np.random.default_rng(seed).integers(0, 255, (T, 40, 48, 3), dtype=np.uint8)


def test_save_pretrained_folder_loads_offline(tiny, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model, folder = tiny
    adapter = models.create("vjepa2-hf", weights=str(folder))
    s = adapter.surprise(clip())
    assert s.shape == (32,) and np.isnan(s[:8]).all() and np.isfinite(s[8:]).all()
    assert adapter.weights_hash and len(adapter.weights_hash) == 64


def test_original_checkpoint_round_trip_is_exact(tiny, tmp_path):
    model, folder = tiny
    path = tmp_path / "vitl.pt"
    torch.save(to_original(model), path)
    (tmp_path / "config.json").write_text(json.dumps(TINY))
    converted = models.create("vjepa2-hf", weights=str(path))
    reference = models.create("vjepa2-hf", weights=str(folder))
    for a, b in zip(converted.surprise_batch([clip(1)]), reference.surprise_batch([clip(1)])):
        assert np.max(np.abs(a[8:] - b[8:])) == 0.0
    _, inferred = convert_original(to_original(model))
    for key in ("hidden_size", "patch_size", "tubelet_size", "num_hidden_layers", "pred_hidden_size",
                "pred_num_hidden_layers", "pred_num_mask_tokens"):
        assert inferred[key] == TINY[key]


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

    a = preprocess(clip(2, 16), 32)[None]
    b = a.clone()
    b[:, 8:] = preprocess(clip(3, 16), 32)[None][:, 8:]  # change only frames after the context
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
