"""vjepa2-hf: real V-JEPA 2 weights through Hugging Face transformers' VJEPA2Model.

--weights is a local `save_pretrained` folder (loaded with local_files_only=True: never the
hub) or an original V-JEPA 2 `.pt` checkpoint, read with torch.load(weights_only=True) and
converted (a `config.json` with VJEPA2Config fields beside it sets the architecture; without
one it is inferred from the tensor shapes).

Leak-free surprise: one HF forward runs the encoder over the whole clip, so the future would
leak into the context tokens. Here the encoder sees the context frames alone; the predictor
gets those tokens and positioned mask tokens for the rest; targets are the layer-normed
encoder tokens of the full window. Same fixed protocol as vjepa-tubelet: 16-frame windows,
stride 2, 8 context frames, per-frame surprise = L1 over the tokens of its tubelet.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from voebench.scenes.files import sha256_file

from .device import resolve_device, resolve_dtype
from .hf_common import load_pretrained_strict, video_transform
from .nets import CONTEXT, WINDOW, windowed_surprise

ENCODER_HEADS = {768: 12, 1024: 16, 1280: 16, 1408: 22}
PREDICTOR_HEADS = {384: 12}
# The released V-JEPA 2 sizes (facebookresearch/vjepa2: vit_large / vit_huge / vit_giant, patch 16,
# tubelet 2; every size shares the 12-layer, 384-wide predictor). A preset sets the architecture
# of an original .pt checkpoint that has no config.json beside it, and builds random-weight
# models of the real size for timing (benchmarks/gpu_check.sh).
_PREDICTOR = dict(pred_hidden_size=384, pred_num_hidden_layers=12, pred_num_attention_heads=12, pred_num_mask_tokens=10)
PRESETS = {
    "vitl": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, mlp_ratio=4.0, crop_size=256),
    "vith": dict(hidden_size=1280, num_hidden_layers=32, num_attention_heads=16, mlp_ratio=4.0, crop_size=256),
    "vitg": dict(hidden_size=1408, num_hidden_layers=40, num_attention_heads=22, mlp_ratio=48 / 11, crop_size=256),
    "vitg-384": dict(hidden_size=1408, num_hidden_layers=40, num_attention_heads=22, mlp_ratio=48 / 11, crop_size=384),
}
PRESETS = {k: dict(v, patch_size=16, tubelet_size=2, frames_per_clip=64, **_PREDICTOR) for k, v in PRESETS.items()}


def preset_config(preset: str):
    from transformers import VJEPA2Config

    if preset not in PRESETS:
        raise ValueError(f"unknown V-JEPA 2 preset {preset!r}; one of {', '.join(PRESETS)}")
    return VJEPA2Config(**PRESETS[preset])


def _split_qkv(prefix_in: str, prefix_out: str, tensor: torch.Tensor, out: dict) -> None:
    for name, part in zip(("query", "key", "value"), tensor.chunk(3, dim=0)):
        out[f"{prefix_out}.{name}.{prefix_in}"] = part.clone()


def convert_original(state: dict) -> tuple[dict, dict]:
    """Original V-JEPA 2 checkpoint dict -> (HF state dict, VJEPA2Config kwargs inferred)."""
    enc = state.get("target_encoder") or state.get("encoder")
    pred = state.get("predictor")
    if enc is None or pred is None:
        raise ValueError("not an original V-JEPA 2 checkpoint: needs 'target_encoder' (or 'encoder') and 'predictor'")
    strip = lambda d: {re.sub(r"^(module\.)?(backbone\.)?", "", k): v for k, v in d.items()}
    enc, pred = strip(enc), strip(pred)
    out = {}

    def block(src: str, dst: str, d: dict):
        for k, v in d.items():
            m = re.match(rf"^{src}\.(\d+)\.(.*)$", k)
            if not m:
                continue
            i, rest = m.groups()
            if rest.startswith("attn.qkv."):
                _split_qkv(rest.split(".")[-1], f"{dst}.{i}.attention", v, out)
            else:
                out[f"{dst}.{i}.{rest.replace('attn.', 'attention.')}"] = v
    block("blocks", "encoder.layer", enc)
    for k, v in enc.items():
        if k.startswith("patch_embed."):
            out["encoder.embeddings.patch_embeddings." + k[len("patch_embed."):]] = v
        elif k.startswith("norm."):
            out["encoder.layernorm." + k[len("norm."):]] = v
    block("predictor_blocks", "predictor.layer", pred)
    masks = sorted((int(k.split(".")[1]), v) for k, v in pred.items() if k.startswith("mask_tokens."))
    if masks:
        out["predictor.embeddings.mask_tokens"] = torch.stack([v.reshape(1, 1, -1) for _, v in masks])
    for k, v in pred.items():
        for a, b in (("predictor_embed.", "predictor.embeddings.predictor_embeddings."),
                     ("predictor_norm.", "predictor.layernorm."), ("predictor_proj.", "predictor.proj.")):
            if k.startswith(a):
                out[b + k[len(a):]] = v
    w = out["encoder.embeddings.patch_embeddings.proj.weight"]  # [D, 3, t, p, p]
    hidden, pred_hidden = w.shape[0], out["predictor.embeddings.predictor_embeddings.weight"].shape[0]
    config = {
        "hidden_size": hidden, "tubelet_size": w.shape[2], "patch_size": w.shape[3],
        "num_hidden_layers": 1 + max(int(k.split(".")[2]) for k in out if k.startswith("encoder.layer.")),
        "num_attention_heads": ENCODER_HEADS.get(hidden, hidden // 64),
        "mlp_ratio": out["encoder.layer.0.mlp.fc1.weight"].shape[0] / hidden,
        "pred_hidden_size": pred_hidden,
        "pred_num_hidden_layers": 1 + max(int(k.split(".")[2]) for k in out if k.startswith("predictor.layer.")),
        "pred_num_attention_heads": PREDICTOR_HEADS.get(pred_hidden, max(1, pred_hidden // 32)),
        "pred_num_mask_tokens": max(1, len(masks)),
    }
    return out, config


def load_vjepa2(weights: str | Path, preset: str | None = None):
    """(VJEPA2Model, weights hash) from a save_pretrained folder or an original .pt checkpoint;
    strict either way: a checkpoint that does not fill every tensor is refused."""
    from transformers import VJEPA2Config, VJEPA2Model

    path = Path(weights)
    if path.is_dir():
        if preset is not None:
            raise ValueError(f"{path}: a save_pretrained folder carries its own config.json; drop preset={preset}")
        return load_pretrained_strict(VJEPA2Model, path, "vjepa2-hf")
    if path.suffix not in (".pt", ".pth"):
        raise ValueError(f"{path}: expected a save_pretrained folder or an original V-JEPA 2 .pt checkpoint")
    state = torch.load(path, map_location="cpu", weights_only=True)  # refuses code-carrying pickles
    hf_state, inferred = convert_original(state)
    beside = path.with_name("config.json")
    if preset is not None:
        config = preset_config(preset)
    else:
        config = VJEPA2Config(**(json.loads(beside.read_text()) if beside.exists() else inferred))
    model = VJEPA2Model(config)
    try:
        missing, unexpected = model.load_state_dict(hf_state, strict=False)
    except RuntimeError as e:  # a tensor of the wrong shape
        raise ValueError(f"{path}: converted weights do not fit VJEPA2Model: {str(e)[:300]}") from None
    if missing or unexpected:
        raise ValueError(f"{path}: converted weights do not fit VJEPA2Model (missing {len(missing)}: {missing[:4]}, "
                         f"unexpected {len(unexpected)}: {unexpected[:4]})")
    return model.eval(), sha256_file(path)


def preprocess(frames: np.ndarray, crop: int) -> torch.Tensor:
    """uint8 [T, H, W, 3] -> float64 [T, 3, crop, crop]: short side to crop*256/224, centre crop,
    ImageNet normalisation (the V-JEPA 2 evaluation transform)."""
    return video_transform(frames, crop, int(round(crop * 256 / 224)))


class VJEPA2HF:
    name = "vjepa2-hf"

    def __init__(self, weights: str, dtype: str = "auto", device: str = "cpu", preset: str | None = None):
        # float64 on the CPU by default, as every built-in model (models/portable.py): decisions that
        # do not change with the CPU. float32 is faster; its decisions may differ between machines.
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        # scores of different precisions are cached apart; CPU float64 keeps the old version string
        self.version = f"2-{str(self.dtype).replace('torch.', '')}"
        self.model, self.weights_hash = load_vjepa2(weights, preset)
        self.model.to(device=self.device, dtype=self.dtype)
        cfg = self.model.config
        self.crop, self.tubelet = cfg.crop_size, cfg.tubelet_size
        self.grid = (cfg.crop_size // cfg.patch_size) ** 2

    @torch.no_grad()
    def window_prediction(self, window: torch.Tensor, context: int = CONTEXT):
        """(predicted, target) tokens after the context for one window [B, T, 3, H, W]."""
        n_ctx = context // self.tubelet * self.grid
        n_all = window.shape[1] // self.tubelet * self.grid
        ctx = self.model.encoder(pixel_values_videos=window[:, :context]).last_hidden_state  # context alone
        B = window.shape[0]
        ctx_mask = [torch.arange(n_ctx, device=window.device).unsqueeze(0).repeat(B, 1)]
        tgt_mask = [torch.arange(n_ctx, n_all, device=window.device).unsqueeze(0).repeat(B, 1)]
        pred = self.model.predictor(encoder_hidden_states=ctx, context_mask=ctx_mask, target_mask=tgt_mask).last_hidden_state
        full = self.model.encoder(pixel_values_videos=window).last_hidden_state[:, n_ctx:]
        return pred, F.layer_norm(full, (full.shape[-1],))

    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        x = torch.stack([preprocess(c, self.crop) for c in clips]).to(self.device, self.dtype)  # [B, T, 3, crop, crop]
        B, T = x.shape[:2]

        def window_error(s: int) -> torch.Tensor:  # [B, tubelets after the context]
            pred, tgt = self.window_prediction(x[:, s:s + WINDOW])
            return (pred - tgt).abs().mean(-1).view(B, -1, self.grid).mean(-1)

        return list(windowed_surprise(window_error, B, T, self.tubelet).double().cpu().numpy())

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
