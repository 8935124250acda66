"""The trained models: a few real training steps, safetensors round trips, pickle refusal,
and leak-free prediction (what comes after the context never reaches the predictor)."""
import pickle

import numpy as np
import pytest
import torch

from voebench import models
from voebench.models.checkpoint import CheckpointError, check_safetensors, load
from voebench.models.train import train
from voebench.scenes.dataset import DatasetError

from .tiny_models import assert_causal

# Tiny configs of the distinct networks (jepa-frame-gru is jepa-frame with another predictor).
TINY = {"jepa-frame": {"dim": 32, "width": 8, "depth": 1, "batch_size": 2},
        "pixel-predictor": {"dim": 32, "width": 8, "depth": 1, "batch_size": 2},
        "vjepa-tubelet": {"dim": 32, "depth": 1, "pred_dim": 32, "pred_depth": 1, "batch_size": 2}}


@pytest.fixture(scope="module")
def checkpoints(playground, tmp_path_factory):
    out = tmp_path_factory.mktemp("ckpt")
    cards = {m: train(m, playground, out, steps=2, seed=1, overrides=TINY[m], progress=False) for m in TINY}
    return out, cards


@pytest.mark.parametrize("name", TINY)
def test_training_writes_safetensors_and_a_model_card(checkpoints, playground, name):
    out, cards = checkpoints
    card = cards[name]
    assert (out / f"{name}.safetensors").exists() and (out / f"{name}.json").exists()
    assert card["steps"] == 2 and card["seed"] == 1 and card["training_data"]["split"] == "train"
    for key in ("config", "sha256", "wall_seconds", "machine", "history", "reproduce"):
        assert key in card
    assert {"loss"} <= set(card["history"][0])
    model = models.create(name, weights=str(out / f"{name}.safetensors"))
    assert model.weights_hash == card["sha256"]
    clip = np.random.default_rng(0).integers(0, 255, (32, 64, 64, 3), dtype=np.uint8)
    s = model.surprise(clip)
    assert s.shape == (32,) and np.isnan(s[0]) and np.isfinite(s[-1])


def test_training_is_deterministic_for_a_seed(checkpoints, playground, tmp_path):
    out, cards = checkpoints
    again = train("jepa-frame", playground, tmp_path, steps=2, seed=1, overrides=TINY["jepa-frame"], progress=False)
    assert again["sha256"] == cards["jepa-frame"]["sha256"]
    other = train("jepa-frame", playground, tmp_path / "s2", steps=2, seed=2, overrides=TINY["jepa-frame"], progress=False)
    assert other["sha256"] != cards["jepa-frame"]["sha256"]


def test_snapshots_are_loadable_and_do_not_change_the_run(checkpoints, playground, tmp_path):
    _, cards = checkpoints
    card = train("jepa-frame", playground, tmp_path, steps=2, seed=1, overrides=TINY["jepa-frame"], progress=False,
                 snapshot_every=1)
    assert card["sha256"] == cards["jepa-frame"]["sha256"]
    snaps = sorted((tmp_path / "snapshots").glob("*.safetensors"))
    assert [p.name for p in snaps] == ["jepa-frame-step000001.safetensors", "jepa-frame-step000002.safetensors"]
    first = models.create("jepa-frame", weights=str(snaps[0]))
    assert first.card["steps"] == 1 and "--snapshot-every 1" in first.card["reproduce"]
    assert first.weights_hash != card["sha256"] and models.create("jepa-frame", weights=str(snaps[1])).weights_hash == card["sha256"]


def test_training_refuses_test_quadruplets(suite, tmp_path):
    data, _ = suite
    with pytest.raises(DatasetError, match="playground split only"):
        train("jepa-frame", data, tmp_path, steps=1, overrides=TINY["jepa-frame"], progress=False)


def test_pickle_checkpoints_are_refused(checkpoints, tmp_path):
    out, _ = checkpoints
    state, config = load(out / "jepa-frame.safetensors")
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    evil = tmp_path / "weights.safetensors"
    evil.write_bytes(pickle.dumps({"state": Exploit()}))
    torch_file = tmp_path / "weights.pt"
    torch.save(state, torch_file)
    for path in (evil, torch_file):
        with pytest.raises(CheckpointError, match="refusing a pickle"):
            models.create("jepa-frame", weights=str(path))
    assert not marker.exists(), "a pickle was deserialised"
    garbage = tmp_path / "junk.safetensors"
    garbage.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json")
    with pytest.raises(CheckpointError, match="bad header"):
        check_safetensors(garbage)


def test_a_safetensors_header_length_starting_with_0x80_is_not_taken_for_a_pickle(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / "w.safetensors"
    for pad in range(300):  # find metadata that makes the header length's first byte 0x80
        save_file({"w": torch.zeros(2)}, str(path), metadata={"config": "{}", "pad": "x" * pad})
        if path.read_bytes()[0] == 0x80:
            break
    assert path.read_bytes()[0] == 0x80
    check_safetensors(path)
    assert load(path)[1] == {}


def test_tampered_shipped_weights_fail_the_sha256_check(checkpoints, tmp_path, monkeypatch):
    out, cards = checkpoints
    import shutil

    import voebench.models.world_model as world_model

    shutil.copy(out / "jepa-frame.safetensors", tmp_path / "jepa-frame.safetensors")
    shutil.copy(out / "jepa-frame.json", tmp_path / "jepa-frame.json")
    monkeypatch.setattr(world_model, "CHECKPOINT_DIR", tmp_path)
    assert models.create("jepa-frame").weights_hash == cards["jepa-frame"]["sha256"]
    data = bytearray((tmp_path / "jepa-frame.safetensors").read_bytes())
    data[-1] ^= 1
    (tmp_path / "jepa-frame.safetensors").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="does not match its model card"):
        models.create("jepa-frame")


def test_tubelet_predictor_never_sees_frames_after_the_context(checkpoints):
    out, _ = checkpoints
    net = models.create("vjepa-tubelet", weights=str(out / "vjepa-tubelet.safetensors")).net
    rng = np.random.default_rng(0)
    window = torch.from_numpy(rng.integers(0, 255, (1, 16, 64, 64, 3), dtype=np.uint8))
    changed = window.clone()
    changed[:, 8:] = torch.from_numpy(rng.integers(0, 255, (1, 8, 64, 64, 3), dtype=np.uint8))
    with torch.no_grad():
        pred_a, tgt_a = net.predict(window, 8)
        pred_b, tgt_b = net.predict(changed, 8)
    assert torch.equal(pred_a, pred_b), "frames after the context changed the prediction"
    assert not torch.equal(tgt_a, tgt_b)


@pytest.mark.parametrize("name", ["jepa-frame", "pixel-predictor"])
def test_causal_models_predict_frame_t_from_frames_before_t(checkpoints, name):
    out, _ = checkpoints
    assert_causal(models.create(name, weights=str(out / f"{name}.safetensors")))


def test_recurrent_predictor_trains_round_trips_and_is_causal(playground, tmp_path):
    card = train("jepa-frame", playground, tmp_path, steps=2, seed=1, progress=False,
                 overrides=dict(TINY["jepa-frame"], predictor="gru", gru_hidden=16))
    assert card["config"]["predictor"] == "gru"
    assert card["reproduce"].endswith("--seed 1 --set batch_size=2 --set depth=1 --set dim=32 --set gru_hidden=16 "
                                      "--set predictor=gru --set width=8 --steps 2")
    model = models.create("jepa-frame", weights=str(tmp_path / "jepa-frame.safetensors"))
    assert type(model.net.predictor).__name__ == "CausalGRU"
    assert_causal(model, seed=2)
    # The shipped jepa-frame-gru is exactly jepa-frame with the recurrent predictor: same bytes.
    named = train("jepa-frame-gru", playground, tmp_path / "named", steps=2, seed=1, progress=False,
                  overrides=dict(TINY["jepa-frame"], gru_hidden=16))
    assert named["sha256"] == card["sha256"] and named["model"] == "jepa-frame-gru"
    with pytest.raises(ValueError, match="predictor must be"):
        train("jepa-frame", playground, tmp_path / "bad", steps=1, progress=False,
              overrides=dict(TINY["jepa-frame"], predictor="lstm"))
