"""Checkpoints are safetensors only (never pickle) plus a JSON model card beside them.

A file is trusted only after its header parses as safetensors; anything that looks like a
pickle or a torch .pt zip is refused before a byte of it is deserialised.
"""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import torch
from safetensors.torch import load_file
from safetensors.torch import save as safetensors_bytes

from voebench.scenes.files import atomic_write_bytes, sha256_file, write_json

PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt")


class CheckpointError(ValueError):
    pass


def check_safetensors(path: Path) -> None:
    """Raise CheckpointError unless `path` is a well-formed safetensors file."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    with open(path, "rb") as f:
        head = f.read(9)
    refuse = CheckpointError(f"{path}: refusing a pickle/torch checkpoint; voebench loads .safetensors only "
                             "(convert it with safetensors.torch.save_file)")
    if path.suffix.lower() in PICKLE_SUFFIXES or head[:2] == b"PK":
        raise refuse
    # A safetensors file is an 8-byte little-endian header length, then "{". Only when that is
    # absent does a leading 0x80 mean pickle: the length's first byte may be 0x80 too.
    if len(head) < 9 or head[8:9] != b"{":
        raise refuse if head[:1] == b"\x80" else CheckpointError(f"{path}: not a safetensors file (bad header)")
    (length,) = struct.unpack("<Q", head[:8])
    if length > os.path.getsize(path) - 8:
        raise CheckpointError(f"{path}: truncated safetensors file")


def save(path: Path, state: dict[str, torch.Tensor], config: dict, card: dict) -> dict:
    """Write NAME.safetensors and NAME.json (the model card, with the weights' sha256)."""
    path = Path(path)
    state = {k: v.detach().cpu().contiguous().clone() for k, v in state.items()}
    atomic_write_bytes(path, safetensors_bytes(state, metadata={"config": json.dumps(config, sort_keys=True)}))
    card = dict(card, config=config, weights_file=path.name, sha256=sha256_file(path),
                parameters=int(sum(v.numel() for v in state.values())))
    write_json(path.with_suffix(".json"), card)
    return card


def load(path: Path, expected_sha256: str | None = None) -> tuple[dict[str, torch.Tensor], dict]:
    """(state dict, config) from a safetensors checkpoint, verifying its sha256 if given."""
    path = Path(path)
    check_safetensors(path)
    if expected_sha256 is not None:
        digest = sha256_file(path)
        if digest != expected_sha256:
            raise CheckpointError(f"{path}: sha256 {digest[:12]}… does not match its model card "
                                  f"({expected_sha256[:12]}…)")
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        meta = f.metadata() or {}
    try:
        config = json.loads(meta["config"])
    except (KeyError, ValueError):
        raise CheckpointError(f"{path}: no model config in the safetensors metadata") from None
    return load_file(str(path)), config


def read_card(path: Path) -> dict:
    card = Path(path).with_suffix(".json")
    try:
        return json.loads(card.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{card}: model card missing beside {Path(path).name}") from None
