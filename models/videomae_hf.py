"""videomae-hf: VideoMAE (Tong et al. 2022) through transformers' VideoMAEForPreTraining, from
local weights — the generative counterpart of V-JEPA that the benchmark contrasts it with:
surprise is an error in *pixels*, not in a learned latent space.

Protocol (fixed before any scoring, the same windows as vjepa2-hf and vjepa-tubelet): 16-frame
windows, stride 2; in each, the tubelets of the first 8 frames are visible and every tubelet
after them is masked. VideoMAE's encoder drops masked tokens before its first layer, so the
future cannot leak into the context; the decoder reconstructs the masked tubelets. A frame's
surprise is the mean squared error of its tubelet's patches against the target VideoMAE was
trained on (per-patch normalised pixels when `norm_pix_loss`, as in the released checkpoints),
averaged over the windows in which it is a target.

--weights is a `save_pretrained` folder of a VideoMAEForPreTraining checkpoint (safetensors),
loaded strictly: a fine-tuned classifier or a truncated file is refused, not silently filled
with random decoder weights.
"""
from __future__ import annotations

import numpy as np
import torch

from .device import resolve_device, resolve_dtype
from .hf_common import IMAGENET_MEAN, IMAGENET_STD, load_pretrained_strict, video_transform
from .nets import CONTEXT, WINDOW, windowed_surprise


def patch_targets(pixels: torch.Tensor, tubelet: int, patch: int, normalise: bool) -> torch.Tensor:
    """[B, T, 3, H, W] in [0, 1] -> [B, tubelets, tubelet*patch*patch*3]: VideoMAE's targets,
    in its token order (time, then rows, then columns) and its channel-last patch layout."""
    B, T, C, H, W = pixels.shape
    x = pixels.view(B, T // tubelet, tubelet, C, H // patch, patch, W // patch, patch)
    x = x.permute(0, 1, 4, 6, 2, 5, 7, 3).reshape(B, -1, tubelet * patch * patch, C)
    if normalise:  # per patch and channel, unbiased variance, as VideoMAE trains
        x = (x - x.mean(dim=-2, keepdim=True)) / (x.var(dim=-2, unbiased=True, keepdim=True).sqrt() + 1e-6)
    return x.reshape(B, x.shape[1], -1)


class VideoMAEHF:
    name = "videomae-hf"

    def __init__(self, weights: str, dtype: str = "auto", device: str = "cpu"):
        from transformers import VideoMAEForPreTraining

        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.version = f"1-{str(self.dtype).replace('torch.', '')}"  # precisions are cached apart
        self.model, self.weights_hash = load_pretrained_strict(VideoMAEForPreTraining, weights, self.name)
        cfg = self.model.config
        if cfg.num_frames != WINDOW:
            raise ValueError(f"{weights}: VideoMAE with num_frames={cfg.num_frames}; the protocol scores "
                             f"{WINDOW}-frame windows (the released checkpoints use 16)")
        if cfg.num_channels != 3:
            raise ValueError(f"{weights}: VideoMAE with {cfg.num_channels} channels; frames are RGB")
        self.model.to(device=self.device, dtype=self.dtype)
        self.crop, self.tubelet, self.patch = cfg.image_size, cfg.tubelet_size, cfg.patch_size
        self.grid = (cfg.image_size // cfg.patch_size) ** 2
        self.normalise = cfg.norm_pix_loss

    @torch.no_grad()
    def window_error(self, window: torch.Tensor) -> torch.Tensor:
        """One window [B, 16, 3, crop, crop] (ImageNet-normalised) -> [B, tubelets after the
        context]: the reconstruction error of each masked future tubelet, over its patches."""
        B = window.shape[0]
        tubelets = WINDOW // self.tubelet
        future = (torch.arange(tubelets, device=window.device) >= CONTEXT // self.tubelet)
        masked = future.repeat_interleave(self.grid)[None].expand(B, -1)  # [B, tokens]
        logits = self.model(pixel_values=window, bool_masked_pos=masked).logits  # [B, masked tokens, D]
        mean = IMAGENET_MEAN.to(window)[:, None, None]
        std = IMAGENET_STD.to(window)[:, None, None]
        targets = patch_targets(window * std + mean, self.tubelet, self.patch, self.normalise)[masked].view(B, -1, logits.shape[-1])
        return (logits - targets).pow(2).mean(-1).view(B, -1, self.grid).mean(-1)

    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        x = torch.stack([video_transform(c, self.crop, self.crop) for c in clips]).to(self.device, self.dtype)
        B, T = x.shape[:2]
        out = windowed_surprise(lambda s: self.window_error(x[:, s:s + WINDOW]), B, T, self.tubelet)
        return list(out.double().cpu().numpy())

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
