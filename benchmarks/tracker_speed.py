"""The positive control against a learned model (issue 13): wall time to score a whole suite,
the way `voebench evaluate` does (workers, no score cache), for physics-tracker and jepa-frame.

    python benchmarks/tracker_speed.py --data runs/voe-v2 [--workers 2] [--models physics-tracker jepa-frame]

Prints one line per model: clips, seconds, clips/s. jepa-frame needs its shipped checkpoint.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from voebench.benchmark.runner import ModelRef, score_dataset
from voebench.scenes.dataset import read_manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a generated test suite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["physics-tracker", "jepa-frame"])
    args = parser.parse_args()
    clips = sum(row["split"] == "test" for row in read_manifest(args.data))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
          f"{clips} clips of {args.data}, {args.workers} workers, no score cache.\n")
    print("| model | seconds | clips/s |\n|---|---|---|")
    for name in args.models:
        with tempfile.TemporaryDirectory() as cache:  # a fresh cache: every clip is scored
            start = time.perf_counter()
            score_dataset(ModelRef(name), Path(args.data), Path(cache), args.workers, progress=False)
            seconds = time.perf_counter() - start
        print(f"| {name} | {seconds:.1f} | {clips / seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
