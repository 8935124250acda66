"""Audit probe: colour memory. Surprise at frame t is the share of pixels whose coarse colour
(4 bins per channel) has not appeared anywhere in frames 0..t-1 — "have I seen this colour".

No physics: it notices an object "from nothing" only because its colour is new, and a changed
object only because the new colour is. A suite where it beats chance on an occluded cell lets
a model pass without object permanence (issue 12). Integer counts: the same on every CPU."""
import numpy as np

from .histogram_change import BINS, colour_codes


class ColourNovelty:
    name = "colour-novelty"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        codes = colour_codes(frames).reshape(len(frames), -1)
        seen = np.zeros(BINS ** 3, dtype=bool)
        out = np.full(len(frames), np.nan)
        for t in range(len(frames)):
            if t:
                out[t] = np.count_nonzero(~seen[codes[t]]) / codes.shape[1]
            seen[codes[t]] = True
        return out
