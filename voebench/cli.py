"""The `voebench` command: maps its arguments to the Python API (voebench/api.py), nothing more."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import voebench
from voebench.api import IgnoredSettings
from voebench.cli_parser import build_parser


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
    record = voebench.human_study(args.data, args.out, clips=args.clips, seed=args.seed, scale=args.scale,
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
    from voebench.scenes.files import atomic_write_text

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

    from voebench.benchmark.psychometric_summary import summarise, summary_figure
    from voebench.benchmark.psychometric import describe_point
    from voebench.scenes.files import atomic_write_bytes, write_json

    try:
        summary = summarise(args.results, args.axis)
    except ValueError as e:
        print(f"voebench curves: {e}", file=sys.stderr)
        return 2
    write_json(Path(args.out), summary)
    if args.figure:
        atomic_write_bytes(Path(args.figure), summary_figure(summary))
    for model, cells in summary["models"].items():
        print(f"{model:28s} " + "  ".join(f"{cell}: 75 % point {describe_point(c)}" for cell, c in cells.items()))
    print(f"wrote {args.out}" + (f" and {args.figure}" if args.figure else ""))
    return 0


def _export(args) -> int:
    record = voebench.export(args.data, args.out, format=args.format, codec=args.codec, split=args.split,
                             progress=not args.quiet)
    kind = "lossless" if record["lossless"] else "near-lossless (lossy)"
    print(f"wrote {record['clips']} clips to {args.out} as {args.format} ({record['encoder']}, {kind}); "
          f"record in {args.out}/export.json")
    return 0


def option(name: str) -> str:
    """The command-line spelling of an API keyword: per_condition -> --per-condition."""
    return "--" + name.replace("_", "-")


HANDLERS = {"generate": _generate, "evaluate": _evaluate, "train": _train, "submit": _submit,
            "leaderboard": _leaderboard, "run": _run, "audit": _audit, "report": _report, "compare": _compare,
            "curves": _curves, "human-study": _human_study, "human-results": _human_results, "export": _export}


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
        return HANDLERS[args.command](args)
    except (DatasetError, ModelOutputError, ModelNotFound, FileNotFoundError, CheckpointError, SuiteError,
            ModelFailure, UsageError, DeviceError) as e:
        print(f"voebench {args.command}: {e}", file=sys.stderr)
        return 2
    except IgnoredSettings as e:  # named as options, not as the API's keywords
        print(f"voebench {args.command}: {e.spelled(option)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
