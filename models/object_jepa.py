"""object-jepa (issue 14): an object-centric latent world model that carries hidden objects
through occlusion.

Each frame is a set of object tokens (models/object_tokens.py: hand-built colour perception,
slots that keep their identity while the object is hidden) plus a scene token (where screens,
walls and shelves are). A token encoder maps each slot's features to a latent; an EMA copy of
it gives the targets (layer-normed), as in V-JEPA. The predictor alternates
  - attention along time within each slot, causal, over the slot's whole past (its memory:
    where the object was last seen and how it moved), and
  - attention across the slots and the scene token of one frame (contacts, screens, walls),
and predicts, for every slot, the target latent of the next frame and whether the object will
be visible then. Temporal block masking (3-8 frames whose object tokens the predictor does
not see) trains it to carry objects across gaps, as behind a screen.

Surprise at frame t+1 = the latent L1 error of the slots visible at t+1 + the visibility
cross-entropy of every slot (an expected object that does not come back, one that comes from
nothing), summed over slots. No pixel is reconstructed in the objective. Fixed before any test
scoring (development suite, seed 2026).

Ablations (issue 14), same budget: `object-jepa-nomemory` (the temporal attention sees the
current frame only) and `object-jepa-pixels` (the same predictor decodes the next frame's pixels
at 32x32; surprise = pixel error).
"""
from __future__ import annotations

import copy
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .nets import block_mask, effective_rank, ema_update
from .object_tokens import FEATURES, SCENE_FEATURES, SLOTS, clip_tokens, mirror
from .world_model import Network

PIXELS = 32  # side of the frames the pixel ablation predicts (64x64 renders pooled 2x2)


@dataclass
class ObjectJepaConfig:
    dim: int = 64
    depth: int = 3
    heads: int = 4
    memory: int = 0  # frames of a slot's past the temporal attention sees; 0 = all (1 = current frame only)
    target: str = "latent"  # latent | pixels (the generative ablation)
    visibility_weight: float = 1.0
    ema_start: float = 0.99
    ema_end: float = 0.999
    mask_prob: float = 0.6
    mask_min: int = 3
    mask_max: int = 8
    lr: float = 5e-4
    weight_decay: float = 0.05
    batch_size: int = 32


class _Block(nn.Module):
    """Attention along time within each slot (causal, optionally windowed), then across the
    tokens of one frame, then an MLP; pre-norm, residual."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.norm_t, self.norm_s, self.norm_m = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.time = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.slots = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, causal: torch.Tensor) -> torch.Tensor:
        B, T, S, D = x.shape
        h = x.transpose(1, 2).reshape(B * S, T, D)
        n = self.norm_t(h)
        h = h + self.time(n, n, n, attn_mask=causal, need_weights=False)[0]
        h = h.view(B, S, T, D).transpose(1, 2).reshape(B * T, S, D)
        n = self.norm_s(h)
        h = h + self.slots(n, n, n, need_weights=False)[0]
        h = h + self.mlp(self.norm_m(h))
        return h.view(B, T, S, D)


def _mlp(inp: int, dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inp, dim), nn.GELU(), nn.Linear(dim, dim))


def _tokens(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    slots, scene = clip_tokens(frames)
    T, H, W = frames.shape[:3]
    small = frames.reshape(T, PIXELS, H // PIXELS, PIXELS, W // PIXELS, 3).mean(axis=(2, 4)).round().astype(np.uint8)
    return slots, scene, small


def _stack(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, torch.Tensor]:
    """Per-clip token arrays -> a batch of tensors by name."""
    return {k: torch.from_numpy(np.stack([p[i] for p in parts])) for i, k in enumerate(("slots", "scene", "small"))}


class ObjectJepaNet(Network):
    name = "object-jepa"
    Config = ObjectJepaConfig

    def __init__(self, cfg: ObjectJepaConfig):
        super().__init__(cfg)
        if cfg.target not in ("latent", "pixels"):
            raise ValueError(f"{self.name}: target must be 'latent' or 'pixels', not {cfg.target!r}")
        d = cfg.dim
        self.encoder = _mlp(len(FEATURES), d)
        self.target_encoder = copy.deepcopy(self.encoder).requires_grad_(False)
        self.scene_encoder = _mlp(SCENE_FEATURES, d)
        self.time = nn.Linear(16, d)
        self.mask_token = nn.Parameter(torch.zeros(d))
        self.blocks = nn.ModuleList(_Block(d, cfg.heads) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(d)
        if cfg.target == "latent":
            self.latent_head = nn.Linear(d, d)
            self.visible_head = nn.Linear(d, 1)
        else:
            self.pixel_head = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, 3 * PIXELS * PIXELS))

    # -- data -------------------------------------------------------------------------------
    @staticmethod
    def prepare(clips: torch.Tensor, workers: int = 2, progress: bool = True) -> dict[str, torch.Tensor]:
        """Perception once for a training corpus: uint8 [N, T, H, W, 3] -> token tensors."""
        from tqdm import tqdm

        arrays = [c.numpy() for c in clips]
        with ProcessPoolExecutor(workers) as pool:
            out = list(tqdm(pool.map(_tokens, arrays, chunksize=16), total=len(arrays), desc="perceive",
                            unit="clip", disable=not progress))
        return _stack(out)

    @staticmethod
    def mirror(batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        slots, scene = mirror(batch["slots"], batch["scene"])
        return {"slots": slots, "scene": scene, "small": batch["small"].flip(3)}

    # -- network ----------------------------------------------------------------------------
    def _time(self, T: int, dtype) -> torch.Tensor:
        device = self.mask_token.device
        t = torch.arange(T, dtype=dtype, device=device)[:, None]
        freq = torch.exp(-math.log(100.0) * torch.arange(8, dtype=dtype, device=device) / 8)[None]
        return self.time(torch.cat([torch.sin(t * freq), torch.cos(t * freq)], dim=1))  # [T, d]

    def _predict(self, slots: torch.Tensor, scene: torch.Tensor, hide: torch.Tensor | None) -> torch.Tensor:
        """slots [B, T, S, F], scene [B, T, G] -> outputs [B, T, S + 1, d] (the last token is the scene)."""
        B, T = slots.shape[:2]
        dtype = self.mask_token.dtype
        z = self.encoder(slots.to(dtype))
        if hide is not None:  # masked frames: the predictor does not see the objects, only the scene
            z = torch.where(hide[:, :, None, None], self.mask_token.expand_as(z), z)
        x = torch.cat([z, self.scene_encoder(scene.to(dtype))[:, :, None]], dim=2) + self._time(T, dtype)[None, :, None]
        i = torch.arange(T, device=x.device)
        allowed = i[None, :] <= i[:, None]
        if self.cfg.memory > 0:
            allowed &= i[None, :] > i[:, None] - self.cfg.memory
        causal = torch.zeros(T, T, dtype=dtype, device=x.device).masked_fill(~allowed, float("-inf"))
        for block in self.blocks:
            x = block(x, causal)
        return self.norm(x)

    def _errors(self, out: torch.Tensor, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict]:
        """Per-clip, per-frame error of the predictions made at frames 0..T-2 for frames 1..T-1: [B, T-1]."""
        dtype = out.dtype
        if self.cfg.target == "pixels":
            B, T = out.shape[:2]
            pred = self.pixel_head(out[:, :-1].mean(dim=2)).view(B, T - 1, PIXELS, PIXELS, 3)
            real = batch["small"][:, 1:].to(dtype) / 255.0
            return (pred - real).pow(2).mean(dim=(2, 3, 4)), {}
        slots = batch["slots"].to(dtype)
        visible = slots[:, 1:, :, 0]
        with torch.no_grad():
            tgt = F.layer_norm(self.target_encoder(slots[:, 1:]), (self.cfg.dim,))
        obj = out[:, :-1, :SLOTS]
        latent = (self.latent_head(obj) - tgt).abs().mean(-1) * visible  # [B, T-1, S]
        vis = F.binary_cross_entropy_with_logits(self.visible_head(obj)[..., 0], visible, reduction="none")
        err = latent.sum(-1) + self.cfg.visibility_weight * vis.sum(-1)
        return err, {"latent": float(latent.detach().sum(-1).mean()), "visibility": float(vis.detach().sum(-1).mean()),
                     "target_std": float(tgt.detach()[visible > 0].std(0).mean()) if visible.any() else 0.0}

    def loss(self, batch: dict[str, torch.Tensor], progress: float, rng: np.random.Generator):
        cfg = self.cfg
        B, T = batch["slots"].shape[:2]
        hide = block_mask(B, T, cfg.mask_prob, cfg.mask_min, cfg.mask_max, rng, batch["slots"].device)
        out = self._predict(batch["slots"], batch["scene"], hide)
        err, stats = self._errors(out, batch)
        seen = batch["slots"][..., 0] > 0
        z = self.encoder(batch["slots"][seen][:256].to(self.mask_token.dtype)).detach()
        stats["rank"] = effective_rank(z) if len(z) > 1 else 0.0
        return err.mean(), stats

    def after_step(self, progress: float) -> None:
        ema_update(self.target_encoder, self.encoder, progress, self.cfg.ema_start, self.cfg.ema_end)

    @torch.no_grad()
    def surprise(self, frames: torch.Tensor) -> torch.Tensor:
        """frames uint8 [B, T, H, W, 3] -> [B, T] prediction error (NaN at frame 0)."""
        # perception runs on the CPU (numpy); the network wherever its weights are
        device = self.mask_token.device
        batch = {k: v.to(device) for k, v in _stack([_tokens(f) for f in frames.cpu().numpy()]).items()}
        out = self._predict(batch["slots"], batch["scene"], None)
        err, _ = self._errors(out, batch)
        result = torch.full(err.shape[:1] + (err.shape[1] + 1,), float("nan"), dtype=err.dtype, device=err.device)
        result[:, 1:] = err
        return result


@dataclass
class NoMemoryConfig(ObjectJepaConfig):
    memory: int = 1


class ObjectJepaNoMemoryNet(ObjectJepaNet):
    """Ablation: object-jepa whose temporal attention sees only the current frame, so nothing
    is remembered about an object once it is hidden."""

    name = "object-jepa-nomemory"
    Config = NoMemoryConfig


@dataclass
class PixelsConfig(ObjectJepaConfig):
    target: str = "pixels"


class ObjectJepaPixelsNet(ObjectJepaNet):
    """Ablation: object-jepa predicting the next frame's pixels instead of latents."""

    name = "object-jepa-pixels"
    Config = PixelsConfig
