"""The protocol every scored model follows. A third party implements it without importing
voebench:

    class MyModel:
        name = "my-model"
        version = "1"
        weights_hash = None          # or a sha256 of the weights file

        def surprise(self, frames):  # frames: uint8 [T, H, W, 3]
            ...                      # -> float array [T]; NaN only for leading frames
                                     #    the model cannot predict (its context)

Optional: ``surprise_batch(list_of_frames) -> list_of_arrays`` for speed. Models see the
frames of one clip and nothing else: no manifest row, no label, no clip id.

`check_model(model)` runs the checks the harness relies on, on two synthetic clips, before a
single real clip is scored: run it on your class while you write it.
"""
from __future__ import annotations

import numpy as np

# A clip's score must not depend on the other clips of its batch (issue 10: the runner never
# batches clips of one quadruplet, but a model that mixes clips would still leak). Float32
# kernels of different batch shapes differ by ~1e-7; anything above this is not rounding.
BATCH_RTOL = 1e-5


class ModelOutputError(ValueError):
    """A model returned something the protocol does not allow."""


def probe_clip(seed: int, frames: int = 32, resolution: int = 64) -> np.ndarray:
    """A synthetic clip, uint8 [T, H, W, 3]: a coloured square gliding over a grey floor."""
    rng = np.random.default_rng(seed)
    clip = np.full((frames, resolution, resolution, 3), 200, np.uint8)
    size = resolution // 6
    colour = rng.integers(0, 256, 3, dtype=np.uint8)
    x0, y = int(rng.integers(0, resolution // 2)), int(rng.integers(0, resolution - size))
    for t in range(frames):
        x = (x0 + t) % (resolution - size)
        clip[t, y:y + size, x:x + size] = colour
    return clip


def _one(model, frames: np.ndarray):
    return model.surprise(frames) if callable(getattr(model, "surprise", None)) else model.surprise_batch([frames])[0]


def check_model(model, frames: int = 32, resolution: int = 64) -> dict:
    """Check `model` against the protocol: its attributes, one value per frame, NaN only for its
    leading context frames, the same answer twice, frames left untouched, and (if it has
    surprise_batch) the same scores in a batch as one clip at a time. Raises ModelOutputError
    naming every problem; returns what it measured."""
    who = f"model {type(model).__name__}"
    problems = []
    for attr in ("name", "version"):
        value = getattr(model, attr, None)
        if not isinstance(value, str) or not value:
            problems.append(f"`{attr}` must be a non-empty string, got {value!r}")
    if not hasattr(model, "weights_hash") or not isinstance(model.weights_hash, (str, type(None))):
        problems.append("`weights_hash` must be a string (e.g. the sha256 of its weights) or None")
    batched = callable(getattr(model, "surprise_batch", None))
    if not callable(getattr(model, "surprise", None)) and not batched:
        problems.append("needs a method surprise(frames) -> one value per frame (or surprise_batch)")
    if problems:
        raise ModelOutputError(f"{who}: " + "; ".join(problems))
    who = f"model {model_id(model)}"
    clips = [probe_clip(seed, frames, resolution) for seed in (0, 1)]
    copies = [c.copy() for c in clips]
    single = [check_surprise(model, f"probe-{k}", _one(model, c), frames) for k, c in enumerate(clips)]
    if not all(np.array_equal(c, k) for c, k in zip(clips, copies)):
        raise ModelOutputError(f"{who}: changed the frames it was given (copy them before writing)")
    if not np.array_equal(single[0], check_surprise(model, "probe-0", _one(model, clips[0]), frames), equal_nan=True):
        raise ModelOutputError(f"{who}: two calls on the same clip gave different surprise (it must be deterministic)")
    report = {"model": model_id(model), "frames": frames, "resolution": resolution,
              "context_frames": int(np.argmax(np.isfinite(single[0]))), "batched": batched}
    if batched:
        outs = list(model.surprise_batch(clips))
        if len(outs) != len(clips):
            raise ModelOutputError(f"{who}: surprise_batch returned {len(outs)} arrays for {len(clips)} clips")
        together = [check_surprise(model, f"probe-{k}", o, frames) for k, o in enumerate(outs)]
        scale = max(float(np.nanmax(np.abs(s))) for s in single) or 1.0
        diff = max(float(np.nanmax(np.abs(a - b), initial=0.0)) for a, b in zip(single, together)) / scale
        if diff > BATCH_RTOL or any(not np.array_equal(np.isnan(a), np.isnan(b)) for a, b in zip(single, together)):
            raise ModelOutputError(f"{who}: surprise_batch differs from surprise one clip at a time (relative "
                                   f"{diff:.1e} > {BATCH_RTOL:g}): a clip's score must not depend on its batch")
        report["batch_difference"] = diff
    return report


def model_id(model) -> str:
    return f"{model.name}@{model.version}"


def check_surprise(model, clip: str, out, n_frames: int) -> np.ndarray:
    """Validate one clip's per-frame surprise; return it as float64 [T]."""
    who = f"model {model_id(model)} on clip {clip}"
    if not isinstance(out, np.ndarray):
        try:
            out = np.asarray(out)
        except Exception:
            raise ModelOutputError(f"{who}: returned {type(out).__name__}, expected a float array") from None
    if out.dtype.kind not in "fiu" or out.dtype == bool:
        raise ModelOutputError(f"{who}: returned dtype {out.dtype}, expected floats")
    if out.ndim != 1 or len(out) != n_frames:
        raise ModelOutputError(f"{who}: returned shape {list(out.shape)}, expected [{n_frames}] (one value per frame)")
    out = out.astype(np.float64)
    problem = surprise_problem(out)
    if problem:
        raise ModelOutputError(f"{who}: {problem}")
    return out


def surprise_problem(values: np.ndarray) -> str | None:
    """The protocol's rule for one clip's per-frame surprise: finite everywhere except NaN for
    the leading frames a model cannot predict (its context). Why `values` breaks it, or None."""
    finite = np.isfinite(values)
    if not finite.any():
        return "no finite value (all NaN/inf)"
    first = int(np.argmax(finite))
    if not finite[first:].all():
        bad = first + int(np.argmin(finite[first:]))
        return (f"non-finite surprise {values[bad]} at frame {bad}, after its context "
                "(NaN is allowed only for leading frames)")
    if np.isinf(values[:first]).any():
        return "inf in its context frames (use NaN for frames it cannot predict)"
    return None
