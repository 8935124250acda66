"""What the Hugging Face transformers adapters share: how local weights are loaded (strictly,
safetensors, never the hub) and the video transform.

Why strict: `from_pretrained` fills any tensor a checkpoint lacks with a fresh random one and
only logs a warning, so a truncated or mismatched checkpoint would be scored as if it were the
real model. Here any missing, unexpected or mis-shaped tensor is an error naming the folder.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from voebench.scenes.files import sha256_file

IMAGENET_MEAN = torch.tensor([0.485, 0.456, 0.406], dtype=torch.float64)
IMAGENET_STD = torch.tensor([0.229, 0.224, 0.225], dtype=torch.float64)


def folder_hash(folder: Path) -> str:
    """sha256 over the sha256s of a save_pretrained folder's safetensors files (sorted by name)."""
    files = sorted(Path(folder).glob("*.safetensors"))
    return hashlib.sha256("".join(sha256_file(f) for f in files).encode()).hexdigest()


def load_pretrained_strict(model_class, folder: str | Path, what: str):
    """`model_class.from_pretrained(folder)` from local safetensors only, refusing any checkpoint
    that does not fill the model exactly. Returns (model in eval mode, weights hash)."""
    folder = Path(folder)
    if not folder.is_dir() or not (folder / "config.json").exists():
        raise ValueError(f"{folder}: {what} expects a save_pretrained folder (config.json + *.safetensors)")
    if not list(folder.glob("*.safetensors")):
        raise ValueError(f"{folder}: no *.safetensors file; {what} loads safetensors only "
                         "(re-save with model.save_pretrained(folder))")
    model, info = model_class.from_pretrained(str(folder), local_files_only=True, use_safetensors=True,
                                              output_loading_info=True)
    problems = {k: list(v) for k, v in info.items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
    if problems:
        detail = "; ".join(f"{k.replace('_', ' ')} ({len(v)}): {', '.join(map(str, v[:4]))}" for k, v in problems.items())
        raise ValueError(f"{folder}: the weights do not fill {model_class.__name__} exactly — {detail}")
    return model.eval(), folder_hash(folder)


def video_transform(frames: np.ndarray, crop: int, resize: int) -> torch.Tensor:
    """uint8 [T, H, W, 3] -> float64 [T, 3, crop, crop]: short side to `resize`, centre crop,
    ImageNet normalisation (the evaluation transform of V-JEPA 2 and VideoMAE)."""
    x = torch.from_numpy(frames).double().div(255.0).permute(0, 3, 1, 2)  # cast after: see models/portable.py
    H, W = x.shape[-2:]
    scale = resize / min(H, W)
    x = F.interpolate(x, size=(max(resize, round(H * scale)), max(resize, round(W * scale))), mode="bilinear",
                      align_corners=False, antialias=True)
    top, left = (x.shape[-2] - crop) // 2, (x.shape[-1] - crop) // 2
    x = x[..., top:top + crop, left:left + crop]
    return (x - IMAGENET_MEAN[:, None, None]) / IMAGENET_STD[:, None, None]
