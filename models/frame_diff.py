"""Shortcut probe: per-frame pixel change energy, mean |frame_t - frame_{t-1}|.

No learning, no physics. On a matched suite its mean-aggregated score cancels exactly in
the occluded condition; anything else means the suite leaks a pixel cue."""
import numpy as np


class FrameDiff:
    name = "frame-diff"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.astype(np.float32)
        out = np.full(len(frames), np.nan)
        out[1:] = np.abs(np.diff(f, axis=0)).mean(axis=(1, 2, 3))
        return out
