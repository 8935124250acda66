"""Small real models for the tests: the tiny random transformers configurations the adapters are
checked with (their save_pretrained folders are session fixtures in conftest.py), the inverse of
the V-JEPA 2 checkpoint mapping, and the causality check every frame predictor must pass."""
from __future__ import annotations

import numpy as np

# V-JEPA 2 (VJEPA2Model), VideoMAE (VideoMAEForPreTraining) and ViT (ViTModel) at 32 px.
VJEPA2 = dict(crop_size=32, frames_per_clip=16, patch_size=8, tubelet_size=2, hidden_size=64, num_attention_heads=4,
              num_hidden_layers=2, pred_hidden_size=32, pred_num_attention_heads=4, pred_num_hidden_layers=2,
              pred_num_mask_tokens=3)
VIDEOMAE = dict(image_size=32, patch_size=8, num_frames=16, tubelet_size=2, hidden_size=32, num_hidden_layers=2,
                num_attention_heads=4, intermediate_size=64, decoder_hidden_size=32, decoder_num_hidden_layers=1,
                decoder_num_attention_heads=4, decoder_intermediate_size=64, norm_pix_loss=True)
VIT = dict(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)


def random_clip(seed: int = 0, frames: int = 32) -> np.ndarray:
    """uint8 noise [frames, 40, 48, 3]: not square and not the models' size, so resizing is exercised."""
    return np.random.default_rng(seed).integers(0, 255, (frames, 40, 48, 3), dtype=np.uint8)


def to_original(model) -> dict:
    """The inverse of the documented mapping: what facebookresearch/vjepa2 saves."""
    import torch

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


def assert_causal(model, seed: int = 1) -> None:
    """Surprise at frames before 20 must not change when frames 20.. do; after, it must."""
    rng = np.random.default_rng(seed)
    clip = rng.integers(0, 255, (32, 64, 64, 3), dtype=np.uint8)
    changed = clip.copy()
    changed[20:] = rng.integers(0, 255, (12, 64, 64, 3), dtype=np.uint8)
    a, b = model.surprise(clip), model.surprise(changed)
    np.testing.assert_array_equal(a[:20], b[:20])
    assert not np.array_equal(a[20:], b[20:])
