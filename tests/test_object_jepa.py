"""object-jepa (issue 14): its object tokens on real renders (slots follow an object through
occlusion and agree with the generator's masks), the mirror augmentation, training and strict
round trips, causality, and what the ablations take away."""
import numpy as np
import pytest
import torch

from voebench import models
from voebench.models.checkpoint import CheckpointError, load, save
from voebench.models.protocol import check_model
from voebench.models.object_tokens import FEATURES, SCENE_FEATURES, SLOTS, clip_tokens, mirror
from voebench.models.scene_parse import MIN_AREA, OBJECT_SPREAD
from voebench.models.train import train

from .renders import build
from .tiny_models import assert_causal

TINY = {"dim": 16, "depth": 1, "heads": 2, "batch_size": 2}
ABLATIONS = ("object-jepa-nomemory", "object-jepa-pixels")


def _main_body_visible(masks: np.ndarray, body: int) -> np.ndarray:
    return (masks == body).sum(axis=(1, 2)) >= MIN_AREA


def test_a_slot_keeps_its_object_through_occlusion_and_agrees_with_the_masks():
    """Occluded permanence: every clip shows as many visible slots as the masks show objects,
    and in the possible clip where the object passes behind the screen, the slot that saw it go
    is hidden (all-zero) while the masks hide it and sees it come back."""
    pair, quad = build("permanence", "occluded", 11, design=3)
    for n, clip in enumerate(quad.clips):
        slots, scene = clip_tokens(clip.frames)
        assert slots.shape == (32, SLOTS, len(FEATURES)) and scene.shape[0] == 32
        visible = slots[..., 0] > 0
        objects = [b for b in np.unique(clip.masks) if b > 0 and _is_object(clip.frames, clip.masks, b)]
        shown = sum(_main_body_visible(clip.masks, b) for b in objects)
        agree = (visible.sum(1) == shown).mean()
        assert agree >= 0.9, f"clip {n}: slot count matches the masks on only {agree:.0%} of frames"
    returns = 0
    for clip in quad.clips:  # where the object goes behind the screen and comes out again
        seen = _main_body_visible(clip.masks, quad.manipulated_ids[0])
        gone = np.flatnonzero(~seen & np.maximum.accumulate(seen))
        back = np.flatnonzero(seen[gone[0]:]) if len(gone) else []
        if not len(back):
            continue
        before, after = gone[0] - 1, gone[0] + back[0]
        slots, _ = clip_tokens(clip.frames)
        visible = slots[..., 0] > 0
        followed = [k for k in range(SLOTS)
                    if visible[before, k] and visible[after, k] and not visible[before + 1:after, k].any()]
        assert followed, "no slot followed the object behind the screen and back"
        assert (slots[before + 1:after, followed[0]] == 0).all()
        returns += 1
    assert returns >= 1, "the test scene never hides the object and shows it again"


def _is_object(frames, masks, body) -> bool:
    pix = frames[masks == body].astype(int)
    return len(pix) > 0 and np.median(pix.max(1) - pix.min(1)) >= OBJECT_SPREAD


def test_mirrored_tokens_are_the_tokens_of_the_mirrored_clip():
    _, quad = build("continuity", "visible", 12, design=3)
    frames = quad.clips[0].frames
    slots, scene = clip_tokens(frames)
    flipped, flipped_scene = clip_tokens(np.ascontiguousarray(frames[:, :, ::-1]))
    ms, msc = mirror(torch.from_numpy(slots), torch.from_numpy(scene))
    np.testing.assert_array_equal(ms[..., 0].numpy(), flipped[..., 0])
    vis = flipped[..., 0] > 0
    assert np.abs(ms.numpy()[vis] - flipped[vis]).max() < 1.5 / 64  # a pixel of shading at an edge
    np.testing.assert_allclose(msc.numpy(), flipped_scene, atol=1e-6)


@pytest.fixture(scope="module")
def trained(playground, tmp_path_factory):
    out = tmp_path_factory.mktemp("oj")
    cards = {m: train(m, playground, out, steps=2, seed=1, overrides=TINY, progress=False)
             for m in ("object-jepa", *ABLATIONS)}
    return out, cards


def test_object_jepa_trains_round_trips_strictly_and_is_causal(trained, tmp_path):
    out, cards = trained
    model = models.create("object-jepa", weights=str(out / "object-jepa.safetensors"))
    assert model.weights_hash == cards["object-jepa"]["sha256"]
    assert {"latent", "visibility", "target_std", "rank"} <= set(cards["object-jepa"]["history"][0])
    assert not hasattr(model.net, "pixel_head"), "object-jepa must not reconstruct pixels"
    assert_causal(model)
    check_model(model)
    # Strict loading: a checkpoint that fills only part of the predictor is refused, and so is
    # another model's checkpoint offered under this name.
    state, config = load(out / "object-jepa.safetensors")
    for part in ("blocks.0.time.", "target_encoder."):  # the teacher gives the targets: it must be there too
        partial = {k: v for k, v in state.items() if not k.startswith(part)}
        save(tmp_path / "partial.safetensors", partial, config, {"model": "object-jepa"})
        with pytest.raises(CheckpointError, match="do not fit"):
            models.create("object-jepa", weights=str(tmp_path / "partial.safetensors"))
    with pytest.raises(CheckpointError, match="object-jepa-pixels checkpoint"):
        models.create("object-jepa", weights=str(out / "object-jepa-pixels.safetensors"))


def test_the_memory_ablation_forgets_and_the_model_remembers(trained):
    """Predictions at frame t of the no-memory ablation depend on frame t's tokens only; the
    full model's depend on the past too."""
    out, _ = trained
    rng = np.random.default_rng(0)
    for name, remembers in (("object-jepa", True), ("object-jepa-nomemory", False)):
        net = models.create(name, weights=str(out / f"{name}.safetensors")).net
        slots = torch.from_numpy(rng.random((1, 12, SLOTS, len(FEATURES)))).double()
        scene = torch.from_numpy(rng.random((1, 12, SCENE_FEATURES))).double()
        changed = slots.clone()
        changed[:, :4] = torch.from_numpy(rng.random((1, 4, SLOTS, len(FEATURES)))).double()
        a, b = net._predict(slots, scene, None), net._predict(changed, scene, None)
        assert torch.equal(a[:, 4:], b[:, 4:]) != remembers, name


def test_the_pixel_ablation_predicts_pixels(trained):
    out, _ = trained
    model = models.create("object-jepa-pixels", weights=str(out / "object-jepa-pixels.safetensors"))
    assert hasattr(model.net, "pixel_head") and not hasattr(model.net, "latent_head")
    clip = np.random.default_rng(3).integers(0, 255, (32, 64, 64, 3), dtype=np.uint8)
    brighter = clip.copy()
    brighter[-1] = np.minimum(255, brighter[-1].astype(int) + 80).astype(np.uint8)
    a, b = model.surprise(clip), model.surprise(brighter)
    np.testing.assert_array_equal(a[:-1], b[:-1])
    assert a[-1] != b[-1]  # the last frame's pixels are what it is scored against


def test_object_jepa_rejects_a_frame_size_its_scene_map_cannot_split():
    with pytest.raises(ValueError, match="scene map"):
        clip_tokens(np.zeros((4, 60, 60, 3), np.uint8))
