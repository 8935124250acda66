"""What every world model trained here shares (kind "world model" in models/registry.py; models/train.py
trains them).

`Network`: what every trainable network has besides its own layers — a name, a config
dataclass, `loss` for training, `surprise` for scoring. `TrainedModel`: the protocol side of
any such network: load a safetensors checkpoint (the shipped one under models/checkpoints/ by
default, sha256-checked against its model card) and turn the network's batched surprise into
the per-clip protocol. A world model's file holds its Config and its Network, nothing else.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torch import nn
from voebench.scenes.files import sha256_file

from .checkpoint import CheckpointError, load, read_card
from .device import resolve_device, resolve_dtype

CHECKPOINT_DIR = Path(__file__).parent / "checkpoints"


def net_surprise(net, clips: list[np.ndarray], device: torch.device | str = "cpu") -> list[np.ndarray]:
    """A network's batched surprise ([B, T] tensor) as the protocol's per-clip float64 arrays."""
    with torch.no_grad():
        out = net.surprise(torch.from_numpy(np.stack(clips)).to(device))
    return list(out.double().cpu().numpy())


class Network(nn.Module):
    """Base of a trainable world model: subclasses set `name` and `Config` (a dataclass of
    hyperparameters, recorded in every checkpoint) and define

        loss(frames uint8 [B, T, H, W, 3], progress in [0, 1], rng) -> (loss, stats dict)
        surprise(frames uint8 [B, T, H, W, 3]) -> [B, T] (NaN where it cannot predict)
    """

    name = ""
    Config = None

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg

    def after_step(self, progress: float) -> None:
        """Called after each optimiser step (EMA targets update here)."""

    @staticmethod
    def prepare(clips: torch.Tensor, workers: int = 2, progress: bool = True):
        """What training batches are drawn from: the clips themselves, or (a model with fixed
        perception) what it perceives in them, computed once for the corpus."""
        return clips

    @staticmethod
    def mirror(batch):
        """The batch mirrored left-right (physics is symmetric): a training augmentation."""
        return batch.flip(3)

    def config_dict(self) -> dict:
        return asdict(self.cfg)


class TrainedModel:
    """A world model behind the protocol: `TrainedModel(JepaFrameNet)` scores with the shipped
    checkpoint, `TrainedModel(JepaFrameNet, weights=FILE_OR_DIR)` with another; `device` and
    `dtype` as in models/hf_common.py (default: CPU, float64)."""

    def __init__(self, net_class: type[Network], weights: str | None = None, device: str = "cpu",
                 dtype: str = "auto"):
        self.name = net_class.name
        self.net_class = net_class
        shipped = weights is None
        path = CHECKPOINT_DIR / f"{self.name}.safetensors" if shipped else Path(weights)
        if path.is_dir():
            path = path / f"{self.name}.safetensors"
        if shipped and not path.exists():
            raise CheckpointError(f"{self.name}: no shipped checkpoint at {path}; train one with "
                                  f"`voebench train --model {self.name} --data TRAIN_DIR --out DIR` and pass --weights")
        card = read_card(path) if (shipped or path.with_suffix(".json").exists()) else {}
        if card.get("model", self.name) != self.name:  # its results would carry the wrong label
            raise CheckpointError(f"{path}: a {card['model']} checkpoint (its model card says so), not {self.name}; "
                                  f"score it with --model {card['model']}")
        state, config = load(path, card.get("sha256") if shipped else None)
        self.net = self.net_class(self.net_class.Config(**config))
        missing, unexpected = self.net.load_state_dict(state, strict=False)
        # Strict: only a SIGReg run (no EMA teacher, its target_encoder never used) may lack the
        # target encoder; every other missing or unexpected tensor is refused.
        if unexpected or [k for k in missing if not k.startswith("target_encoder.") or config.get("reg") != "sigreg"]:
            raise CheckpointError(f"{path}: weights do not fit {self.name} (missing {missing[:3]}, unexpected {unexpected[:3]})")
        # Trained in float32, scored in float64 on the CPU: see models/portable.py.
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.net.to(device=self.device, dtype=self.dtype).eval()
        self.weights_hash = sha256_file(path)
        # Another precision gives other scores: cached apart. float64 on any device keeps the
        # card's version (GPU float64 agrees with the CPU's to ~1e-15, like two CPUs).
        self.version = str(card.get("version", "1")) + ("" if self.dtype == torch.float64 else
                                                       f"-{str(self.dtype).replace('torch.', '')}")
        self.card = card

    def surprise_batch(self, clips: list[np.ndarray]) -> list[np.ndarray]:
        return net_surprise(self.net, clips, self.device)

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        return self.surprise_batch([frames])[0]
