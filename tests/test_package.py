"""The package's shape: one import name, arrows that run one way, one record per model, and a
Python API a notebook can call with its own model object."""
import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import voebench
from voebench.models import registry
from voebench.scenes.design import LEADERBOARD_SUITE
from voebench.models.protocol import ModelOutputError
from voebench.models.world_model import CHECKPOINT_DIR
from voebench.cli import UsageError, assignments

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("scenes", "models", "benchmark", "leaderboard")
# What each room may import from the others (scenes -> models -> benchmark -> leaderboard);
# models read datasets through the dataset reader only, never the generator (PyBullet); every
# room writes files through scenes/files.py.
ALLOWED = {
    "scenes": set(),
    "models": {"voebench.scenes.dataset", "voebench.scenes.files"},
    "benchmark": {"voebench.scenes", "voebench.models"},
    "leaderboard": {"voebench.scenes.dataset", "voebench.scenes.design", "voebench.scenes.files",
                    "voebench.models.protocol", "voebench.models.kinds", "voebench.benchmark"},
}


def _imports(path: Path, package: str):
    """(module, names) for every import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [a.name for a in node.names]


def _sources():
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            package = ".".join(["voebench", *path.relative_to(ROOT).parent.parts])
            yield room, path, package


def test_arrows_run_one_way_and_no_private_name_crosses_a_room():
    wrong = []
    for room, path, package in _sources():
        for module, names in _imports(path, package):
            if module.split(".")[0] in ROOMS:
                wrong.append(f"{path.relative_to(ROOT)}: bare `{module}` (import it as voebench.{module})")
            if not module.startswith("voebench.") or module.startswith(f"voebench.{room}"):
                continue
            if module == "voebench" or not any(module == a or module.startswith(a + ".") for a in ALLOWED[room]):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
            wrong += [f"{path.relative_to(ROOT)} uses private {module}.{n}" for n in names if n.startswith("_")]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    """No two modules import each other, not even from inside a function (issue 28): every import
    statement at any depth, `from package import module` counted as the module. A module importing
    its own package's __init__ is how Python loads it, not a tie, and is left out."""
    known = {".".join(["voebench", *p.relative_to(ROOT).with_suffix("").parts]).removesuffix(".__init__"): p
             for _, p, _ in _sources()}
    edges = {}
    for room, path, package in _sources():
        name = ".".join([package, path.stem]) if path.stem != "__init__" else package
        targets = set()
        for module, names in _imports(path, package):
            for t in [f"{module}.{n}" if f"{module}.{n}" in known else module for n in names or [""]]:
                t = t.rstrip(".")
                while t and t not in known:
                    t = t.rpartition(".")[0]
                if t and t != name and not name.startswith(t + "."):
                    targets.add(t)
        edges[name] = targets
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_import_names_do_not_leak_outside_voebench(tmp_path):
    """Run from outside the repository: only `voebench` resolves, so a user's own `models` wins."""
    code = ("import importlib.util, voebench, voebench.models, voebench.scenes, voebench.benchmark, "
            "voebench.leaderboard; print([n for n in ('models', 'scenes', 'benchmark', 'leaderboard') "
            "if importlib.util.find_spec(n) is not None])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_the_api_loads_neither_torch_nor_pybullet(tmp_path):
    code = "import sys, voebench; print(sorted(m for m in ('torch', 'pybullet') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and "pybullet build time" not in out.stderr


@pytest.mark.slow
def test_scoring_a_suite_never_imports_pybullet(demo_suite, tmp_path):
    data = demo_suite[0]
    code = (f"import sys, voebench; voebench.evaluate('frame-diff', {str(data)!r}, {str(tmp_path / 'r')!r}, "
            f"cache={str(tmp_path / 'c')!r}, null_seeds=1, progress=False); print('pybullet' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_one_record_per_model_names_its_network_checkpoint_and_card():
    for name, record in registry.RECORDS.items():
        assert record.name == name and record.kind in ("probe", "audit probe", "null", "world model", "adapter", "control")
        if record.network:
            assert registry.network(name.removeprefix("untrained-")).name == name.removeprefix("untrained-")
        assert record.card()["description"].startswith(record.description)  # a control adds its constants
    assert registry.TRAINABLE == registry.SHIPPED == ("jepa-frame", "jepa-frame-gru", "vjepa-tubelet",
                                                     "pixel-predictor", "object-jepa", "object-jepa-nomemory",
                                                     "object-jepa-pixels")
    for name in registry.SHIPPED:
        card = json.loads((CHECKPOINT_DIR / f"{name}.json").read_text())
        assert card["model"] == name and (CHECKPOINT_DIR / f"{name}.safetensors").exists()
    board = {p.name for p in (ROOT / "leaderboard" / "submissions" / LEADERBOARD_SUITE).iterdir()}
    assert board == set(registry.BUNDLED) | set(registry.AUDIT_PROBES)  # the audit's probes as references
    retired = {p.name for p in (ROOT / "leaderboard" / "submissions" / "voe-v1").iterdir()}
    # a retired board keeps the entries it had; models added since are not scored on it
    assert retired == set(registry.BUNDLED) - {"physics-tracker", "object-jepa", "untrained-object-jepa"}


def test_key_value_options_read_numbers_booleans_and_text():
    assert assignments(["lr=1e-3", "steps=20", "predictor=gru", "ema=true", "x=-2.5", "mode=nan", "y=.5"],
                       "--set") == {"lr": 1e-3, "steps": 20, "predictor": "gru", "ema": True, "x": -2.5,
                                    "mode": "nan", "y": 0.5}
    with pytest.raises(UsageError, match="KEY=VALUE"):
        assignments(["lr"], "--set")


class Brightness:
    """A third party's model in a notebook: mean brightness change, batched."""

    name, version, weights_hash = "brightness", "1", None

    def surprise(self, frames):
        m = frames.reshape(len(frames), -1).mean(1)
        return np.concatenate([[np.nan], np.abs(np.diff(m))])

    def surprise_batch(self, clips):
        return [self.surprise(c) for c in clips]


@pytest.mark.slow
def test_evaluate_takes_a_model_object_and_records_its_arguments(demo_suite, demo_cache, tmp_path):
    import pandas as pd

    from voebench.scenes.dataset import read_clip, read_manifest

    data = demo_suite[0]
    result = voebench.evaluate(Brightness(), data, tmp_path / "out", cache=demo_cache, null_seeds=2,
                               batch_size=4, progress=False)
    saved = json.loads((tmp_path / "out" / "results.json").read_text())
    assert saved["model"]["id"] == "brightness@1" and result["metrics"] == saved["metrics"]
    assert saved["run"].pop("model").endswith("test_package:Brightness")
    assert saved["run"] == {"data": str(data), "format": "voebench", "out": str(tmp_path / "out"),
                            "cache": str(demo_cache), "workers": 1, "batch_size": 4, "null_seeds": 2, "skip_bad": False, "scheduler": None,
                            "timeout": None, "weights": None, "model_args": {}}
    # scores.parquet holds what the object returned (in batches of 4), clip by clip
    scores = pd.read_parquet(tmp_path / "out" / "scores.parquet").set_index("clip_id")["surprise"]
    rows = read_manifest(data)
    assert len(scores) == len(rows)
    for row in rows:
        np.testing.assert_array_equal(scores[row["clip_id"]], Brightness().surprise(read_clip(data / row["path"])["frames"]))
    by_name = voebench.evaluate("frame-diff", data, tmp_path / "fd", cache=demo_cache, null_seeds=2,
                                progress=False)
    assert by_name["run"]["model"] == "frame-diff"
    with pytest.raises(TypeError, match="already built"):
        voebench.evaluate(Brightness(), data, tmp_path / "x", weights="w.safetensors")


class Leaky(Brightness):
    """Scores a clip against the batch mean: its score depends on the other clips."""

    def surprise_batch(self, clips):
        base = np.mean([c.mean() for c in clips])
        return [self.surprise(c) + abs(c.mean() - base) for c in clips]


class Restless(Brightness):
    calls = 0

    def surprise(self, frames):
        self.calls += 1
        return super().surprise(frames) + self.calls


class Short(Brightness):
    def surprise(self, frames):
        return super().surprise(frames)[1:]


class Nameless(Brightness):
    name = ""
    weights_hash = 3


@pytest.mark.parametrize("model,message", [
    (Leaky(), "must not depend on its batch"),
    (Restless(), "deterministic"),
    (Short(), "expected \\[32\\]"),
    (Nameless(), "`name` must be a non-empty string.*`weights_hash`"),
])
def test_check_model_names_what_breaks_the_protocol(model, message):
    with pytest.raises(ModelOutputError, match=message):
        voebench.check_model(model)


def test_check_model_passes_every_built_in_model_with_its_context():
    report = voebench.check_model(Brightness())
    assert report["context_frames"] == 1 and report["batch_difference"] == 0.0
    for name in ("frame-diff", "untrained-null", "jepa-frame", "vjepa-tubelet"):
        voebench.check_model(registry.create(name))
