"""Fingerprint everything voebench outputs, to show that a refactor changed no byte.

Runs the installed `voebench` command only (so it works on any version of the code) in a
scratch directory and prints one JSON object of sha256s:
- the content hash of freshly generated voe-mini and voe-v1 (and of their manifests);
- the per-clip score table (scores.parquet) and the metrics of every bundled model on
  voe-mini, scored with an empty cache; frame-diff and jepa-frame-gru also on voe-v1, where
  the committed leaderboard tables are the reference;
- a short training run (--steps 20, seed 0) of every trainable model: its safetensors;
- every committed checkpoint, score table and leaderboard table, as files.

    python benchmarks/output_fingerprint.py --playground runs/playground > before.json
    ... refactor ...
    python benchmarks/output_fingerprint.py --playground runs/playground > after.json
    diff before.json after.json     # no output: no byte changed

Score tables are bit-identical only on the same CPU path (see models/portable.py); compare
fingerprints taken on one machine.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ("frame-diff", "histogram-change", "frame-oddness", "untrained-null", "jepa-frame", "jepa-frame-gru",
           "vjepa-tubelet", "pixel-predictor", "untrained-jepa-frame", "untrained-jepa-frame-gru",
           "untrained-vjepa-tubelet", "untrained-pixel-predictor")
TRAINABLE = ("jepa-frame", "jepa-frame-gru", "vjepa-tubelet", "pixel-predictor")
ON_VOE_V1 = ("frame-diff", "jepa-frame-gru")
COMMITTED = ("*.parquet", "*.safetensors", "leaderboard.csv", "LEADERBOARD.md", "*.labels.csv")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def voebench(*args: str, env: dict) -> None:
    exe = Path(sys.executable).with_name("voebench")
    subprocess.run([str(exe), *args, "--quiet"], check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playground", required=True, help="a playground dataset for the short training runs")
    parser.add_argument("--scratch", help="working directory (default: a temporary one)")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="voebench-fingerprint-"))
    env = {**os.environ, "VOEBENCH_CACHE": str(scratch / "cache")}  # empty cache: everything is re-scored
    out: dict = {"suites": {}, "scores": {}, "metrics": {}, "training": {}, "committed": {}}
    for suite in ("voe-mini", "voe-v1"):
        data = scratch / suite
        voebench("generate", "--suite", suite, "--out", str(data), "--workers", "2", env=env)
        info = json.loads((data / "dataset.json").read_text())
        out["suites"][suite] = {"content_hash": info["content_hash"], "manifest": sha(data / "manifest.csv")}
    for suite, names in (("voe-mini", BUNDLED), ("voe-v1", ON_VOE_V1)):
        for name in names:
            res = scratch / "results" / suite / name
            voebench("evaluate", "--model", name, "--data", str(scratch / suite), "--out", str(res),
                     *(["--null-seeds", "0"] if suite == "voe-v1" else []), env=env)
            out["scores"][f"{suite}/{name}"] = sha(res / "scores.parquet")
            metrics = json.loads((res / "results.json").read_text())["metrics"]
            out["metrics"][f"{suite}/{name}"] = hashlib.sha256(json.dumps(metrics, sort_keys=True).encode()).hexdigest()
    for name in TRAINABLE:
        target = scratch / "train"
        voebench("train", "--model", name, "--data", args.playground, "--out", str(target), "--steps", "20",
                 "--seed", "0", env=env)
        out["training"][name] = sha(target / f"{name}.safetensors")
    tracked = subprocess.run(["git", "ls-files", *COMMITTED], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    out["committed"] = {p: sha(ROOT / p) for p in sorted(tracked)}
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
