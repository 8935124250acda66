"""Network pieces shared by the models: a per-frame conv encoder, transformer blocks, causal
temporal predictors, the windowed surprise protocol, and the training helpers (SIGReg, block
masking, EMA). Small on purpose: everything trains on 2 CPU cores."""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class FrameEncoder(nn.Module):
    """uint8-range frames [N, H, W, 3] -> latents [N, dim]. The 4x4 feature grid is kept
    (flattened, not pooled) so the latent says *where* things are, not only what."""

    def __init__(self, dim: int = 128, width: int = 32, resolution: int = 64):
        super().__init__()
        w = width
        self.conv = nn.Sequential(
            nn.Conv2d(3, w, 5, stride=2, padding=2), nn.GELU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, 2 * w, 3, stride=2, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1), nn.GELU(),
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),
        )
        self.proj = nn.Linear(4 * w * 16, dim)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        x = frames.to(self.proj.weight.dtype).div(255.0).permute(0, 3, 1, 2) - 0.5
        return self.proj(self.conv(x))


def transformer_blocks(dim: int, depth: int, heads: int) -> nn.TransformerEncoder:
    """Pre-norm GELU transformer blocks, MLP 4x wide, no dropout."""
    layer = nn.TransformerEncoderLayer(dim, heads, 4 * dim, dropout=0.0, activation="gelu", batch_first=True,
                                       norm_first=True)
    return nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)


class CausalTransformer(nn.Module):
    """Latents [B, T, dim] -> outputs [B, T, dim]; output t sees inputs 0..t only."""

    def __init__(self, dim: int = 128, depth: int = 4, heads: int = 4, max_frames: int = 128):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, max_frames, dim))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = transformer_blocks(dim, depth, heads)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, dim)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        T = z.shape[1]
        causal = torch.triu(torch.full((T, T), float("-inf"), device=z.device, dtype=z.dtype), diagonal=1)
        return self.head(self.norm(self.blocks(z + self.pos[:, :T], mask=causal)))


class CausalGRU(nn.Module):
    """Latents [B, T, dim] -> outputs [B, T, dim] through a recurrent state: the alternative to
    attention for carrying a hidden object (its place and speed) across occluded frames."""

    def __init__(self, dim: int = 128, depth: int = 2, hidden: int = 256):
        super().__init__()
        self.inp = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden))
        self.gru = nn.GRU(hidden, hidden, depth, batch_first=True)
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, dim)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.gru(self.inp(z))[0]))


# The windowed surprise protocol of the V-JEPA-style models (vjepa-tubelet, vjepa2-hf), fixed
# before any evaluation: 16-frame windows, stride 2, the first 8 frames of a window are context.
WINDOW, CONTEXT, STRIDE = 16, 8, 2


def windowed_surprise(window_error, batch: int, frames: int, tubelet: int) -> torch.Tensor:
    """Per-frame surprise [batch, frames]: each frame after a window's context gets its tubelet's
    error (`window_error(start)` -> [batch, target tubelets] for the window starting there),
    averaged over the windows in which it is a target; frames never a target are NaN. Summed on
    the errors' device, in their precision (at least float32: half-precision sums drift)."""
    total = count = None
    for s in range(0, frames - WINDOW + 1, STRIDE):
        error = window_error(s)
        if error.dtype in (torch.float16, torch.bfloat16):
            error = error.float()
        if total is None:
            total, count = error.new_zeros(batch, frames), error.new_zeros(frames)
        total[:, s + CONTEXT:s + WINDOW] += error.repeat_interleave(tubelet, dim=1)
        count[s + CONTEXT:s + WINDOW] += 1
    if total is None:  # a clip shorter than one window: nothing to predict
        return torch.full((batch, frames), float("nan"), dtype=torch.float64)
    out = total / count.clamp_min(1)
    out[:, count == 0] = float("nan")
    return out


def sigreg(embeddings: torch.Tensor, directions: int = 256, knots: int = 17, generator=None) -> torch.Tensor:
    """SIGReg (LeJEPA): Epps-Pulley distance of random 1-D projections from N(0, 1), averaged
    over directions. Pushes embeddings [N, D] towards an isotropic Gaussian (no collapse)."""
    N, D = embeddings.shape
    u = torch.randn(D, directions, generator=generator, device=embeddings.device)
    u = u / u.norm(dim=0, keepdim=True)
    x = embeddings @ u  # [N, M]
    t = torch.linspace(0, 3, knots, device=embeddings.device)
    xt = x[:, :, None] * t  # [N, M, K]
    ecf_re, ecf_im = torch.cos(xt).mean(0), torch.sin(xt).mean(0)  # empirical characteristic function
    target = torch.exp(-t ** 2 / 2)
    err = ((ecf_re - target) ** 2 + ecf_im ** 2) * target
    return N * torch.trapezoid(err, t, dim=-1).mean()


def effective_rank(z: torch.Tensor) -> float:
    """exp(entropy of the normalised singular values): 1 for collapsed latents, up to dim."""
    s = torch.linalg.svdvals(z - z.mean(0, keepdim=True)).clamp_min(1e-12)
    p = s / s.sum()
    return float(torch.exp(-(p * p.log()).sum()))


def block_mask(batch: int, frames: int, prob: float, shortest: int, longest: int,
               rng: np.random.Generator, device: torch.device | str = "cpu") -> torch.Tensor:
    """[batch, frames] bool: for a share `prob` of clips, one run of k in [shortest, longest]
    frames whose inputs the predictor does not see (as if behind a screen)."""
    mask = torch.zeros(batch, frames, dtype=torch.bool)
    for b in range(batch):
        if rng.random() < prob:
            k = int(rng.integers(shortest, longest + 1))
            a = int(rng.integers(1, max(2, frames - k)))
            mask[b, a:a + k] = True
    return mask.to(device)


@torch.no_grad()
def ema_update(target: nn.Module, online: nn.Module, progress: float, start: float, end: float) -> None:
    """target <- m target + (1 - m) online, m rising from `start` to `end` on a cosine."""
    m = end - (end - start) * (math.cos(math.pi * progress) + 1) / 2
    for p_t, p in zip(target.parameters(), online.parameters()):
        p_t.mul_(m).add_(p.detach(), alpha=1 - m)
