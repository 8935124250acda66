"""Every model voebench knows, one record each; and how to find a model by name: a record,
the `voebench.models` entry-point group, or a file.

    create("frame-diff")
    create("untrained-null", seed=3)
    create("path/to/my_model.py:MyModel", weights="weights.safetensors")

Adding a model is its file plus one record in RECORDS. Importing this module loads no model (no
torch, no OpenCV): a record names its code by "module:attr", imported when the model is built.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from .kinds import Kind

ENTRY_POINT_GROUP = "voebench.models"
AUTHORS = "voebench maintainers"
PLAYGROUND_DATA = "voebench playground (possible-only), see models/checkpoints/*.json"
# The development suites the control's (physics-tracker's) constants were set on, stated once.
CONTROL_DEV_SEEDS = (783, 784, 55001, 61803)
_CONTROL_SEEDS = ", ".join(map(str, CONTROL_DEV_SEEDS))
CONTROL_DATA = f"none: hand-built; its constants were set on development suites (seeds {_CONTROL_SEEDS}, 20 per cell)"


@dataclass(frozen=True)
class ModelRecord:
    """One model: how to build it, what it is, and where it appears.

    kind: what it is (models/kinds.py); a world model's `network` is its nn.Module, which
    `voebench train` trains, and its weights ship under models/checkpoints/.
    bundled: scored by `voebench run` and shown on the leaderboard out of the box.
    steps: a world model's step budget, the one its shipped checkpoint was trained with (its
    card records it; `make checkpoints` reads it here).
    """

    name: str
    kind: Kind
    description: str
    factory: str = ""  # "module:attr" of the protocol model; world models use TrainedModel
    network: str = ""  # "module:attr" of the network (world models, and their untrained nulls)
    bundled: bool = True
    perception: str | None = None  # "hand-built" / "mask-supervised" where objects are not learned from pixels
    steps: int | None = None

    @property
    def trainable(self) -> bool:
        return self.kind == Kind.WORLD_MODEL

    @property
    def shipped(self) -> bool:
        return self.trainable  # every world model ships its checkpoint

    def card(self, parameters: int | None = None) -> dict:
        """The leaderboard's model card (voebench submit) for a bundled model. A hand-built
        control's card lists its constants: its parameters, set by hand on development suites."""
        description = self.description
        if self.kind == Kind.CONTROL:
            from .physics_tracker import constants  # here, not at the top: the registry loads no model (OpenCV)

            description += " Constants: " + ", ".join(f"{k}={v:g}" for k, v in constants().items()) + "."
        return {"name": self.name, "authors": AUTHORS, "description": description, "parameters": parameters,
                "training_data": PLAYGROUND_DATA if self.trainable else CONTROL_DATA if self.kind == Kind.CONTROL else "none",
                "link": None, "license": "MIT",
                "kind": self.kind.value, **({"perception": self.perception} if self.perception else {})}


def _world_model(name: str, network: str, steps: int, description: str, bundled: bool = True,
                 perception: str | None = None) -> list[ModelRecord]:
    """A model trained here (for `steps` steps), and its own untrained null: the reference that
    shows whether training, not the architecture, made the difference (issue 10)."""
    return [ModelRecord(name, Kind.WORLD_MODEL, description, network=network, bundled=bundled, perception=perception,
                        steps=steps),
            ModelRecord(f"untrained-{name}", Kind.NULL, f"{name} with random weights (its own initialisation, seed 0): "
                        "what the architecture 'detects' before any training; the reference for the trained model.",
                        factory="voebench.models.untrained_null:UntrainedNull", network=network, bundled=bundled,
                        perception=perception)]


_TRAINED = " Trained on the playground split only."
RECORDS: dict[str, ModelRecord] = {r.name: r for r in [
    ModelRecord("frame-diff", Kind.PROBE, "Shortcut probe: mean absolute pixel change between consecutive frames. "
                "No learning.", factory="voebench.models.frame_diff:FrameDiff"),
    ModelRecord("histogram-change", Kind.PROBE, "Shortcut probe: L1 change of the joint RGB histogram between "
                "consecutive frames. No learning.", factory="voebench.models.histogram_change:HistogramChange"),
    ModelRecord("frame-oddness", Kind.PROBE, "Shortcut probe: mean pixel distance of each frame to the clip's other "
                "frames. No learning.", factory="voebench.models.frame_oddness:FrameOddness"),
    ModelRecord("colour-novelty", Kind.AUDIT_PROBE, "Audit probe: share of pixels whose coarse colour has not been seen "
                "earlier in the clip. No learning.", factory="voebench.models.colour_novelty:ColourNovelty",
                bundled=False),
    ModelRecord("optical-flow", Kind.AUDIT_PROBE, "Audit probe: mean Farneback optical-flow magnitude between "
                "consecutive frames. No learning.", factory="voebench.models.optical_flow:OpticalFlow", bundled=False),
    ModelRecord("object-area", Kind.AUDIT_PROBE, "Audit probe: share of saturated (object) pixels in the frame. "
                "No learning.", factory="voebench.models.object_area:ObjectArea", bundled=False),
    ModelRecord("background-change", Kind.AUDIT_PROBE, "Audit probe: distance to a running-average background. "
                "No learning.", factory="voebench.models.background_change:BackgroundChange", bundled=False),
    ModelRecord("frame-lag", Kind.AUDIT_PROBE, "Audit probe: mean pixel change over 4 frames. No learning.",
                factory="voebench.models.frame_lag:FrameLag", bundled=False),
    ModelRecord("untrained-null", Kind.NULL, "The conv encoder + latent predictor architecture with random weights "
                "(seed 0): the chance reference.", factory="voebench.models.untrained_null:UntrainedNull"),
    *_world_model("jepa-frame", "voebench.models.jepa_frame:JepaFrameNet", 2500,
                  "Per-frame latent world model: conv encoder, causal transformer predictor, EMA targets, temporal "
                  "block masking, change-weighted L1." + _TRAINED),
    *_world_model("jepa-frame-gru", "voebench.models.jepa_frame:JepaFrameGruNet", 2500,
                  "jepa-frame with a recurrent (GRU) predictor instead of the causal transformer; chosen on the "
                  "development suite." + _TRAINED),
    *_world_model("vjepa-tubelet", "voebench.models.vjepa_tubelet:VJepaTubeletNet", 3500,
                  "V-JEPA-style: 2x16x16 tubelets, ViT encoder, predictor from context tokens to future tokens, "
                  "EMA targets." + _TRAINED),
    *_world_model("pixel-predictor", "voebench.models.pixel_predictor:PixelPredictorNet", 1000,
                  "Generative baseline: the jepa-frame backbone decoding the next frame's pixels." + _TRAINED),
    *_world_model("object-jepa", "voebench.models.object_jepa:ObjectJepaNet", 4500,
                  "Object-centric latent world model (issue 14). Perception: hand-built (the physics tracker's colour "
                  "parse; slots keep an object's identity while it is hidden). Learned: token encoder with EMA "
                  "targets, a predictor attending along each slot's whole past and across the objects of a frame, "
                  "temporal block masking; surprise = next-frame latent error of visible slots + visibility "
                  "cross-entropy." + _TRAINED, perception="hand-built"),
    *_world_model("object-jepa-nomemory", "voebench.models.object_jepa:ObjectJepaNoMemoryNet", 4500,
                  "Ablation of object-jepa: the predictor sees the current frame only (no memory of hidden "
                  "objects). Perception: hand-built." + _TRAINED, bundled=False, perception="hand-built"),
    *_world_model("object-jepa-pixels", "voebench.models.object_jepa:ObjectJepaPixelsNet", 4500,
                  "Ablation of object-jepa: the same predictor decodes the next frame's pixels (32x32) instead of "
                  "latents; surprise = pixel error. Perception: hand-built." + _TRAINED, bundled=False,
                  perception="hand-built"),
    ModelRecord("physics-tracker", Kind.CONTROL, "Hand-built, not learned: the suite's ceiling (positive control). "
                "Perceives objects, screens and surfaces by colour; keeps object files through occlusion; predicts "
                "with inertia, gravity over a seen gap, bounces off seen walls and elastic launches by contact; "
                f"surprise = what the prediction cannot explain. Constants set on development suites (seeds "
                f"{_CONTROL_SEEDS}, 20 per cell) and frozen before scoring; explained in docs/physics-tracker.md.",
                factory="voebench.models.physics_tracker:PhysicsTracker"),
    ModelRecord("vjepa2-hf", Kind.ADAPTER, "V-JEPA 2 (Meta) through Hugging Face transformers, from local weights "
                "(a save_pretrained folder, or an original .pt with preset=vitl|vith|vitg|vitg-384); surprise = "
                "latent prediction error of the future tubelets from 8 context frames.",
                factory="voebench.models.vjepa2_hf:VJEPA2HF", bundled=False),
    ModelRecord("videomae-hf", Kind.ADAPTER, "VideoMAE through Hugging Face transformers (VideoMAEForPreTraining), from "
                "local weights: the generative counterpart; surprise = pixel reconstruction error of the masked "
                "future tubelets from 8 context frames.", factory="voebench.models.videomae_hf:VideoMAEHF",
                bundled=False),
    ModelRecord("image-trajectory-hf", Kind.ADAPTER, "No-world-model control: a frozen transformers image encoder from "
                "local weights, each frame alone, no predictor; surprise = a statistic (default acceleration) of the "
                "clip's path through feature space.", factory="voebench.models.image_trajectory_hf:ImageTrajectoryHF",
                bundled=False),
]}
# Order matters where lists are shown: probes, null, then each world model beside its null.
TRAINABLE = tuple(name for name, r in RECORDS.items() if r.trainable)
SHIPPED = tuple(name for name, r in RECORDS.items() if r.shipped)
BUNDLED = tuple(name for name, r in RECORDS.items() if r.bundled)
SHORTCUT_PROBES = tuple(name for name, r in RECORDS.items() if r.kind == Kind.PROBE)
AUDIT_PROBES = tuple(name for name, r in RECORDS.items() if r.kind in (Kind.PROBE, Kind.AUDIT_PROBE))


class ModelNotFound(LookupError):
    pass


def _import(target: str):
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def network(name: str):
    """The nn.Module class of a world model (what `voebench train` trains)."""
    record = RECORDS.get(name)
    if record is None or not record.network:
        raise ModelNotFound(f"no network named {name!r}; world models: {', '.join(TRAINABLE)}")
    return _import(record.network)


def _factory(record: ModelRecord):
    if record.trainable:
        from .world_model import TrainedModel  # here, not at the top: the registry loads no torch

        return functools.partial(TrainedModel, network(record.name))
    if record.network:  # a world model's untrained null
        return functools.partial(_import(record.factory), architecture=record.name.removeprefix("untrained-"))
    return _import(record.factory)


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


def find(spec: str):
    """The model class (or factory) for a name or FILE.py:Class spec."""
    if ".py:" in spec:
        return _from_file(spec)
    if spec in RECORDS:
        return _factory(RECORDS[spec])
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == spec:
            return ep.load()
    raise ModelNotFound(f"unknown model {spec!r}; built-in or installed: {', '.join(available())}; "
                        "or give FILE.py:ClassName")


def create(spec: str, weights: str | None = None, **kwargs):
    factory = find(spec)
    if weights is not None:
        if "weights" not in inspect.signature(factory).parameters:
            raise TypeError(f"model {spec!r} takes no weights")
        kwargs["weights"] = weights
    return factory(**kwargs)


def available() -> list[str]:
    return sorted(set(RECORDS) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def shipped_steps() -> list[tuple[str, int]]:
    """(name, step budget) of every shipped world model, in the order `make checkpoints` trains
    them (it prints one `NAME STEPS` line each)."""
    return [(name, RECORDS[name].steps) for name in SHIPPED]
