"""Audit probe: change over a longer lag, mean |frame_t - frame_{t-LAG}|. Where frame-diff sees
one step, this sees 4 (a quarter second): a jump across a hidden interval shows up even when
every single step is smooth. Integer sums: the same on every CPU."""
import numpy as np

LAG = 4


class FrameLag:
    name = "frame-lag"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.astype(np.int32).reshape(len(frames), -1)
        out = np.full(len(frames), np.nan)
        out[LAG:] = np.abs(f[LAG:] - f[:-LAG]).sum(axis=1, dtype=np.int64) / f.shape[1]
        return out
