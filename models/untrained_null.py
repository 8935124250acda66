"""Untrained null: a small latent predictor (conv frame encoder + causal predictor) with
random weights. Scored with several seeds it gives the chance distribution of effect sizes:
what an architecture "detects" before it has learned anything."""
from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn

CONTEXT = 4  # frames the predictor sees; the first CONTEXT frames get NaN


class _Net(nn.Module):
    def __init__(self, dim: int = 64):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.GELU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.GELU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.GELU(),
            nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(256, dim),
        )
        self.norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.predictor = nn.Sequential(nn.Linear(dim * CONTEXT, 128), nn.GELU(), nn.Linear(128, dim))


class UntrainedNull:
    name = "untrained-null"

    def __init__(self, seed: int = 0):
        self.seed = int(seed)
        self.version = f"1-seed{self.seed}"
        gen = torch.Generator().manual_seed(self.seed)
        self.net = _Net()
        with torch.no_grad():
            for p in self.net.parameters():  # explicit generator: independent of global RNG state
                p.copy_(torch.randn(p.shape, generator=gen) * (1.0 / max(1, p[0].numel()) ** 0.5))
        self.net.eval()
        digest = hashlib.sha256()
        for p in self.net.state_dict().values():
            digest.update(p.numpy().tobytes())
        self.weights_hash = digest.hexdigest()

    @torch.no_grad()
    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        x = torch.from_numpy(np.stack(clips)).float().div(255.0)  # [B, T, H, W, 3]
        B, T = x.shape[:2]
        z = self.net.norm(self.net.encoder(x.flatten(0, 1).permute(0, 3, 1, 2))).view(B, T, -1)
        windows = z.unfold(1, CONTEXT, 1)[:, : T - CONTEXT]  # [B, T-C, D, C]: frames t-C..t-1
        pred = self.net.predictor(windows.transpose(2, 3).flatten(2))
        err = (pred - z[:, CONTEXT:]).abs().mean(-1)
        out = np.full((B, T), np.nan)
        out[:, CONTEXT:] = err.numpy()
        return list(out)

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
