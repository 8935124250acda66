"""The `voebench` command: maps its arguments to the Python API (voebench/api.py), nothing more."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import voebench


class UsageError(ValueError):
    """An option's value is malformed."""


def assignments(items: list[str] | None, option: str) -> dict:
    """KEY=VALUE pairs of a repeatable option, values read as int, float, true/false or text."""
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{option} {item!r}: expected KEY=VALUE")
        out[key] = _value(value)
    return out


def _value(text: str):
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):  # not "nan" or "inf": those stay text
        return float(text)
    return {"true": True, "false": False}.get(text.lower(), text)


def _generate(args) -> int:
    from voebench.scenes.generate import ConfigError

    if not args.suite and not args.out:
        print("voebench generate: give --out DIR (or --suite NAME)", file=sys.stderr)
        return 2
    try:
        info = voebench.generate_suite(
            args.out, args.suite, split=args.split, principles=args.principles, per_condition=args.per_condition,
            clips=args.clips, seed=args.seed, resolution=args.resolution, frames=args.frames, renderer=args.renderer,
            design=args.design, look=args.look, workers=args.workers, scheduler=args.scheduler, progress=not args.quiet,
            sweep=args.sweep)
    except ConfigError as e:
        print(f"voebench generate: {e}", file=sys.stderr)
        return 2
    except voebench.SuiteMismatch as e:
        print(f"wrote suite {args.suite} to {args.out or 'runs/' + args.suite} "
              f"(content hash {e.info['content_hash'][:16]})")
        print(f"voebench generate: {e}", file=sys.stderr)
        return 3
    if args.suite:
        print(f"wrote suite {args.suite} to {args.out or 'runs/' + args.suite} (content hash {info['content_hash'][:16]})")
        print("content hash matches the official suite")
        return 0
    counts = info["counts"]
    print(f"wrote {counts['clips']} clips to {args.out} (content hash {info['content_hash'][:16]})")
    for principle, conds in counts.get("quadruplets", {}).items():
        print(f"  {principle:13s} " + "  ".join(f"{c}: {n}" for c, n in sorted(conds.items())))
    return 0


def _evaluate(args) -> int:
    from voebench.benchmark.report import markdown

    result = voebench.evaluate(args.model, args.data, args.out, weights=args.weights,
                               model_args=assignments(args.model_arg, "--model-arg"), cache=args.cache,
                               workers=args.workers, batch_size=args.batch_size, null_seeds=args.null_seeds,
                               progress=not args.quiet, skip_bad=args.skip_bad, scheduler=args.scheduler,
                               timeout=args.timeout, device=args.device, dtype=args.dtype, format=args.format,
                               resize=args.resize, frame_step=args.frame_step)
    print(markdown(result))
    speed = result["throughput"]
    if speed["clips"]:
        print(f"scored {speed['clips']} clips in {speed['seconds']:.1f} s on {speed['device']}: "
              f"{speed['clips_per_s']:.2f} clips/s")
    else:
        print("every clip's score came from the cache")
    if result["skipped_clips"]:
        print(f"skipped {len(result['skipped_clips'])} bad clips:", *result["skipped_clips"], sep="\n  ")
    print(f"wrote {args.out}/results.json, scores.parquet, report.md, accuracy.png, surprise_curves.png")
    return 0


def _human_study(args) -> int:
    record = voebench.human_study(args.suite, args.out, clips=args.clips, seed=args.seed, scale=args.scale,
                                  fps=args.fps, repeats=args.repeats, catch=args.catch, format=args.format,
                                  progress=not args.quiet)
    design = record["design"]
    trials = [len(f["trials"]) for f in record["forms"]]
    print(f"wrote study {record['study_id']} to {args.out}: {len(record['clips'])} clips in {design['lists']} lists "
          f"of about {design['clips_per_list']}, {design['forms']} forms (list k forward = form 2k, reversed = 2k+1), "
          f"{min(trials)}-{max(trials)} trials each with the attention checks")
    print(f"participants open {args.out}/index.html?form=K (K = 0..{design['forms'] - 1}, in turn), or index.html "
          f"for a random form; their downloaded files go to {args.out}/answers/")
    print(f"attention rule: {record['rule']['text']}")
    return 0


def _human_results(args) -> int:
    result = voebench.human_results(args.answers, args.out, study=args.study, skip_invalid=args.skip_invalid)
    human, overall = result["human"], result["metrics"]["mean"]["overall"]
    print(f"{human['kept']} of {human['valid']} participants kept by the attention rule "
          f"({len(human['rejected'])} files rejected); {human['clips_rated']} of {human['clips_in_study']} clips rated")
    for e in human["excluded"]:
        print(f"  excluded {e['file']}: {'; '.join(e['reasons'])}")
    for r in human["rejected"]:
        print(f"  rejected {r['reason']}")
    print(f"relative (quadruplet) accuracy {overall['relative_accuracy']:.1%}, AUC {overall['auc']:.1%}, "
          f"null (ratings permuted) {overall['null_relative_accuracy']:.1%}")
    print(f"wrote {args.out}/results.json, scores.parquet, report.md")
    return 0


def _train(args) -> int:
    voebench.train(args.model, args.data, args.out, minutes=args.minutes, steps=args.steps, seed=args.seed,
                   overrides=assignments(args.set, "--set"), progress=not args.quiet,
                   snapshot_every=args.snapshot_every, device=args.device)
    return 0


def _submit(args) -> int:
    from voebench.leaderboard.submission import SubmissionError

    try:
        target = voebench.submit(args.results, args.card, root=args.root)
    except SubmissionError as e:
        print(f"voebench submit: rejected: {e}", file=sys.stderr)
        return 2
    print(f"accepted: {target}")
    return 0


def _leaderboard(args) -> int:
    result = voebench.build_leaderboard(args.suite, data=args.data, root=args.root, out=args.out)
    print(Path(result["markdown"]).read_text())
    print(f"web page: {result['page']}")
    return 0


def _run(args) -> int:
    result = voebench.run(args.suite, args.runs, workers=args.workers, progress=not args.quiet,
                          scheduler=args.scheduler)
    print(Path(result["markdown"]).read_text())
    print(f"web page: {Path(result['page']).resolve()}")
    print(f"took {result['seconds']:.0f} s")
    return 0 if not result["mismatch"] else 3


def _audit(args) -> int:
    from voebench.benchmark.audit import markdown

    result = voebench.audit(args.data, args.out, cache=args.cache, workers=args.workers, progress=not args.quiet)
    print(markdown(result))
    if args.out:
        print(f"wrote {args.out}/audit.md and audit.json")
    return 0 if result["passed"] == len(result["cells"]) else 4


def _report(args) -> int:
    for path in voebench.report(args.results):
        print(path)
    return 0


def _compare(args) -> int:
    from voebench.scenes.dataset import atomic_write_text

    try:
        text = voebench.compare(args.results, difference=args.difference)
    except ValueError as e:  # suites differ; an unreadable results.json is reported by main()
        print(f"voebench compare: {e}", file=sys.stderr)
        return 2
    print(text)
    if args.out:
        atomic_write_text(Path(args.out), text)
    return 0


def _curves(args) -> int:
    import json

    from voebench.benchmark.curves import summarise, summary_figure
    from voebench.benchmark.psychometric import describe_point
    from voebench.scenes.dataset import atomic_write_bytes, atomic_write_text

    try:
        summary = summarise(args.results, args.axis)
    except ValueError as e:
        print(f"voebench curves: {e}", file=sys.stderr)
        return 2
    atomic_write_text(Path(args.out), json.dumps(summary, indent=1, sort_keys=True) + "\n")
    if args.figure:
        atomic_write_bytes(Path(args.figure), summary_figure(summary))
    for model, cells in summary["models"].items():
        print(f"{model:28s} " + "  ".join(f"{cell}: 75 % point {describe_point(c)}" for cell, c in cells.items()))
    print(f"wrote {args.out}" + (f" and {args.figure}" if args.figure else ""))
    return 0


def _export(args) -> int:
    record = voebench.export(args.suite, args.out, format=args.format, codec=args.codec, split=args.split,
                             progress=not args.quiet)
    kind = "lossless" if record["lossless"] else "near-lossless (lossy)"
    print(f"wrote {record['clips']} clips to {args.out} as {args.format} ({record['encoder']}, {kind}); "
          f"record in {args.out}/export.json")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from voebench.benchmark.formats import FORMATS
    from voebench.benchmark.formats.export import EXPORT_FORMATS
    from voebench.benchmark.formats.video import CODECS, DEFAULT_CODEC
    from voebench.models.registry import TRAINABLE
    from voebench.scenes.design import (DEFAULT_DESIGN, DEFAULT_PER_CONDITION, DEFAULT_TRAIN_CLIPS, DEMO_SUITE, DESIGNS,
                                        LEADERBOARD_SUITE, PRINCIPLES)

    parser = argparse.ArgumentParser(prog="voebench", description="Violation-of-expectation benchmark for video world models.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="render a test suite of quadruplets or a playground training set")
    g.add_argument("--out", help="dataset directory (created; an interrupted run resumes); default runs/SUITE with --suite")
    g.add_argument("--suite", help="an official suite (voe-v2, voe-v2-mini; HD: voe-v2-hd, voe-v2-hd-mini; retired: voe-v1, "
                                   "voe-mini): its seed and settings, and a check of its hash")
    g.add_argument("--split", choices=["test", "train"], default="test")
    g.add_argument("--principles", nargs="+", metavar="NAME", help=f"subset of: {' '.join(PRINCIPLES)} (default: all)")
    g.add_argument("--per-condition", type=int, default=DEFAULT_PER_CONDITION,
                   help=f"test quadruplets per principle x condition (default {DEFAULT_PER_CONDITION})")
    g.add_argument("--clips", type=int, default=DEFAULT_TRAIN_CLIPS,
                   help=f"train clips (default {DEFAULT_TRAIN_CLIPS})")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--sweep", metavar="AXIS=LO:HI:N", help="a controlled sweep: --per-condition quadruplets at each of N "
                   "levels of one axis, e.g. hidden_frames=2:14:7 (permanence, occluded; the levels are measured)")
    g.add_argument("--resolution", type=int, default=64)
    g.add_argument("--frames", type=int, default=32)
    g.add_argument("--workers", type=int, default=1)
    g.add_argument("--renderer", choices=["tiny", "egl"], default="tiny")
    g.add_argument("--design", type=int, choices=DESIGNS, default=DEFAULT_DESIGN,
                   help=f"scene design version (default {DEFAULT_DESIGN}: design 2's scenes with the reveal dated where the "
                        "violation is seen; 2: voe-v2; 1: the retired voe-v1)")
    g.add_argument("--look", choices=["flat", "studio"], default="flat",
                   help="flat (voe-v1/v2: untextured, 64 px) or studio (the HD suites: textured floor and back wall, "
                        "top light, shiny objects); pixels only, the same scenes and checks")
    g.add_argument("--scheduler", help="Dask: 'local:N' (a LocalCluster on 127.0.0.1) or 'tcp://HOST:PORT' (needs voebench[dask])")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_generate)

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
    e.add_argument("--workers", type=int, default=1)
    e.add_argument("--batch-size", type=int, default=8)
    e.add_argument("--scheduler", help="Dask: 'local:N' (a LocalCluster on 127.0.0.1) or 'tcp://HOST:PORT' (needs voebench[dask])")
    e.add_argument("--null-seeds", type=int, default=10, help="untrained-null seeds for the paired comparison with chance (context: detection does not use them)")
    e.add_argument("--cache", help="score cache (default $VOEBENCH_CACHE or ~/.cache/voebench)")
    e.add_argument("--skip-bad", action="store_true", help="list and skip corrupt clips instead of stopping")
    e.add_argument("--timeout", type=float, help="seconds a model may spend on one clip before it counts as hung")
    e.add_argument("--device", default="cpu", help="cpu (default: decisions identical on any CPU), cuda, cuda:N or "
                                                   "auto (a GPU if there is one), for models that take one")
    e.add_argument("--dtype", choices=["auto", "float64", "float32", "bfloat16", "float16"],
                   help="scoring precision (default auto: float64 on the CPU, float32 on a GPU)")
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(func=_evaluate)

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
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=_train)

    s = sub.add_parser("submit", help="validate a results directory and add it to the leaderboard")
    s.add_argument("results", help="a RESULTS_DIR written by voebench evaluate")
    s.add_argument("--card", help="model card JSON (default RESULTS_DIR/card.json): name, authors, description, "
                                  "parameters, training_data, link, license")
    s.add_argument("--root", help=argparse.SUPPRESS)
    s.set_defaults(func=_submit)

    lb = sub.add_parser("leaderboard", help="rebuild leaderboard.csv, LEADERBOARD.md and the web page")
    lb.add_argument("--suite", default=LEADERBOARD_SUITE)
    lb.add_argument("--data", help="the suite's generated data, for the animated previews in the gallery")
    lb.add_argument("--root", help=argparse.SUPPRESS)
    lb.add_argument("--out", help=argparse.SUPPRESS)
    lb.set_defaults(func=_leaderboard)

    rn = sub.add_parser("run", help="the whole suite in one command: generate, evaluate every bundled model, leaderboard")
    rn.add_argument("--suite", default=DEMO_SUITE, help=f"{DEMO_SUITE} (minutes) or {LEADERBOARD_SUITE} (the leaderboard suite)")
    rn.add_argument("--runs", default="runs", help="where suites and results are kept (cached)")
    rn.add_argument("--workers", type=int, default=2)
    rn.add_argument("--scheduler", help="Dask: 'local:N' (a LocalCluster on 127.0.0.1) or 'tcp://HOST:PORT' (needs voebench[dask])")
    rn.add_argument("--quiet", action="store_true")
    rn.set_defaults(func=_run)

    a = sub.add_parser("audit", help="check that every cell of a suite tests its principle and leaves no shortcut "
                                     "(exit 4 if a cell fails)")
    a.add_argument("data", help="a generated test suite")
    a.add_argument("--out", help="also write OUT/audit.md and audit.json")
    a.add_argument("--workers", type=int, default=1)
    a.add_argument("--cache", help="score cache (default $VOEBENCH_CACHE or ~/.cache/voebench)")
    a.add_argument("--quiet", action="store_true")
    a.set_defaults(func=_audit)

    r = sub.add_parser("report", help="rewrite report.md and figures from RESULTS_DIR/results.json")
    r.add_argument("results")
    r.set_defaults(func=_report)

    c = sub.add_parser("compare", help="one table over several results directories (seeds, checkpoints, models)")
    c.add_argument("results", nargs="+", help="RESULTS_DIR of voebench evaluate, one per run")
    c.add_argument("--out", help="also write the table to this Markdown file")
    c.add_argument("--difference", action="store_true",
                   help="also each run's macro accuracy minus the first run's, per condition, with a paired "
                        "bootstrap 95 %% CI over quadruplets (is a model ahead?)")
    c.set_defaults(func=_compare)

    cv = sub.add_parser("curves", help="several models' psychometric curves on one suite (a sweep): a JSON summary "
                        "and a picture")
    cv.add_argument("results", nargs="+", help="RESULTS_DIR of voebench evaluate, one per model, all on one suite")
    cv.add_argument("--out", required=True, help="summary JSON (the leaderboard page reads leaderboard/sweeps/*.json)")
    cv.add_argument("--figure", help="also write the curves as a PNG")
    cv.add_argument("--axis", help="the axis to draw (default: the sweep's)")
    cv.set_defaults(func=_curves)

    hs = sub.add_parser("human-study", help="a self-contained web page to measure people on a suite's clips")
    hs.add_argument("suite", help="a generated test suite (or another dataset, see --format)")
    hs.add_argument("--out", required=True, help="the study folder (created; never overwritten)")
    hs.add_argument("--clips", type=int, default=112, help="clips per participant, whole quadruplets (default 112: "
                    "about 8 minutes); the suite's quadruplets are split into lists of this size")
    hs.add_argument("--seed", type=int, default=0, help="seeds the lists, orders and attention checks")
    hs.add_argument("--scale", choices=["1-6", "yes-no"], default="1-6", help="the answer scale (IntPhys: 1-6)")
    hs.add_argument("--fps", type=float, help="playback rate (default the suite's, 16)")
    hs.add_argument("--repeats", type=int, default=2, help="attention check: clips shown twice")
    hs.add_argument("--catch", type=int, default=2, help="attention check: obvious-violation pairs")
    hs.add_argument("--format", help="the dataset's format (default: detected)")
    hs.add_argument("--quiet", action="store_true")
    hs.set_defaults(func=_human_study)

    hr = sub.add_parser("human-results", help="participants' answer files as a results directory (a human baseline)")
    hr.add_argument("answers", nargs="+", help="STUDY_DIR/answers/*.json")
    hr.add_argument("--out", required=True, help="RESULTS_DIR (results.json, scores.parquet, report)")
    hr.add_argument("--study", help="the study folder (default: the folder above the answers/ folder)")
    hr.add_argument("--skip-invalid", action="store_true",
                    help="leave out (and list) malformed or tampered files instead of stopping at the first")
    hr.set_defaults(func=_human_results)

    x = sub.add_parser("export", help="write a suite as mp4 videos: a voebench mp4 suite, or IntPhys 2's layout")
    x.add_argument("suite", help="a generated test suite")
    x.add_argument("--out", required=True, help="export folder (created)")
    x.add_argument("--format", choices=EXPORT_FORMATS, default="mp4",
                   help="mp4: the suite with .mp4 clips (every label kept); intphys2: OUT/SPLIT/metadata.csv + Videos/")
    x.add_argument("--codec", choices=list(CODECS), default=DEFAULT_CODEC,
                   help="h264rgb: lossless H.264 in RGB (FFmpeg-based readers); h264: yuv420p crf 12, near-lossless, "
                        "plays in browsers")
    x.add_argument("--split", default="Main", help="IntPhys 2 split folder name (default Main)")
    x.add_argument("--quiet", action="store_true")
    x.set_defaults(func=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    from voebench.benchmark.runner import ModelFailure
    from voebench.benchmark.suites import SuiteError
    from voebench.models.checkpoint import CheckpointError
    from voebench.models.device import DeviceError
    from voebench.models.protocol import ModelOutputError
    from voebench.models.registry import ModelNotFound
    from voebench.scenes.dataset import DatasetError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DatasetError, ModelOutputError, ModelNotFound, FileNotFoundError, CheckpointError, SuiteError,
            ModelFailure, UsageError, DeviceError) as e:
        print(f"voebench {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
