"""vjepa-tubelet: closer to V-JEPA. Tubelet patches (2 frames x 16 x 16 px), a ViT encoder,
and a predictor that maps context tokens plus positioned mask tokens to the tokens of the
future; targets from an EMA encoder, L1 to layer-normed targets.

Surprise protocol, fixed before any evaluation: sliding 16-frame windows with stride 2; the
first 8 frames of a window are context, encoded alone (the future never leaks into context
tokens); each later frame's surprise is the L1 error of its tubelet's tokens, averaged over
the windows in which it is a target. A clip's first 8 frames are never targets (NaN).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .nets import CONTEXT, WINDOW, effective_rank, ema_update, transformer_blocks, windowed_surprise
from .world_model import Network


@dataclass
class VJepaTubeletConfig:
    dim: int = 128
    depth: int = 4
    heads: int = 4
    pred_dim: int = 96
    pred_depth: int = 2
    tubelet: int = 2
    patch: int = 16
    resolution: int = 64
    ema_start: float = 0.99
    ema_end: float = 0.999
    lr: float = 5e-4
    weight_decay: float = 0.05
    batch_size: int = 16


class TubeletEncoder(nn.Module):
    def __init__(self, cfg: VJepaTubeletConfig):
        super().__init__()
        self.cfg = cfg
        grid = (cfg.resolution // cfg.patch) ** 2
        self.embed = nn.Conv3d(3, cfg.dim, (cfg.tubelet, cfg.patch, cfg.patch), stride=(cfg.tubelet, cfg.patch, cfg.patch))
        self.pos = nn.Parameter(torch.randn(1, WINDOW // cfg.tubelet, grid, cfg.dim) * 0.02)
        self.blocks = transformer_blocks(cfg.dim, cfg.depth, cfg.heads)
        self.norm = nn.LayerNorm(cfg.dim)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """uint8 [B, T, H, W, 3] (T a multiple of the tubelet) -> tokens [B, T/t, grid, dim]."""
        x = frames.to(self.embed.weight.dtype).div(255.0).permute(0, 4, 1, 2, 3) - 0.5
        x = self.embed(x).flatten(3).permute(0, 2, 3, 1)  # [B, t, grid, dim]
        t = x.shape[1]
        x = x + self.pos[:, :t]
        return self.norm(self.blocks(x.flatten(1, 2))).view_as(x)


class VJepaTubeletNet(Network):
    name = "vjepa-tubelet"
    Config = VJepaTubeletConfig

    def __init__(self, cfg: VJepaTubeletConfig):
        super().__init__(cfg)
        self.encoder = TubeletEncoder(cfg)
        self.target_encoder = copy.deepcopy(self.encoder).requires_grad_(False)
        grid = (cfg.resolution // cfg.patch) ** 2
        self.pred_in = nn.Linear(cfg.dim, cfg.pred_dim)
        self.pred_pos = nn.Parameter(torch.randn(1, WINDOW // cfg.tubelet, grid, cfg.pred_dim) * 0.02)
        self.mask_token = nn.Parameter(torch.zeros(cfg.pred_dim))
        self.pred_blocks = transformer_blocks(cfg.pred_dim, cfg.pred_depth, 4)
        self.pred_out = nn.Sequential(nn.LayerNorm(cfg.pred_dim), nn.Linear(cfg.pred_dim, cfg.dim))

    def predict(self, window: torch.Tensor, context_frames: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(predicted, target) tokens of the frames after the context, [B, t_target, grid, dim].
        The encoder sees the context frames only: nothing after them reaches the predictor."""
        c = context_frames // self.cfg.tubelet
        ctx = self.encoder(window[:, :context_frames])  # [B, c, grid, D]
        B, _, G, _ = ctx.shape
        t_total = window.shape[1] // self.cfg.tubelet
        x_ctx = self.pred_in(ctx) + self.pred_pos[:, :c]
        x_tgt = self.mask_token.expand(B, t_total - c, G, -1) + self.pred_pos[:, c:t_total]
        x = torch.cat([x_ctx, x_tgt], 1).flatten(1, 2)
        out = self.pred_out(self.pred_blocks(x)).view(B, t_total, G, -1)[:, c:]
        with torch.no_grad():
            tgt = self.target_encoder(window)[:, c:]
            tgt = F.layer_norm(tgt, (tgt.shape[-1],))
        return out, tgt

    def loss(self, frames: torch.Tensor, progress: float, rng: np.random.Generator):
        T = frames.shape[1]
        start = int(rng.integers(0, (T - WINDOW) // self.cfg.tubelet + 1)) * self.cfg.tubelet
        window = frames[:, start:start + WINDOW]
        context = int(rng.integers(1, WINDOW // self.cfg.tubelet)) * self.cfg.tubelet  # 2..14 frames
        pred, tgt = self.predict(window, context)
        loss = (pred - tgt).abs().mean()
        with torch.no_grad():
            z = self.encoder(window[:, :context]).mean(2).flatten(0, 1)
        return loss, {"pred": loss.item(), "std": float(z.std(0).mean()), "rank": effective_rank(z)}

    def after_step(self, progress: float) -> None:
        ema_update(self.target_encoder, self.encoder, progress, self.cfg.ema_start, self.cfg.ema_end)

    @torch.no_grad()
    def surprise(self, frames: torch.Tensor) -> torch.Tensor:
        def window_error(s: int) -> torch.Tensor:  # [B, tubelets after the context]
            pred, tgt = self.predict(frames[:, s:s + WINDOW], CONTEXT)
            return (pred - tgt).abs().mean(dim=(2, 3))

        return windowed_surprise(window_error, frames.shape[0], frames.shape[1], self.cfg.tubelet)
