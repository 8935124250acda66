"""Scoring and training throughput of every model on 2 cores, one subprocess per model (so
each peak-memory figure is that model's own).

Scoring: clips/s over the first N clips of a suite and the projected time for the whole suite.
Training: steps/s over a few steps on a playground. Trained models need their checkpoints
(models/checkpoints/, `make checkpoints`); a model whose weights are missing is reported so.

    python benchmarks/model_throughput.py --data runs/report_suite --playground runs/playground \
        [--clips 256] [--write docs/model-performance.md]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

from voebench.models.registry import RECORDS

# Every model with its own code path: the probes, the null, the world models (their
# untrained nulls run the same network and are not timed twice).
MODELS = tuple(name for name, r in RECORDS.items() if r.bundled and not (r.kind == "null" and r.network))

CHILD = r"""
import json, resource, sys, tempfile, time
import numpy as np
from voebench import models
from voebench.models.checkpoint import CheckpointError
from voebench.scenes.dataset import read_clip, read_manifest
name, data, n, playground, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
out = {"model": name}
rows = [r for r in read_manifest(data) if r["split"] == "test"]
clips = [read_clip(f"{data}/{r['path']}")["frames"] for r in rows[:n]]
try:
    m = models.create(name)
    start = time.perf_counter()
    for i in range(0, len(clips), 8):
        batch = clips[i:i + 8]
        m.surprise_batch(batch) if hasattr(m, "surprise_batch") else [m.surprise(c) for c in batch]
    dt = time.perf_counter() - start
    out.update(clips_per_s=len(clips) / dt, suite_seconds=len(rows) * dt / len(clips), suite_clips=len(rows))
except CheckpointError as e:
    out["error"] = str(e).split(";")[0]
if steps and playground != "-":
    from voebench.models.train import train
    with tempfile.TemporaryDirectory() as tmp:
        card = train(name, playground, tmp, steps=steps, progress=False)
    out["train_steps_per_s"] = steps / card["wall_seconds"]
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a test suite")
    parser.add_argument("--playground", default="-", help="a playground dataset (for training steps/s)")
    parser.add_argument("--clips", type=int, default=256)
    parser.add_argument("--train-steps", type=int, default=10)
    parser.add_argument("--write")
    args = parser.parse_args()
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
             f"scoring over the first {args.clips} clips of {args.data}, batches of 8.", "",
             "| model | scoring clips/s | whole suite (projected) | training steps/s | peak memory |", "|---|---|---|---|---|"]
    for name in MODELS:
        steps = args.train_steps if RECORDS[name].trainable else 0
        proc = subprocess.run([sys.executable, "-c", CHILD, name, args.data, str(args.clips), args.playground, str(steps)],
                              capture_output=True, text=True)
        found = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        if not found:
            lines.append(f"| {name} | failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else '?'} | | | |")
        else:
            r = json.loads(found[0][7:])
            if "error" in r:
                score = (r["error"], "")
            else:
                score = (f"{r['clips_per_s']:.1f}", f"{r['suite_seconds']:.0f} s for {r['suite_clips']} clips")
            train = f"{r['train_steps_per_s']:.2f}" if "train_steps_per_s" in r else "–"
            lines.append(f"| {name} | {score[0]} | {score[1]} | {train} | {r['peak_mb']:.0f} MB |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with open(args.write, "w") as f:
            f.write(f"# Model throughput\n\nWritten by `python benchmarks/model_throughput.py --data {args.data} "
                    f"--playground {args.playground} --write {args.write}`.\n\n{text}")


if __name__ == "__main__":
    main()
