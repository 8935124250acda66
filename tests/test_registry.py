"""The registry is the list of models (issue 28): importing it loads no model, its records carry
what `make checkpoints` and the shipped cards agree on, and its kinds are the one vocabulary the
model card and the board use."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voebench.models.kinds import DISPLAY, Kind
from voebench.models.registry import RECORDS, SHIPPED, shipped_steps
from voebench.models.world_model import CHECKPOINT_DIR

ROOT = Path(__file__).resolve().parent.parent


def _loaded_after(module: str, tmp_path) -> list[str]:
    heavy = ("cv2", "torch", "voebench.models.physics_tracker")
    code = f"import sys, {module}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_importing_the_registry_loads_no_model(tmp_path):
    """Every `voebench.models` import goes through the registry: it must not load OpenCV, torch
    or the physics tracker to list the models."""
    assert _loaded_after("voebench.models.registry", tmp_path) == []


def test_object_jepa_perceives_without_the_physics_tracker(tmp_path):
    """object-jepa's inputs come from the shared perception (models/scene_parse.py) only:
    retuning the tracker cannot change them."""
    assert "voebench.models.physics_tracker" not in _loaded_after("voebench.models.object_tokens", tmp_path)


def test_every_shipped_world_model_records_the_steps_its_checkpoint_was_trained_with():
    assert [name for name, _ in shipped_steps()] == list(SHIPPED)
    for name, record in RECORDS.items():
        if name not in SHIPPED:
            assert record.steps is None, name
            continue
        card = json.loads((CHECKPOINT_DIR / f"{name}.json").read_text())
        assert isinstance(record.steps, int) and record.steps == card["steps"], name
        assert card["reproduce"].endswith(f"--model {name} --data DATA --out DIR --seed 0 --steps {record.steps}")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_checkpoints_trains_what_the_registry_ships(tmp_path):
    """`make checkpoints` with a stand-in `voebench` that only logs its arguments: one training
    command per shipped world model, in the registry's order, with the record's step budget."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "calls.log"
    (venv / "bin" / "voebench").write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    for exe in ("voebench", "python"):
        (venv / "bin" / exe).chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("")
    os.utime(tmp_path / "pyproject.toml", (0, 0))  # older than the stamp: no venv is built
    (venv / ".installed").touch()
    # the last step (the cards' voe-mini metrics) fails on the stand-in's missing data: not checked here
    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "checkpoints", f"VENV={venv}", "PLAYGROUND=PG",
                    "CKPT=CK"], check=False, cwd=tmp_path, capture_output=True, text=True)
    trained = [line.split() for line in log.read_text().splitlines() if line.startswith("train ")]
    assert trained == [["train", "--model", name, "--data", "PG", "--out", "CK", "--seed", "0", "--steps", str(steps),
                        "--quiet"] for name, steps in shipped_steps()]


def test_one_kind_vocabulary_for_registry_cards_and_board():
    """Every kind a record has is a Kind that the model card accepts and the board can show; the
    card stores the kind's plain string, so committed submissions read the same."""
    from voebench.leaderboard.build import kind
    from voebench.leaderboard.submission import ModelCard

    assert {r.kind for r in RECORDS.values()} | {Kind.HUMAN_BASELINE, Kind.SUBMITTED} == set(Kind)
    for name, record in RECORDS.items():
        card = ModelCard(**record.card()).model_dump()
        assert type(card["kind"]) is str and card["kind"] == record.kind.value, name
        assert kind(card).startswith(DISPLAY.get(record.kind, record.kind.value)), name
    assert ModelCard(name="mine", authors="me").model_dump()["kind"] == "submitted"
    assert kind({"kind": "human baseline"}) == "human baseline (people)"
    assert kind({"kind": "control"}) == "control (ceiling, hand-built)"
    assert kind({"kind": "adapter"}) == "adapter" and kind({}) == "–"
