"""Shortcut probe: single-frame oddness, the mean pixel distance of each frame to the
clip's other frames. A frame unlike the rest of its clip scores high, whatever the physics."""
import numpy as np


class FrameOddness:
    name = "frame-oddness"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.reshape(len(frames), -1).astype(np.float32) / 255.0
        T = len(f)
        dist = np.array([[np.abs(f[i] - f[j]).mean() for j in range(T)] for i in range(T)])
        return dist.sum(axis=1) / (T - 1)
