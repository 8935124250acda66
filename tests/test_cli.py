"""The `voebench` command as a thin map onto the API (issue 28): an option the command would
ignore is refused, shared options are declared once and every help still lists them, a custom
suite's defaults come from GenerateConfig alone, and `run --workers` reaches every step."""
import inspect
import json
import math
import re
from dataclasses import asdict

import pytest

import voebench
import voebench.cli_parser
from voebench.api import RUN_WORKERS, IgnoredSettings
from voebench.cli import main as cli
from voebench.scenes.generate import GenerateConfig

# Every option (and positional argument) of every subcommand before the parser was split up.
OPTIONS = {
    "generate": ["--out", "--suite", "--split", "--principles", "--per-condition", "--clips", "--seed", "--sweep",
                 "--resolution", "--frames", "--workers", "--renderer", "--design", "--look", "--scheduler", "--quiet"],
    "evaluate": ["--model", "--weights", "--model-arg", "--data", "--format", "--resize", "--frame-step", "--out",
                 "--workers", "--batch-size", "--scheduler", "--null-seeds", "--cache", "--skip-bad", "--timeout",
                 "--device", "--dtype", "--quiet"],
    "train": ["--model", "--data", "--out", "--minutes", "--steps", "--seed", "--set", "--snapshot-every", "--device",
              "--quiet"],
    "submit": ["results", "--card"],
    "leaderboard": ["--suite", "--data"],
    "run": ["--suite", "--runs", "--workers", "--scheduler", "--quiet"],
    "audit": ["data", "--out", "--workers", "--cache", "--quiet"],
    "report": ["results"],
    "compare": ["results", "--out", "--difference"],
    "curves": ["results", "--out", "--figure", "--axis"],
    "human-study": ["suite", "--out", "--clips", "--seed", "--scale", "--fps", "--repeats", "--catch", "--format",
                    "--quiet"],
    "human-results": ["answers", "--out", "--study", "--skip-invalid"],
    "export": ["suite", "--out", "--format", "--codec", "--split", "--quiet"],
}
# What a suite freezes, each with a value `generate` would accept without --suite.
FROZEN = [("--split", "test"), ("--principles", "permanence"), ("--per-condition", "3"), ("--clips", "5"),
          ("--seed", "1"), ("--resolution", "128"), ("--frames", "40"), ("--renderer", "egl"), ("--design", "2"),
          ("--look", "studio"), ("--sweep", "hidden_frames=2:14:7")]


def refused(capsys, argv: list[str]) -> str:
    assert cli(argv) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("flag,value", FROZEN)
def test_an_official_suites_settings_are_not_overridden_in_silence(capsys, tmp_path, flag, value):
    err = refused(capsys, ["generate", "--suite", "voe-v2-mini", "--out", str(tmp_path / "suite"), flag, value])
    assert err == (f"voebench generate: {flag} does not apply with --suite voe-v2-mini (its settings are frozen in "
                   "benchmark/suites/voe-v2-mini.toml); drop it or omit --suite for a custom suite\n")
    assert not (tmp_path / "suite").exists()


def test_every_ignored_option_is_named_at_once(capsys):
    err = refused(capsys, ["generate", "--suite", "voe-v2", "--seed", "3", "--frames", "40", "--quiet"])
    assert err == ("voebench generate: --seed, --frames do not apply with --suite voe-v2 (its settings are frozen in "
                   "benchmark/suites/voe-v2.toml); drop them or omit --suite for a custom suite\n")


@pytest.mark.parametrize("argv,message", [
    (["--clips", "5"], "--clips does not apply without --split train"),
    (["--split", "test", "--clips", "5"], "--clips does not apply without --split train"),
    (["--split", "train", "--per-condition", "2"], "--per-condition does not apply with --split train"),
    (["--split", "train", "--principles", "gravity"], "--principles does not apply with --split train"),
    (["--split", "train", "--sweep", "hidden_frames=2:14:7"], "--sweep does not apply with --split train"),
    (["--split", "train", "--per-condition", "2", "--principles", "gravity"],
     "--principles, --per-condition do not apply with --split train"),
])
def test_a_playground_and_a_test_suite_take_their_own_size(capsys, tmp_path, argv, message):
    """A playground is --clips possible clips: no principles, cells or sweep levels to size;
    a test suite has no use for --clips."""
    err = refused(capsys, ["generate", "--out", str(tmp_path / "data"), *argv])
    assert err.startswith(f"voebench generate: {message} (") and not (tmp_path / "data").exists()


@pytest.mark.parametrize("argv", [["generate", "--out", "DIR"], ["evaluate", "--model", "frame-diff", "--data", "DIR",
                                                                  "--out", "DIR/results"], ["run", "--runs", "DIR"]])
def test_local_workers_beside_a_dask_scheduler_are_refused(capsys, tmp_path, argv):
    """With a scheduler its own workers do the work (scenes/parallel.py): --workers would be ignored."""
    argv = [a.replace("DIR", str(tmp_path / "x")) for a in argv]
    err = refused(capsys, [*argv, "--workers", "2", "--scheduler", "local:2"])
    assert f"voebench {argv[0]}: --workers does not apply with --scheduler (" in err
    assert not (tmp_path / "x").exists()


def test_export_split_goes_with_the_intphys2_layout_only(capsys, tmp_path):
    err = refused(capsys, ["export", str(tmp_path / "suite"), "--out", str(tmp_path / "mp4"), "--split", "Dev"])
    assert err.startswith("voebench export: --split does not apply with --format mp4 (")


def test_the_api_refuses_the_same_in_its_own_words(tmp_path):
    with pytest.raises(IgnoredSettings, match=r"^seed, frames do not apply with suite voe-v2-mini \(") as refusal:
        voebench.generate_suite(tmp_path / "a", suite="voe-v2-mini", seed=1, frames=40)
    assert isinstance(refusal.value, ValueError) and refusal.value.names == ["seed", "frames"]
    with pytest.raises(IgnoredSettings, match=r"^clips does not apply without split train"):
        voebench.generate_suite(tmp_path / "b", clips=3)
    with pytest.raises(IgnoredSettings, match=r"^workers does not apply with scheduler"):
        voebench.evaluate("frame-diff", tmp_path / "c", tmp_path / "d", workers=2, scheduler="local:2")
    assert not any(tmp_path.iterdir())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A custom suite from the command line: permanence, one quadruplet per condition."""
    out = tmp_path_factory.mktemp("tiny")
    assert cli(["generate", "--out", str(out), "--principles", "permanence", "--per-condition", "1", "--frames", "32",
                "--quiet"]) == 0
    return out


def test_a_custom_suite_takes_generate_configs_defaults(tiny):
    config = json.loads((tiny / "dataset.json").read_text())["config"]
    defaults = asdict(GenerateConfig(out=str(tiny)))
    for name in ("out", "workers", "scheduler", "sweep"):  # what dataset.json leaves out (scenes/generate.py)
        defaults.pop(name)
    assert config == {**defaults, "principles": ["permanence"], "per_condition": 1}
    # the values custom suites have always had: their content hashes depend on them
    assert {k: config[k] for k in ("split", "seed", "resolution", "frames", "renderer", "design", "look", "clips")} == {
        "split": "test", "seed": 0, "resolution": 64, "frames": 32, "renderer": "tiny", "design": 3, "look": "flat",
        "clips": 200}
    assert GenerateConfig.per_condition == 20


def test_every_help_lists_every_option(capsys):
    for command, options in OPTIONS.items():
        with pytest.raises(SystemExit) as done:
            cli([command, "--help"])
        text = capsys.readouterr().out
        assert done.value.code == 0
        missing = [o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
        assert not missing, f"voebench {command} --help lacks {missing}"
    with pytest.raises(SystemExit):
        cli(["--help"])
    text = capsys.readouterr().out
    assert all(command in text for command in OPTIONS)


def test_shared_options_are_declared_once():
    source = inspect.getsource(voebench.cli_parser)
    for flag in ("--quiet", "--workers", "--scheduler", "--cache"):
        assert source.count(f'add_argument("{flag}"') == 1, flag


@pytest.mark.parametrize("argv,generation,scoring", [
    ([], {"workers": RUN_WORKERS}, {"scheduler": None}),
    (["--workers", "3"], {"workers": 3}, {"scheduler": None}),
    (["--scheduler", "local:2"], {"scheduler": "local:2"}, {"scheduler": "local:2"}),
])
def test_run_generates_with_its_workers_and_scores_in_one_process(monkeypatch, tmp_path, argv, generation, scoring):
    """Local workers would change the bytes of a network's scores (the test below); a Dask
    scheduler takes both steps, as it always did."""
    steps = []
    monkeypatch.setattr(voebench.api, "generate_suite", lambda data, suite, progress, **kw: steps.append(("generate", kw)))
    monkeypatch.setattr(voebench.api, "evaluate", lambda name, data, out, progress, **kw: steps.append((name, kw)))
    monkeypatch.setattr("voebench.leaderboard.submission.submit", lambda *args, **kwargs: None)
    board = tmp_path / "LEADERBOARD.md"
    board.write_text("the board\n")
    monkeypatch.setattr(voebench.api, "build_leaderboard", lambda *args, **kwargs: {"markdown": board, "page": board})
    assert cli(["run", "--runs", str(tmp_path), "--quiet", *argv]) == 0
    assert steps[0] == ("generate", generation)
    assert len(steps) > 10 and all(kw == scoring for _, kw in steps[1:])  # every bundled model and audit probe


def close(a, b, path="metrics") -> list[str]:
    """Where two results differ by more than float64 round-off."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in close(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in close(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_evaluate_workers_change_no_decision(tiny, tmp_path, monkeypatch):
    """Two scoring processes against one: a probe's scores are the same bytes (integer
    arithmetic); a network's float64 scores (here the untrained null's) agree to round-off, not
    bit for bit, because a worker runs torch on one thread (models/portable.py). Every decision
    and accuracy is the same, but result files would not be: why `run` keeps its workers for
    generation."""
    from voebench.benchmark import runner

    monkeypatch.setattr(runner, "CHUNK", 2)  # several chunks of the tiny suite, so both processes score some
    results = {}
    for workers in (1, 2):
        out = tmp_path / f"workers-{workers}"
        assert cli(["evaluate", "--model", "frame-diff", "--data", str(tiny), "--out", str(out), "--workers",
                    str(workers), "--null-seeds", "1", "--cache", str(tmp_path / f"cache-{workers}"), "--quiet"]) == 0
        results[workers] = json.loads((out / "results.json").read_text())
        assert results[workers]["run"]["workers"] == workers
    assert (tmp_path / "workers-1" / "scores.parquet").read_bytes() == (tmp_path / "workers-2" / "scores.parquet").read_bytes()
    assert results[1]["quadruplets"] == results[2]["quadruplets"]
    assert not close(results[1]["metrics"], results[2]["metrics"])
