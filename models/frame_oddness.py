"""Shortcut probe: single-frame oddness, the mean pixel distance of each frame to the
clip's other frames. A frame unlike the rest of its clip scores high, whatever the physics.
Integer sums, so the value is the same bits on every CPU (models/portable.py)."""
import numpy as np


class FrameOddness:
    name = "frame-oddness"
    version = "2"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.reshape(len(frames), -1).astype(np.int32)
        T, n = f.shape
        dist = np.zeros((T, T), dtype=np.int64)
        for i in range(T):
            dist[i] = np.abs(f - f[i]).sum(axis=1, dtype=np.int64)
        return dist.sum(axis=1) / (255.0 * n * (T - 1))
