"""Shortcut probe: per-frame colour-histogram change (L1 between consecutive frames'
joint RGB histograms, 4 bins per channel). Blind to where things are, sensitive to what
colours are in view. Integer counts, so the value is the same on every CPU (models/portable.py)."""
import numpy as np

BINS = 4


def colour_codes(frames: np.ndarray) -> np.ndarray:
    """Each pixel's coarse colour, one of BINS**3 codes: [T, H, W] int64."""
    q = (frames // (256 // BINS)).astype(np.int64)
    return (q[..., 0] * BINS + q[..., 1]) * BINS + q[..., 2]


def colour_histograms(frames: np.ndarray) -> np.ndarray:
    codes = colour_codes(frames)
    T = len(frames)
    hist = np.zeros((T, BINS ** 3), dtype=np.int64)
    for t in range(T):
        hist[t] = np.bincount(codes[t].ravel(), minlength=BINS ** 3)
    return hist


class HistogramChange:
    name = "histogram-change"
    version = "2"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        hist = colour_histograms(frames)
        out = np.full(len(frames), np.nan)
        out[1:] = np.abs(np.diff(hist, axis=0)).sum(axis=1) / hist[0].sum()
        return out
