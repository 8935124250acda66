"""image-trajectory-hf: a "no world model" control — a frozen image encoder and no predictor.

Each frame is encoded alone by any transformers image backbone from a local folder (ViT, DINOv2,
ConvNeXt, ResNet, ...); surprise is a statistic of the trajectory the clip traces through that
feature space. Nothing is learned about time, so whatever this control scores is what per-frame
appearance and its rate of change give away; trajectory statistics of frozen features are
reported to reach ~93 % on IntPhys 2, which is why a world model should be read beside it.

Statistics (chosen with `--model-arg statistic=...`, fixed before any scoring), on unit-norm
features f_t with steps d_t = f_t - f_(t-1):
- `acceleration` (default): |d_t - d_(t-1)|, the departure from the straight, steady path the
  last step set — it grows with a change of speed and with a turn (NaN for frames 0 and 1);
- `speed`: |d_t| (NaN for frame 0);
- `curvature`: the angle between d_(t-1) and d_t in radians, 0 where either step is zero
  (NaN for frames 0 and 1).

Preprocessing follows the folder's preprocessor_config.json (size, mean, std) when it has one,
else ImageNet statistics at the model's image_size (224 if it has none).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .device import resolve_device, resolve_dtype
from .hf_common import IMAGENET_MEAN, IMAGENET_STD, load_pretrained_strict

STATISTICS = ("acceleration", "speed", "curvature")
FRAME_BATCH = 64  # frames per encoder call: bounds memory for large backbones


def _preprocessing(folder: Path, config) -> tuple[int, torch.Tensor, torch.Tensor]:
    """(square input size, mean, std) from preprocessor_config.json, else the model's defaults."""
    size = getattr(config, "image_size", None) or 224
    mean, std = IMAGENET_MEAN, IMAGENET_STD
    path = folder / "preprocessor_config.json"
    if path.exists():
        spec = json.loads(path.read_text())
        crop = spec.get("crop_size") if spec.get("do_center_crop", True) else None
        given = crop or spec.get("size")
        if isinstance(given, dict):
            given = given.get("height") or given.get("shortest_edge")
        size = int(given or size)
        mean = torch.tensor(spec.get("image_mean", mean.tolist()), dtype=torch.float64)
        std = torch.tensor(spec.get("image_std", std.tolist()), dtype=torch.float64)
    size = size[0] if isinstance(size, (list, tuple)) else int(size)
    return size, mean, std


def trajectory(features: torch.Tensor, statistic: str) -> torch.Tensor:
    """Per-frame surprise [B, T] from features [B, T, D] (normalised here)."""
    f = F.normalize(features, dim=-1)
    d = f[:, 1:] - f[:, :-1]  # [B, T-1, D]
    out = torch.full(f.shape[:2], float("nan"), dtype=f.dtype, device=f.device)
    if statistic == "speed":
        out[:, 1:] = d.norm(dim=-1)
    elif statistic == "acceleration":
        out[:, 2:] = (d[:, 1:] - d[:, :-1]).norm(dim=-1)
    else:
        a, b = d[:, :-1], d[:, 1:]
        na, nb = a.norm(dim=-1), b.norm(dim=-1)
        cos = (a * b).sum(-1) / (na * nb).clamp_min(1e-30)
        angle = torch.arccos(cos.clamp(-1.0, 1.0))
        out[:, 2:] = torch.where((na > 1e-9) & (nb > 1e-9), angle, torch.zeros_like(angle))
    return out


class ImageTrajectoryHF:
    name = "image-trajectory-hf"

    def __init__(self, weights: str, statistic: str = "acceleration", dtype: str = "auto", device: str = "cpu"):
        from transformers import AutoModel

        if statistic not in STATISTICS:
            raise ValueError(f"image-trajectory-hf: statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}")
        self.statistic = statistic
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.version = f"1-{statistic}-{str(self.dtype).replace('torch.', '')}"
        self.model, self.weights_hash = load_pretrained_strict(AutoModel, weights, self.name)
        self.model.to(device=self.device, dtype=self.dtype)
        self.size, self.mean, self.std = _preprocessing(Path(weights), self.model.config)

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> torch.Tensor:
        """[N, 3, size, size] normalised -> [N, D]: the pooled output if the backbone has one,
        else the mean over its tokens (transformers) or its spatial map (conv nets)."""
        out = self.model(pixel_values=images)
        pooled = getattr(out, "pooler_output", None)
        if pooled is not None:
            return pooled.flatten(1)
        hidden = out.last_hidden_state
        return hidden.mean(dim=1) if hidden.dim() == 3 else hidden.flatten(2).mean(-1)

    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        x = torch.from_numpy(np.stack(clips)).double().div(255.0)  # [B, T, H, W, 3]; cast after: models/portable.py
        B, T = x.shape[:2]
        x = x.flatten(0, 1).permute(0, 3, 1, 2)
        x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False, antialias=True)
        x = (x - self.mean[:, None, None]) / self.std[:, None, None]
        feats = torch.cat([self.features(x[i:i + FRAME_BATCH].to(self.device, self.dtype))
                           for i in range(0, len(x), FRAME_BATCH)])
        out = trajectory(feats.view(B, T, -1).double(), self.statistic)
        return list(out.cpu().numpy())

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
