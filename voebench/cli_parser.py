"""The `voebench` command's arguments: one small function per subcommand, shared options declared
once. Parsing only; voebench/cli.py maps the parsed arguments to the API. An option whose default
is None was not given: the API fills the default and refuses what other options would make it
ignore."""
from __future__ import annotations

import argparse


def _add_parallel(parser: argparse.ArgumentParser, workers_help: str = "local processes (default 1)",
                  scheduler: bool = True) -> None:
    parser.add_argument("--workers", type=int, help=workers_help)
    if scheduler:
        parser.add_argument("--scheduler", help="Dask: 'local:N' (a LocalCluster on 127.0.0.1) or 'tcp://HOST:PORT' "
                                                "(needs voebench[dask]); not with --workers")


def _add_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache", help="score cache (default $VOEBENCH_CACHE or ~/.cache/voebench)")


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _generate_parser(sub) -> None:
    from voebench.scenes.design import (DEFAULT_DESIGN, DEFAULT_FRAMES, DEFAULT_PER_CONDITION, DEFAULT_RENDERER,
                                        DEFAULT_RESOLUTION, DEFAULT_SEED, DEFAULT_TRAIN_CLIPS, DESIGNS, PRINCIPLES)
    from voebench.scenes.look import DEFAULT_LOOK, LOOKS

    g = sub.add_parser("generate", help="render a test suite of quadruplets or a playground training set")
    g.add_argument("--out", help="dataset directory (created; an interrupted run resumes); default runs/SUITE with --suite")
    g.add_argument("--suite", help="an official suite (voe-v2, voe-v2-mini; HD: voe-v2-hd, voe-v2-hd-mini; retired: voe-v1, "
                                   "voe-mini): its frozen seed and settings, and a check of its hash; of the options "
                                   "below, only --workers, --scheduler and --quiet go with it")
    g.add_argument("--split", choices=["test", "train"],
                   help="test (default): quadruplets; train: a playground of --clips possible clips")
    g.add_argument("--principles", nargs="+", metavar="NAME", help=f"subset of: {' '.join(PRINCIPLES)} (default: all)")
    g.add_argument("--per-condition", type=int,
                   help=f"test quadruplets per principle x condition (default {DEFAULT_PER_CONDITION})")
    g.add_argument("--clips", type=int, help=f"train clips (default {DEFAULT_TRAIN_CLIPS})")
    g.add_argument("--seed", type=int, help=f"seeds every item's random generator (default {DEFAULT_SEED})")
    g.add_argument("--sweep", metavar="AXIS=LO:HI:N", help="a controlled sweep: --per-condition quadruplets at each of N "
                   "levels of one axis, e.g. hidden_frames=2:14:7 (permanence, occluded; the levels are measured)")
    g.add_argument("--resolution", type=int, help=f"pixels a side (default {DEFAULT_RESOLUTION})")
    g.add_argument("--frames", type=int, help=f"frames per clip, at 16 fps (default {DEFAULT_FRAMES})")
    g.add_argument("--renderer", choices=["tiny", "egl"],
                   help=f"tiny: TinyRenderer on the CPU; egl: the EGL plugin, on a GPU (default {DEFAULT_RENDERER})")
    g.add_argument("--design", type=int, choices=DESIGNS,
                   help=f"scene design version (default {DEFAULT_DESIGN}: design 2's scenes with the reveal dated where the "
                        "violation is seen; 2: voe-v2; 1: the retired voe-v1)")
    g.add_argument("--look", choices=list(LOOKS),
                   help="flat (voe-v1/v2: untextured, 64 px) or studio (the HD suites: textured floor and back wall, "
                        f"top light, shiny objects); pixels only, the same scenes and checks (default {DEFAULT_LOOK})")
    _add_parallel(g)
    _add_quiet(g)


def _evaluate_parser(sub) -> None:
    from voebench.benchmark.formats import FORMATS
    from voebench.benchmark.runner import BATCH_SIZE

    e = sub.add_parser("evaluate", help="score a model on a suite and compute VoE metrics")
    e.add_argument("--model", required=True, help="a built-in or installed model name, or FILE.py:ClassName")
    e.add_argument("--weights", help="weights file or folder handed to the model")
    e.add_argument("--model-arg", action="append", metavar="KEY=VALUE", help="extra constructor argument (repeatable)")
    e.add_argument("--data", required=True, help="a voebench suite, or an IntPhys / IntPhys 2 / Physical Concepts folder")
    e.add_argument("--format", choices=FORMATS, help="the data's format (default: detected from its layout)")
    e.add_argument("--resize", type=int, metavar="PX", help="resize frames to PX x PX (area interpolation), e.g. 64 "
                   "for the bundled models on IntPhys' 288 px frames")
    e.add_argument("--frame-step", type=int, default=1, metavar="K", help="read every K-th frame (default 1)")
    e.add_argument("--out", required=True, help="results directory")
    e.add_argument("--batch-size", type=int, help=f"clips a model gets at once (default {BATCH_SIZE}; scores do not "
                   "depend on it: tests/test_portable.py)")
    e.add_argument("--null-seeds", type=int, help="untrained-null seeds for the paired comparison with chance (default "
                   "NULL_SEEDS of benchmark/evaluate.py; context: detection does not use them)")
    e.add_argument("--skip-bad", action="store_true", help="list and skip corrupt clips instead of stopping")
    e.add_argument("--timeout", type=float, help="seconds a model may spend on one clip before it counts as hung")
    e.add_argument("--device", default="cpu", help="cpu (default: decisions identical on any CPU), cuda, cuda:N or "
                                                   "auto (a GPU if there is one), for models that take one")
    e.add_argument("--dtype", choices=["auto", "float64", "float32", "bfloat16", "float16"],
                   help="scoring precision (default auto: float64 on the CPU, float32 on a GPU)")
    _add_parallel(e)
    _add_cache(e)
    _add_quiet(e)


def _train_parser(sub) -> None:
    from voebench.models.registry import TRAINABLE

    t = sub.add_parser("train", help="self-supervised training on a playground (--split train) dataset")
    t.add_argument("--model", required=True, choices=TRAINABLE)
    t.add_argument("--data", required=True, help="a playground dataset (voebench generate --split train)")
    t.add_argument("--out", required=True, help="directory for MODEL.safetensors and MODEL.json (the model card)")
    t.add_argument("--minutes", type=float, help="wall-clock budget")
    t.add_argument("--steps", type=int, help="step budget (exactly reproducible)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config field (repeatable)")
    t.add_argument("--snapshot-every", type=int, metavar="N",
                   help="also keep OUT/snapshots/MODEL-stepN.safetensors every N steps (stability over the last checkpoints)")
    t.add_argument("--device", default="cpu", help="cpu (default: deterministic for a seed), cuda, cuda:N or auto")
    _add_quiet(t)


def _submit_parser(sub) -> None:
    s = sub.add_parser("submit", help="validate a results directory and add it to the leaderboard")
    s.add_argument("results", help="a RESULTS_DIR written by voebench evaluate")
    s.add_argument("--card", help="model card JSON (default RESULTS_DIR/card.json): name, authors, description, "
                                  "parameters, training_data, link, license")
    s.add_argument("--root", help=argparse.SUPPRESS)


def _leaderboard_parser(sub) -> None:
    from voebench.scenes.design import LEADERBOARD_SUITE

    lb = sub.add_parser("leaderboard", help="rebuild leaderboard.csv, LEADERBOARD.md and the web page")
    lb.add_argument("--suite", default=LEADERBOARD_SUITE)
    lb.add_argument("--data", help="the suite's generated data, for the animated previews in the gallery")
    lb.add_argument("--root", help=argparse.SUPPRESS)
    lb.add_argument("--out", help=argparse.SUPPRESS)


def _run_parser(sub) -> None:
    from voebench.api import RUN_WORKERS
    from voebench.scenes.design import DEMO_SUITE, LEADERBOARD_SUITE

    rn = sub.add_parser("run", help="the whole suite in one command: generate, evaluate every bundled model, leaderboard")
    rn.add_argument("--suite", default=DEMO_SUITE, help=f"{DEMO_SUITE} (minutes) or {LEADERBOARD_SUITE} (the leaderboard suite)")
    rn.add_argument("--runs", default="runs", help="where suites and results are kept (cached)")
    _add_parallel(rn, workers_help=f"local processes that generate the suite (default {RUN_WORKERS}; scoring stays in "
                                   "this process, or goes to --scheduler)")
    _add_quiet(rn)


def _audit_parser(sub) -> None:
    a = sub.add_parser("audit", help="check that every cell of a suite tests its principle and leaves no shortcut "
                                     "(exit 4 if a cell fails)")
    a.add_argument("data", help="a generated test suite")
    a.add_argument("--out", help="also write OUT/audit.md and audit.json")
    _add_parallel(a, scheduler=False)
    _add_cache(a)
    _add_quiet(a)


def _report_parser(sub) -> None:
    r = sub.add_parser("report", help="rewrite report.md and figures from RESULTS_DIR/results.json")
    r.add_argument("results")


def _compare_parser(sub) -> None:
    c = sub.add_parser("compare", help="one table over several results directories (seeds, checkpoints, models)")
    c.add_argument("results", nargs="+", help="RESULTS_DIR of voebench evaluate, one per run")
    c.add_argument("--out", help="also write the table to this Markdown file")
    c.add_argument("--difference", action="store_true",
                   help="also each run's macro accuracy minus the first run's, per condition, with a paired "
                        "bootstrap 95 %% CI over quadruplets (is a model ahead?)")


def _curves_parser(sub) -> None:
    cv = sub.add_parser("curves", help="several models' psychometric curves on one suite (a sweep): a JSON summary "
                        "and a picture")
    cv.add_argument("results", nargs="+", help="RESULTS_DIR of voebench evaluate, one per model, all on one suite")
    cv.add_argument("--out", required=True, help="summary JSON (the leaderboard page reads leaderboard/sweeps/*.json)")
    cv.add_argument("--figure", help="also write the curves as a PNG")
    cv.add_argument("--axis", help="the axis to draw (default: the sweep's)")


def _human_study_parser(sub) -> None:
    hs = sub.add_parser("human-study", help="a self-contained web page to measure people on a suite's clips")
    hs.add_argument("data", help="a generated test suite (or another dataset, see --format)")
    hs.add_argument("--out", required=True, help="the study folder (created; never overwritten)")
    hs.add_argument("--clips", type=int, default=112, help="clips per participant, whole quadruplets (default 112: "
                    "about 8 minutes); the suite's quadruplets are split into lists of this size")
    hs.add_argument("--seed", type=int, default=0, help="seeds the lists, orders and attention checks")
    hs.add_argument("--scale", choices=["1-6", "yes-no"], default="1-6", help="the answer scale (IntPhys: 1-6)")
    hs.add_argument("--fps", type=float, help="playback rate (default the suite's, 16)")
    hs.add_argument("--repeats", type=int, default=2, help="attention check: clips shown twice")
    hs.add_argument("--catch", type=int, default=2, help="attention check: obvious-violation pairs")
    hs.add_argument("--format", help="the dataset's format (default: detected)")
    _add_quiet(hs)


def _human_results_parser(sub) -> None:
    hr = sub.add_parser("human-results", help="participants' answer files as a results directory (a human baseline)")
    hr.add_argument("answers", nargs="+", help="STUDY_DIR/answers/*.json")
    hr.add_argument("--out", required=True, help="RESULTS_DIR (results.json, scores.parquet, report)")
    hr.add_argument("--study", help="the study folder (default: the folder above the answers/ folder)")
    hr.add_argument("--skip-invalid", action="store_true",
                    help="leave out (and list) malformed or tampered files instead of stopping at the first")


def _export_parser(sub) -> None:
    from voebench.benchmark.formats.export import EXPORT_FORMATS
    from voebench.benchmark.formats.video import CODECS, DEFAULT_CODEC

    x = sub.add_parser("export", help="write a suite as mp4 videos: a voebench mp4 suite, or IntPhys 2's layout")
    x.add_argument("data", help="a generated test suite")
    x.add_argument("--out", required=True, help="export folder (created)")
    x.add_argument("--format", choices=EXPORT_FORMATS, default="mp4",
                   help="mp4: the suite with .mp4 clips (every label kept); intphys2: OUT/SPLIT/metadata.csv + Videos/")
    x.add_argument("--codec", choices=list(CODECS), default=DEFAULT_CODEC,
                   help="h264rgb: lossless H.264 in RGB (FFmpeg-based readers); h264: yuv420p crf 12, near-lossless, "
                        "plays in browsers")
    x.add_argument("--split", help="IntPhys 2 split folder name, with --format intphys2 (default Main)")
    _add_quiet(x)


SUBCOMMANDS = (_generate_parser, _evaluate_parser, _train_parser, _submit_parser, _leaderboard_parser, _run_parser,
               _audit_parser, _report_parser, _compare_parser, _curves_parser, _human_study_parser,
               _human_results_parser, _export_parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voebench", description="Violation-of-expectation benchmark for video world models.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser
