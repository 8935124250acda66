"""The public Python API: everything the `voebench` command does, callable from a notebook.

    import voebench
    voebench.generate_suite(suite="voe-v2-mini")                   # -> runs/voe-v2-mini
    voebench.check_model(MyModel())                                # protocol checks, in seconds
    voebench.evaluate(MyModel(), "runs/voe-v2-mini", "runs/results/my-model")
    voebench.evaluate("jepa-frame", "runs/voe-v2-mini", "runs/results/jepa-frame")
    voebench.submit("runs/results/my-model", card={...})           # official suites only
    voebench.build_leaderboard("voe-v2")
    voebench.run("voe-v2-mini")                                    # all of it, for the bundled models

Imports are lazy: `import voebench` loads neither torch nor PyBullet, and scoring a suite
never imports PyBullet (only generating does).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from voebench.scenes.design import DEMO_SUITE, LEADERBOARD_SUITE


class SuiteMismatch(ValueError):
    """Generated data differ from the official suite of that name (info: its dataset.json)."""

    def __init__(self, message: str, info: dict):
        super().__init__(message)
        self.info = info


class IgnoredSettings(ValueError):
    """Settings a call would ignore, refused rather than dropped in silence (issue 28). `names`
    are keyword arguments; `spelled(spell)` words the message in the caller's terms (the CLI
    spells per_condition as --per-condition); str() uses the keyword names."""

    def __init__(self, names, context: str, advice: str):
        self.names, self.context, self.advice = list(names), context, advice
        super().__init__(self.spelled(str))

    def spelled(self, spell) -> str:
        words = _Spelled(spell, them="it" if len(self.names) == 1 else "them")
        return (f"{', '.join(map(spell, self.names))} {'does' if len(self.names) == 1 else 'do'} not apply "
                f"{self.context.format_map(words)}; {self.advice.format_map(words)}")


class _Spelled(dict):
    """{name} in a message template -> the caller's spelling of that setting."""

    def __init__(self, spell, **words):
        super().__init__(words)
        self.spell = spell

    def __missing__(self, name: str) -> str:
        return self.spell(name)


def _given(**options) -> dict:
    """The options the caller gave: one left None takes the default of the function it goes to."""
    return {name: value for name, value in options.items() if value is not None}


def _parallel(workers: int | None, scheduler: str | None) -> dict:
    """How work is spread, as given: `workers` local processes, or a Dask `scheduler` whose own
    workers do the work (scenes/parallel.py), so `workers` beside it would be ignored."""
    if workers is not None and scheduler is not None:
        raise IgnoredSettings(["workers"], "with {scheduler} (its own workers do the work; local:N sets how many)",
                              "drop {workers} or {scheduler}")
    return _given(workers=workers, scheduler=scheduler)


def generate_suite(out: str | Path | None = None, suite: str | None = None, *, split: str | None = None,
                   principles: list[str] | None = None, per_condition: int | None = None, clips: int | None = None,
                   seed: int | None = None, resolution: int | None = None, frames: int | None = None,
                   renderer: str | None = None, design: int | None = None, look: str | None = None,
                   workers: int | None = None, scheduler: str | None = None, progress: bool = True,
                   sweep: str | None = None) -> dict:
    """Render (or finish: it resumes) a dataset; return its dataset.json content.

    With `suite` (voe-v2, voe-v2-mini; retired: voe-v1, voe-mini) its frozen settings are used, `out` defaults to
    runs/SUITE, and a content hash that differs from the official one raises SuiteMismatch
    after writing (the data stay); a setting given with it raises IgnoredSettings. Otherwise the
    keyword settings describe a custom suite, a setting left None taking GenerateConfig's default
    (scenes/generate.py; the values are in scenes/design.py): split="train" for a playground of
    `clips` possible-only clips (not with per_condition, principles or sweep; `clips` only with
    it); `design` the scene design version, scenes/design.py; `look` flat or studio,
    scenes/look.py; `sweep` "AXIS=LO:HI:N", per_condition quadruplets at each of N levels of one
    axis, scenes/sweep.py: the principles and conditions default to those the axis can be swept
    in. `workers` local processes or a Dask `scheduler`, not both."""
    from dataclasses import replace

    from voebench.benchmark import suites
    from voebench.scenes.generate import GenerateConfig, generate

    settings = _given(split=split, principles=principles, per_condition=per_condition, clips=clips, seed=seed,
                      resolution=resolution, frames=frames, renderer=renderer, design=design, look=look, sweep=sweep)
    parallel = _parallel(workers, scheduler)
    if suite is not None:
        official = suites.load(suite)
        if settings:
            frozen = Path(suites.SUITE_DIR.parent.name, suites.SUITE_DIR.name, f"{official.name}.toml")
            raise IgnoredSettings(settings, f"with {{suite}} {official.name} (its settings are frozen in {frozen})",
                                  "drop {them} or omit {suite} for a custom suite")
        cfg = replace(official.generate_config(str(out or f"runs/{official.name}")), **parallel)
        info = generate(cfg, progress=progress)
        problem = suites.hash_mismatch(official, info)
        if problem:
            raise SuiteMismatch(problem, info)
        return info
    if out is None:
        raise ValueError("generate_suite: give `out` (a directory) or `suite` (an official suite)")
    cfg = GenerateConfig(out=str(out), **{k: v for k, v in settings.items() if k != "principles"}, **parallel)
    if cfg.split == "train" and (ignored := [k for k in ("principles", "per_condition", "sweep") if k in settings]):
        raise IgnoredSettings(ignored, "with {split} train (a playground is {clips} possible clips, not quadruplets "
                                       "per principle, condition or sweep level)", "drop {them} or {split} train")
    if cfg.split == "test" and "clips" in settings:
        raise IgnoredSettings(["clips"], "without {split} train ({clips} sizes a playground; a test suite's size is "
                                         "{per_condition} quadruplets per cell)", "drop {them} or add {split} train")
    if sweep:
        from voebench.scenes.sweep import SWEEPABLE, SweepError, parse

        try:
            allowed = SWEEPABLE[parse(sweep).axis]
        except SweepError as e:
            from voebench.scenes.generate import ConfigError

            raise ConfigError(str(e)) from None
        cfg.principles, cfg.conditions = list(allowed["principles"]), list(allowed["conditions"])
    if principles:
        cfg.principles = list(principles)
    return generate(cfg, progress=progress)


def check_model(model, frames: int = 32, resolution: int = 64) -> dict:
    """Check a model object against the protocol on synthetic clips (see models/protocol.py);
    raises ModelOutputError naming every problem, returns what it measured."""
    from voebench.models.protocol import check_model as check

    return check(model, frames, resolution)


def evaluate(model, data: str | Path, out: str | Path, *, weights: str | None = None, model_args: dict | None = None,
             cache: str | Path | None = None, workers: int | None = None, batch_size: int | None = None,
             null_seeds: int | None = None, progress: bool = True, skip_bad: bool = False, scheduler: str | None = None,
             timeout: float | None = None, device: str = "cpu", dtype: str | None = None,
             format: str | None = None, resize: int | None = None, frame_step: int = 1) -> dict:
    """Score `model` on the suite in `data` and write OUT/results.json, scores.parquet, report.md
    and figures; return the results.

    `data` is a voebench suite or a dataset in another format (`format`: intphys, intphys2,
    physical-concepts; detected from the layout when None, see benchmark/formats); `resize` and
    `frame_step` set how its frames are read (a square side in pixels; every k-th frame).

    `model` is a name (`voebench.models.available()`), a "FILE.py:Class" spec, or a model
    object that follows the protocol (checked with check_model first; with workers > 1 each
    worker gets a pickled copy). `workers` local processes (default 1) or a Dask `scheduler`, not
    both: no decision depends on them (a network's float64 scores may, in the last bit:
    models/portable.py). `device` (cpu, cuda, cuda:N, auto) and `dtype` go to models that take
    them (see models/device.py); the untrained-null reference always runs on the CPU."""
    from voebench.benchmark.evaluate import NULL_SEEDS, evaluate as run_evaluation
    from voebench.benchmark.runner import ModelInstance, ModelRef
    from voebench.models.device import DeviceError, placement
    from voebench.models.registry import find

    parallel = _parallel(workers, scheduler)
    if isinstance(model, (str, ModelRef)):
        if isinstance(model, str):
            model = ModelRef(model, weights, dict(model_args or {}))
        ref = ModelRef(model.spec, model.weights, {**model.kwargs, **placement(find(model.spec), model.spec, device, dtype)})
    else:
        if weights is not None or model_args:
            raise TypeError("evaluate: `weights` and `model_args` go with a model name; this model is already built")
        if device not in ("cpu", "auto") or dtype is not None:
            raise DeviceError("evaluate: this model is already built; put it on its device yourself")
        check_model(model)
        ref = ModelInstance(model)
    from voebench.benchmark.formats import open_dataset

    dataset = open_dataset(data, format, resize=resize, frame_step=frame_step, cache=Path(cache) if cache else None,
                           progress=progress)
    return run_evaluation(ref, dataset, out, cache=Path(cache) if cache else None, **_given(batch_size=batch_size),
                          null_seeds=NULL_SEEDS if null_seeds is None else null_seeds, progress=progress,
                          skip_bad=skip_bad, timeout=timeout, **parallel)


def export(data: str | Path, out: str | Path, format: str = "mp4", codec: str = "h264rgb", split: str | None = None,
           progress: bool = True) -> dict:
    """Write a voebench suite's test clips as video: `format` mp4 (a voebench suite with .mp4
    clips) or intphys2 (IntPhys 2's layout and metadata.csv, in the folder `split`, default
    Main); `codec` h264rgb (lossless) or h264 (near-lossless, plays everywhere). See
    benchmark/formats/export.py."""
    from voebench.benchmark.formats.export import export as run_export

    if format == "mp4" and split is not None:
        raise IgnoredSettings(["split"], "with {format} mp4 ({split} names the folder of IntPhys 2's layout)",
                              "drop {them} or use {format} intphys2")
    return run_export(data, out, format, codec, progress=progress, **_given(split=split))


def train(model: str, data: str | Path, out: str | Path, **kwargs) -> dict:
    """Self-supervised training of a world model on a playground dataset (see models/train.py;
    `device="cuda"` or `"auto"` trains on a GPU)."""
    from voebench.models.train import train as run_training

    return run_training(model, data, out, **kwargs)


def submit(results: str | Path, card: dict | str | Path | None = None, root: str | Path | None = None) -> Path:
    """Validate an evaluate output (recomputing its metrics) and add it to the leaderboard of its
    suite; `card` is a dict or a JSON file (default RESULTS/card.json). Returns the new folder."""
    from voebench.leaderboard.submission import SUBMISSIONS, SubmissionError, submit as add

    if isinstance(card, (str, Path)):
        try:
            card = json.loads(Path(card).read_text())
        except (OSError, ValueError) as e:
            raise SubmissionError(f"model card {card}: {e}") from None
    return add(Path(results), card, root=Path(root) if root else SUBMISSIONS)


def build_leaderboard(suite: str = LEADERBOARD_SUITE, data: str | Path | None = None, root: str | Path | None = None,
                      out: str | Path | None = None) -> dict:
    """Rewrite leaderboard.csv, LEADERBOARD.md and the web page from the accepted submissions;
    `data` (the suite's generated data) adds the animated previews."""
    from voebench.leaderboard.build import build
    from voebench.leaderboard.submission import ROOT, SUBMISSIONS

    return build(suite, root=Path(root) if root else SUBMISSIONS, out=Path(out) if out else ROOT,
                 data=Path(data) if data else None)


def audit(data: str | Path, out: str | Path | None = None, *, cache: str | Path | None = None,
          workers: int | None = None, progress: bool = True) -> dict:
    """Audit a generated test suite (see benchmark/audit.py): structural checks per quadruplet and
    a battery of shortcut probes per principle x condition, with a verdict per cell; writes
    OUT/audit.md and audit.json if `out` is given."""
    from voebench.benchmark.audit import audit as run_audit

    return run_audit(data, out, cache=Path(cache) if cache else None, progress=progress, **_given(workers=workers))


def report(results: str | Path) -> list[Path]:
    """Rewrite report.md and the figures of a results directory from its results.json."""
    from voebench.benchmark.report import write_report

    return write_report(results)


def human_study(data: str | Path, out: str | Path, *, clips: int = 112, seed: int = 0, scale: str = "1-6",
                fps: float | None = None, repeats: int = 2, catch: int = 2, format: str | None = None,
                progress: bool = True) -> dict:
    """A self-contained study page of a suite's clips for people (benchmark/human/): OUT/index.html,
    clips/, study.json, answers/. Returns study.json's content."""
    from voebench.benchmark.human.study import make_study

    return make_study(data, out, clips=clips, seed=seed, scale=scale, fps=fps, repeats=repeats, catch=catch,
                      data_format=format, progress=progress)


def human_results(answers: list[str | Path], out: str | Path, *, study: str | Path | None = None,
                  skip_invalid: bool = False) -> dict:
    """People's answer files of a study as a results directory (scores, metrics, report), like a model's."""
    from voebench.benchmark.human.results import human_results as run

    return run(answers, out, study_dir=study, skip_invalid=skip_invalid)


def compare(results: list[str | Path], difference: bool = False) -> str:
    """One Markdown table over several results directories of one suite (seeds, checkpoints).
    With `difference`, also each run's macro accuracy minus the first run's, per condition, with
    a paired bootstrap CI (benchmark/difference.py)."""
    from voebench.benchmark.compare import compare_markdown, difference_markdown
    from voebench.benchmark.results import load_results

    labels = [str(d).rstrip("/") for d in results]
    text = compare_markdown({label: load_results(d) for label, d in zip(labels, results)})
    return text + ("\n" + difference_markdown(dict(zip(labels, results))) if difference else "")


RUN_WORKERS = 2  # `run`'s local processes when neither workers nor a scheduler is given: `make demo` on 2 cores


def run(suite: str = DEMO_SUITE, runs: str | Path = "runs", workers: int | None = None, progress: bool = True,
        scheduler: str | None = None) -> dict:
    """The whole suite in one call: generate it if missing (cached), evaluate every bundled model
    (cached scores) and the audit's probes (references), submit them to the suite's leaderboard
    and build it. The leaderboard suite (voe-v2) goes to the
    official leaderboard/ folder; any other suite to a local one under RUNS/SUITE/leaderboard/.
    A model already on the official board is not re-submitted (a new version only via submit).
    `workers` local processes (default RUN_WORKERS) generate the suite; a Dask `scheduler`
    generates it and scores."""
    import shutil

    from voebench.benchmark import suites
    from voebench.leaderboard.submission import ROOT, SUBMISSIONS, submit as add
    from voebench.models.checkpoint import CheckpointError
    from voebench.models.registry import AUDIT_PROBES, BUNDLED, RECORDS

    parallel = _parallel(workers, scheduler) or {"workers": RUN_WORKERS}
    if suites.load(suite).resolution != 64:
        # the bundled models are 64-pixel models (pixel-predictor decodes 64x64 frames); an HD
        # suite is for pretrained models, scored one at a time
        raise suites.SuiteError(f"suite {suite} is {suites.load(suite).resolution} px: `run` scores the bundled "
                                "64-pixel models; score a pretrained model on it with `voebench evaluate --model "
                                f"vjepa2-hf --weights DIR --data runs/{suite} --out ...`")
    start = time.perf_counter()
    data = Path(runs) / suite
    say = lambda text: print(text, file=sys.stderr, flush=True)
    say(f"[1/3] suite {suite}: {data}")
    try:
        generate_suite(data, suite, progress=progress, **parallel)
        mismatch = None
    except SuiteMismatch as e:
        mismatch = str(e)
        say("WARNING: " + mismatch)
    official = suite == LEADERBOARD_SUITE
    root = SUBMISSIONS if official else data / "leaderboard" / "submissions"
    out = ROOT if official else data / "leaderboard"
    if not official and root.exists():
        shutil.rmtree(root)  # the local board is rebuilt from this run's results
    say("[2/3] evaluate the bundled models")
    for name in BUNDLED + tuple(p for p in AUDIT_PROBES if p not in BUNDLED):
        results = data / "results" / name
        try:
            # Local workers do not score: a worker runs a network with one torch thread, whose float64
            # sums differ from this process's in the last bit (models/portable.py; tests/test_cli.py),
            # so the results would change bytes with the number of workers.
            evaluate(name, data, results, progress=progress, scheduler=scheduler)
        except CheckpointError as e:
            say(f"  skip {name}: {e}")
            continue
        if mismatch or (official and (root / suite / name).exists()):
            continue
        add(results, RECORDS[name].card(_parameters(name)), root=root)
    say("[3/3] leaderboard")
    result = build_leaderboard(suite, data=data, root=root, out=out)
    result["seconds"] = time.perf_counter() - start
    result["mismatch"] = mismatch
    return result


def _parameters(name: str) -> int | None:
    """A world model's parameter count, from its shipped model card."""
    from voebench.models.world_model import CHECKPOINT_DIR

    card = CHECKPOINT_DIR / f"{name}.json"
    return json.loads(card.read_text()).get("parameters") if card.exists() else None
