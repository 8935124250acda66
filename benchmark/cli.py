"""The `voebench` command: a thin layer over the Python API."""
from __future__ import annotations

import argparse
import sys


def _generate(args) -> int:
    from scenes.generate import ConfigError, GenerateConfig, generate

    cfg = GenerateConfig(
        out=args.out, split=args.split, seed=args.seed, resolution=args.resolution, frames=args.frames,
        workers=args.workers, renderer=args.renderer,
        principles=args.principles or GenerateConfig.__dataclass_fields__["principles"].default_factory(),
        per_condition=args.per_condition, clips=args.clips,
    )
    try:
        info = generate(cfg, progress=not args.quiet)
    except ConfigError as e:
        print(f"voebench generate: {e}", file=sys.stderr)
        return 2
    counts = info["counts"]
    print(f"wrote {counts['clips']} clips to {args.out} (content hash {info['content_hash'][:16]})")
    for principle, conds in counts.get("quadruplets", {}).items():
        print(f"  {principle:13s} " + "  ".join(f"{c}: {n}" for c, n in sorted(conds.items())))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from scenes.generate import DEFAULT_PER_CONDITION, DEFAULT_TRAIN_CLIPS
    from scenes.principles import NAMES

    parser = argparse.ArgumentParser(prog="voebench", description="Violation-of-expectation benchmark for video world models.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="render a test suite of quadruplets or a playground training set")
    g.add_argument("--out", required=True, help="dataset directory (created; an interrupted run resumes)")
    g.add_argument("--split", choices=["test", "train"], default="test")
    g.add_argument("--principles", nargs="+", metavar="NAME", help=f"subset of: {' '.join(NAMES)} (default: all)")
    g.add_argument("--per-condition", type=int, default=DEFAULT_PER_CONDITION,
                   help=f"test quadruplets per principle x condition (default {DEFAULT_PER_CONDITION})")
    g.add_argument("--clips", type=int, default=DEFAULT_TRAIN_CLIPS,
                   help=f"train clips (default {DEFAULT_TRAIN_CLIPS})")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--resolution", type=int, default=64)
    g.add_argument("--frames", type=int, default=32)
    g.add_argument("--workers", type=int, default=1)
    g.add_argument("--renderer", choices=["tiny", "egl"], default="tiny")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
