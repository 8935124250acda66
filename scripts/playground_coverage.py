"""What the pretraining corpus shows: per design, the share of playground clips with each main
event, with a screen, and with an object hidden behind an occluder in view and seen again.

    python scripts/playground_coverage.py [--clips 60] [--seed 0] [--workers 2]

Generates into a scratch directory (removed afterwards) and prints one table per design."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from voebench.scenes.dataset import read_manifest
from voebench.scenes.generate import GenerateConfig, generate
from voebench.scenes.playground_events import coverage


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    for design in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            generate(GenerateConfig(out=tmp, split="train", clips=args.clips, seed=args.seed, workers=args.workers,
                                    design=design), progress=False)
            assert len(read_manifest(Path(tmp))) == args.clips
            c = coverage(Path(tmp))
        n = c["clips"]
        print(f"design {design}: {n} clips; with a screen {c['with_screen']}/{n}; an object hidden behind an "
              f"occluder in view and seen again {c['hidden_then_seen']}/{n}")
        if design >= 2:
            print("  main events: " + ", ".join(f"{k} {v}" for k, v in sorted(c["events"].items())))


if __name__ == "__main__":
    main()
