"""Audit probe: visible object area, the share of saturated pixels in each frame (the objects are
saturated colours; floor, sky, screens and walls are greys and browns). A clip in which the
objects are partly hidden for longer scores lower — a cue that is not physics (issue 12: in the
crossed visible cells the impossible clips hide part of the object inside the wall). Integer
arithmetic: the same on every CPU."""
import numpy as np

MIN_SATURATION = 64  # max(R, G, B) - min(R, G, B): objects 92+ on 95 % of their pixels, the rest under 50


class ObjectArea:
    name = "object-area"
    version = "1"
    weights_hash = None

    def surprise(self, frames: np.ndarray) -> np.ndarray:
        f = frames.astype(np.int16)
        saturation = f.max(axis=-1) - f.min(axis=-1)
        return (saturation >= MIN_SATURATION).reshape(len(frames), -1).sum(axis=1) / (f.shape[1] * f.shape[2])
