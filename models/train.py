"""`voebench train`: self-supervised training on the playground (possible-only) split.

Readable top to bottom: load clips, build the net from its config dataclass, loop with
AdamW until the time or step budget is spent, write safetensors + model card. Deterministic
for a seed on the CPU (PyTorch's CPU kernels used here are deterministic; threads are fixed
to 2 so reductions split the same way).
"""
from __future__ import annotations

import dataclasses
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from voebench.scenes.dataset import DatasetError, load_info, read_clip, read_manifest

from .checkpoint import save
from .device import resolve_device
from .registry import TRAINABLE, network


def load_playground(directory: Path) -> tuple[torch.Tensor, dict]:
    """All train clips as one uint8 tensor [N, T, H, W, 3]; refuses test data."""
    info = load_info(directory)
    rows = read_manifest(directory)
    if info.get("split") != "train" or any(r["split"] != "train" for r in rows):
        raise DatasetError(f"{directory}: training uses the playground split only (voebench generate --split "
                           "train); this dataset holds test quadruplets")
    clips = np.stack([read_clip(directory / r["path"])["frames"] for r in rows])
    return torch.from_numpy(clips), info


def train(model: str, data: str | Path, out: str | Path, minutes: float | None = None, steps: int | None = None,
          seed: int = 0, overrides: dict | None = None, progress: bool = True, log_every: int = 50,
          snapshot_every: int | None = None, device: str = "cpu") -> dict:
    """Train `model` on a playground; write OUT/MODEL.safetensors + .json. With `snapshot_every`
    N, also OUT/snapshots/MODEL-stepN.safetensors every N steps (to check that results are
    stable over the last checkpoints); snapshots do not change the run. `device` cpu (default:
    deterministic), cuda or auto: the network and each batch go there, the corpus stays in
    CPU memory; GPU kernels are not bitwise deterministic, so a GPU run is not reproducible."""
    from tqdm import tqdm

    if model not in TRAINABLE:
        raise KeyError(f"unknown trainable model {model!r}; one of {', '.join(TRAINABLE)}")
    if minutes is None and steps is None:
        raise ValueError("give a budget: minutes and/or steps")
    device = resolve_device(device)
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    rng = np.random.default_rng(seed)
    clips, info = load_playground(Path(data))
    net_class = network(model)
    cfg = net_class.Config(**(overrides or {}))
    net = net_class(cfg)
    data = net.prepare(clips, progress=progress)
    net.to(device)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    print(f"training {model} on {len(clips)} clips ({info['content_hash'][:16]}), seed {seed}, "
          f"{sum(p.numel() for p in params) / 1e6:.2f} M trainable parameters, on {device}\nconfig: {dataclasses.asdict(cfg)}")
    command = f"voebench train --model {model} --data DATA --out DIR --seed {seed}" + "".join(
        f" --set {k}={v}" for k, v in sorted((overrides or {}).items()))
    budget_s = None if minutes is None else minutes * 60
    start = time.perf_counter()
    history, step = [], 0
    bar = tqdm(total=steps, unit="step", desc=f"train {model}", disable=not progress, dynamic_ncols=True)
    while True:
        elapsed = time.perf_counter() - start
        if (steps is not None and step >= steps) or (budget_s is not None and elapsed >= budget_s):
            break
        frac = step / steps if steps else elapsed / budget_s
        frac = min(frac, 1.0)
        # Warm-up then cosine decay of the learning rate.
        lr = cfg.lr * min(1.0, (step + 1) / 100) * (0.1 + 0.9 * (1 + np.cos(np.pi * frac)) / 2)
        for group in opt.param_groups:
            group["lr"] = lr
        index = torch.from_numpy(rng.integers(0, len(clips), cfg.batch_size))
        batch = {k: v[index] for k, v in data.items()} if isinstance(data, dict) else data[index]
        if rng.random() < 0.5:  # mirror: physics is left-right symmetric
            batch = net.mirror(batch)
        batch = {k: v.to(device) for k, v in batch.items()} if isinstance(batch, dict) else batch.to(device)
        net.train()
        loss, stats = net.loss(batch, frac, rng)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        net.after_step(frac)
        step += 1
        stats = {"loss": loss.item(), **stats}
        bar.update()
        bar.set_postfix({k: f"{v:.3g}" for k, v in stats.items()})
        if step % log_every == 0 or step == 1:
            history.append({"step": step, "seconds": round(time.perf_counter() - start, 1), **stats})
        if snapshot_every and step % snapshot_every == 0:
            budget = (f"--steps {steps}" if steps else f"--minutes {minutes}") + f" --snapshot-every {snapshot_every}"
            _write(net, Path(out) / "snapshots" / f"{model}-step{step:06d}.safetensors", seed, step,
                   time.perf_counter() - start, info, len(clips), history,
                   f"{command} {budget}  # the snapshot after step {step}", device)
    bar.close()
    card = _write(net, Path(out) / f"{model}.safetensors", seed, step, time.perf_counter() - start, info,
                  len(clips), history, f"{command} --steps {step}", device)
    print(json.dumps({k: card[k] for k in ("model", "steps", "wall_seconds", "parameters", "sha256")}))
    return card


def _write(net, path: Path, seed: int, step: int, wall: float, info: dict, n_clips: int, history: list,
           command: str, device: torch.device) -> dict:
    card = {
        "model": net.name, "version": "1", "seed": seed, "steps": step, "wall_seconds": round(wall, 1),
        "training_data": {"content_hash": info["content_hash"], "clips": n_clips, "seed": info["seed"],
                          "split": "train"},
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, {platform.system()}"
                   + ("" if device.type == "cpu" else f", trained on {torch.cuda.get_device_name(device)}"),
        "torch": torch.__version__,
        "reproduce": f"voebench generate --split train --clips {n_clips} --seed {info['seed']} "
                     f"--design {info.get('config', {}).get('design', 1)} --out DATA && {command}",
        "history": list(history),
    }
    return save(path, dict(net.state_dict()), net.config_dict(), card)
