"""Untrained nulls: networks with random weights, what an architecture "detects" before it has
learned anything. `conv-mlp` (the default) is a small conv encoder + latent predictor over the
last CONTEXT frames, the null every result is compared with (paired, per quadruplet); each
trained architecture also has its own untrained null (`untrained-jepa-frame`, ...), the
reference a trained model must beat to show that training, not the architecture, made the
difference (issue 10)."""
from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn

from .portable import SCORING_DTYPE
from .registry import TRAINABLE, network
from .world_model import net_surprise

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

    def __init__(self, seed: int = 0, architecture: str = "conv-mlp"):
        self.seed = int(seed)
        if architecture == "conv-mlp":
            self.version = f"1-seed{self.seed}"
            self.net = _Net()
            gen = torch.Generator().manual_seed(self.seed)
            with torch.no_grad():
                for p in self.net.parameters():  # explicit generator: independent of global RNG state
                    p.copy_(torch.randn(p.shape, generator=gen) * (1.0 / max(1, p[0].numel()) ** 0.5))
            self._surprise = self._conv_mlp_surprise
        else:
            if architecture not in TRAINABLE:
                raise ValueError(f"untrained-null: architecture must be conv-mlp or one of {', '.join(TRAINABLE)}, "
                                 f"not {architecture!r}")
            net_class = network(architecture)
            with torch.random.fork_rng(devices=[]):  # the architecture's own initialisation, seeded
                torch.manual_seed(self.seed)
                self.net = net_class(net_class.Config())
            self.version = f"{architecture}-seed{self.seed}"
            self._surprise = lambda clips: net_surprise(self.net, clips)
        self.architecture = architecture
        self.net.to(SCORING_DTYPE).eval()  # see models/portable.py
        digest = hashlib.sha256()
        for p in self.net.state_dict().values():
            digest.update(p.numpy().tobytes())
        self.weights_hash = digest.hexdigest()

    @torch.no_grad()
    def _conv_mlp_surprise(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        x = torch.from_numpy(np.stack(clips)).to(SCORING_DTYPE).div(255.0)  # [B, T, H, W, 3]
        B, T = x.shape[:2]
        z = self.net.norm(self.net.encoder(x.flatten(0, 1).permute(0, 3, 1, 2))).view(B, T, -1)
        windows = z.unfold(1, CONTEXT, 1)[:, : T - CONTEXT]  # [B, T-C, D, C]: frames t-C..t-1
        pred = self.net.predictor(windows.transpose(2, 3).flatten(2))
        err = (pred - z[:, CONTEXT:]).abs().mean(-1)
        out = np.full((B, T), np.nan)
        out[:, CONTEXT:] = err.numpy()
        return list(out)

    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        return self._surprise(clips)

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
