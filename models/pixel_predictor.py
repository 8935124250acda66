"""pixel-predictor: the generative baseline. The jepa-frame backbone (conv encoder + causal
transformer) with a decoder: it predicts the next frame's pixels; surprise is the pixel
prediction error. Same data, same budget, same block masking as jepa-frame, so a difference
between the two is a difference of prediction space."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .nets import CausalTransformer, FrameEncoder, block_mask
from .world_model import Network


@dataclass
class PixelPredictorConfig:
    dim: int = 128
    width: int = 32
    depth: int = 4
    heads: int = 4
    mask_prob: float = 0.6
    mask_min: int = 3
    mask_max: int = 8
    lr: float = 6e-4
    weight_decay: float = 0.05
    batch_size: int = 16


class FrameDecoder(nn.Module):
    """latents [N, dim] -> frames in [0, 1], [N, 64, 64, 3]."""

    def __init__(self, dim: int, width: int):
        super().__init__()
        w = width
        self.w = w
        self.fc = nn.Linear(dim, 4 * w * 16)
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(4 * w, 2 * w, 4, stride=2, padding=1), nn.GELU(),  # 8
            nn.ConvTranspose2d(2 * w, 2 * w, 4, stride=2, padding=1), nn.GELU(),  # 16
            nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1), nn.GELU(),  # 32
            nn.ConvTranspose2d(w, 3, 4, stride=2, padding=1), nn.Sigmoid(),  # 64
        )

    def forward(self, z):
        x = self.fc(z).view(-1, 4 * self.w, 4, 4)
        return self.deconv(x).permute(0, 2, 3, 1)


class PixelPredictorNet(Network):
    name = "pixel-predictor"
    Config = PixelPredictorConfig

    def __init__(self, cfg: PixelPredictorConfig):
        super().__init__(cfg)
        self.encoder = FrameEncoder(cfg.dim, cfg.width)
        self.predictor = CausalTransformer(cfg.dim, cfg.depth, cfg.heads)
        self.decoder = FrameDecoder(cfg.dim, cfg.width)
        self.mask_token = nn.Parameter(torch.zeros(cfg.dim))

    def _predict(self, frames: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        B, T, H, W, _ = frames.shape
        if (H, W) != (64, 64):
            raise ValueError(f"pixel-predictor decodes 64x64 frames, got {H}x{W}")
        z = self.encoder(frames.flatten(0, 1)).view(B, T, -1)
        if mask is not None:
            z = torch.where(mask[..., None], self.mask_token.expand_as(z), z)
        pred = self.predictor(z)[:, :-1]
        return self.decoder(pred.flatten(0, 1)).view(B, T - 1, H, W, 3)

    def loss(self, frames: torch.Tensor, progress: float, rng: np.random.Generator):
        cfg = self.cfg
        mask = block_mask(*frames.shape[:2], cfg.mask_prob, cfg.mask_min, cfg.mask_max, rng, frames.device)
        pred = self._predict(frames, mask)
        err = (pred - frames[:, 1:].float() / 255.0).abs().mean()
        return err, {"pixel_l1": err.item()}

    @torch.no_grad()
    def surprise(self, frames: torch.Tensor) -> torch.Tensor:
        pred = self._predict(frames)
        out = torch.full(frames.shape[:2], float("nan"), dtype=pred.dtype, device=pred.device)
        out[:, 1:] = (pred - frames[:, 1:].to(pred.dtype) / 255.0).abs().mean(dim=(2, 3, 4))
        return out
