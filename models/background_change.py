"""Audit probe: distance of each frame to a running-average background, the classic motion
detector of surveillance video: background_t = background_{t-1} + (frame_t - background_{t-1}) / 8
(exact in binary floating point: the same on every CPU). Slow to forget, so it remembers what
stood where a few frames ago without any notion of objects."""
import numpy as np

RATE = 8  # frames over which the background adapts (a power of two: exact arithmetic)


class BackgroundChange:
    name = "background-change"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.astype(np.float64).reshape(len(frames), -1)
        background = f[0].copy()
        out = np.full(len(frames), np.nan)
        for t in range(1, len(frames)):
            out[t] = np.abs(f[t] - background).mean()
            background += (f[t] - background) / RATE
        return out
