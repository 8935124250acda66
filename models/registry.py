"""Find a model by name: built-ins, the `voebench.models` entry-point group, or a file.

    create("frame-diff")
    create("untrained-null", seed=3)
    create("path/to/my_model.py:MyModel", weights="weights.safetensors")
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
from importlib.metadata import entry_points
from pathlib import Path

BUILTIN = {
    "frame-diff": "models.frame_diff:FrameDiff",
    "histogram-change": "models.histogram_change:HistogramChange",
    "frame-oddness": "models.frame_oddness:FrameOddness",
    "untrained-null": "models.untrained_null:UntrainedNull",
    "jepa-frame": "models.jepa_frame:JepaFrame",
    "jepa-frame-gru": "models.jepa_frame:JepaFrameGru",
    "vjepa-tubelet": "models.vjepa_tubelet:VJepaTubelet",
    "pixel-predictor": "models.pixel_predictor:PixelPredictor",
    "vjepa2-hf": "models.vjepa2_hf:VJEPA2HF",
    "untrained-jepa-frame": "models.untrained_null:UntrainedJepaFrame",
    "untrained-jepa-frame-gru": "models.untrained_null:UntrainedJepaFrameGru",
    "untrained-vjepa-tubelet": "models.untrained_null:UntrainedVJepaTubelet",
    "untrained-pixel-predictor": "models.untrained_null:UntrainedPixelPredictor",
}
SHORTCUT_PROBES = ("frame-diff", "histogram-change", "frame-oddness")
TRAINABLE = ("jepa-frame", "jepa-frame-gru", "vjepa-tubelet", "pixel-predictor")  # voebench train; shipped
ENTRY_POINT_GROUP = "voebench.models"


class ModelNotFound(LookupError):
    pass


def _from_file(spec: str):
    path, _, cls = spec.rpartition(":")
    file = Path(path)
    if not file.is_file():
        raise ModelNotFound(f"model file {file} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"voebench_user_model_{file.stem}", file)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    if not hasattr(module, cls):
        raise ModelNotFound(f"{file} defines no {cls!r}")
    return getattr(module, cls)


def _from_target(target: str):
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def find(spec: str):
    """The model class (or factory) for a name or FILE.py:Class spec."""
    if ".py:" in spec:
        return _from_file(spec)
    if spec in BUILTIN:
        return _from_target(BUILTIN[spec])
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == spec:
            return ep.load()
    known = sorted(set(BUILTIN) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})
    raise ModelNotFound(f"unknown model {spec!r}; built-in or installed: {', '.join(known)}; "
                        "or give FILE.py:ClassName")


def create(spec: str, weights: str | None = None, **kwargs):
    factory = find(spec)
    if weights is not None:
        if "weights" not in inspect.signature(factory).parameters:
            raise TypeError(f"model {spec!r} takes no weights")
        kwargs["weights"] = weights
    return factory(**kwargs)


def available() -> list[str]:
    return sorted(set(BUILTIN) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})
