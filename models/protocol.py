"""The protocol every scored model follows. A third party implements it without importing
voebench:

    class MyModel:
        name = "my-model"
        version = "1"
        weights_hash = None          # or a sha256 of the weights file

        def surprise(self, frames):  # frames: uint8 [T, H, W, 3]
            ...                      # -> float array [T]; NaN only for leading frames
                                     #    the model cannot predict (its context)

Optional: ``surprise_batch(list_of_frames) -> list_of_arrays`` for speed. Models see the
frames of one clip and nothing else: no manifest row, no label, no clip id.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class SurpriseModel(Protocol):
    name: str
    version: str
    weights_hash: str | None

    def surprise(self, frames: np.ndarray) -> np.ndarray: ...


class ModelOutputError(ValueError):
    """A model returned something the protocol does not allow."""


def model_id(model) -> str:
    return f"{model.name}@{model.version}"


def check_surprise(model, clip: str, out, n_frames: int) -> np.ndarray:
    """Validate one clip's per-frame surprise; return it as float64 [T]."""
    who = f"model {model_id(model)} on clip {clip}"
    if not isinstance(out, np.ndarray):
        try:
            out = np.asarray(out)
        except Exception:
            raise ModelOutputError(f"{who}: returned {type(out).__name__}, expected a float array") from None
    if out.dtype.kind not in "fiu" or out.dtype == bool:
        raise ModelOutputError(f"{who}: returned dtype {out.dtype}, expected floats")
    if out.ndim != 1 or len(out) != n_frames:
        raise ModelOutputError(f"{who}: returned shape {list(out.shape)}, expected [{n_frames}] (one value per frame)")
    out = out.astype(np.float64)
    finite = np.isfinite(out)
    if not finite.any():
        raise ModelOutputError(f"{who}: no finite value (all NaN/inf)")
    first = int(np.argmax(finite))
    if not finite[first:].all():
        bad = first + int(np.argmin(finite[first:]))
        raise ModelOutputError(f"{who}: non-finite surprise {out[bad]} at frame {bad}, after its context "
                               f"(NaN is allowed only for leading frames)")
    if np.isinf(out[:first]).any():
        raise ModelOutputError(f"{who}: inf in its context frames (use NaN for frames it cannot predict)")
    return out
