"""Shortcut probe: per-frame pixel change energy, mean |frame_t - frame_{t-1}|.

No learning, no physics. On a matched suite its mean-aggregated score cancels exactly in
the occluded condition; anything else means the suite leaks a pixel cue. Integer sums, so the
value is the same bits on every CPU (models/portable.py)."""
import numpy as np


class FrameDiff:
    name = "frame-diff"
    version = "2"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        diff = np.abs(np.diff(frames.astype(np.int32), axis=0)).reshape(len(frames) - 1, -1)
        out = np.full(len(frames), np.nan)
        out[1:] = diff.sum(axis=1, dtype=np.int64) / diff.shape[1]
        return out
