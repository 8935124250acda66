"""Audit probe: motion energy, the mean magnitude of dense optical flow (OpenCV Farneback)
from frame t-1 to frame t. It notices anything that moves oddly fast or slow, or starts moving,
with no idea why. Float32 inside OpenCV: its values may differ in the last bits between CPUs,
so it is an audit probe, not a leaderboard entry whose decisions must be portable."""
import numpy as np


class OpticalFlow:
    name = "optical-flow"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        import cv2

        grey = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
        out = np.full(len(frames), np.nan)
        for t in range(1, len(frames)):
            flow = cv2.calcOpticalFlowFarneback(grey[t - 1], grey[t], None, pyr_scale=0.5, levels=2, winsize=9,
                                                iterations=3, poly_n=5, poly_sigma=1.1, flags=0)
            out[t] = float(np.sqrt((flow.astype(np.float64) ** 2).sum(axis=-1)).mean())
        return out
