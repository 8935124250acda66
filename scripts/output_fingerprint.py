"""Fingerprint everything voebench outputs, to show that a refactor changed no byte.

Runs the installed `voebench` command only (so it works on any version of the code) in a
scratch directory and prints one JSON object of sha256s:
- the content hash of freshly generated voe-mini and voe-v1 (and of their manifests);
- `voebench run --suite voe-mini` (every bundled model and audit probe, empty cache): per model
  its score table, metrics, quadruplet records, reveal curves and report.md; the local board's
  LEADERBOARD.md, leaderboard.csv and web page;
- every other model of the registry that needs no outside weights (the ablations) on voe-mini;
  frame-diff and jepa-frame-gru also on voe-v1, where the committed leaderboard tables are the
  reference;
- `compare --difference` and `curves` over voe-mini results; a human study of voe-mini;
- a short training run (--steps 20, seed 0) of every trainable model: its safetensors;
- every committed checkpoint, score table and leaderboard table, as files.

    python scripts/output_fingerprint.py --playground runs/playground > before.json
    ... refactor ...
    python scripts/output_fingerprint.py --playground runs/playground > after.json
    diff before.json after.json     # no output: no byte changed

The model lists come from the registry of the code under test (`voebench.models.registry`).
Score tables are bit-identical only on the same CPU path (see models/portable.py); compare
fingerprints taken on one machine, on one day (the board records the submission date).
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
ON_VOE_V1 = ("frame-diff", "jepa-frame-gru")
COMMITTED = ("*.parquet", "*.safetensors", "leaderboard.csv", "LEADERBOARD.md", "*.labels.csv")
# results.json fields that depend on where and when a run happened, not on what it computed
RUN_SPECIFIC = ("run", "machine", "throughput", "versions")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha_json(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def voebench(*args: str, env: dict, quiet: bool = True) -> str:
    exe = Path(sys.executable).with_name("voebench")
    return subprocess.run([str(exe), *args, *(["--quiet"] if quiet else [])], check=True, env=env,
                          capture_output=True, text=True).stdout


def registry() -> dict[str, str]:
    """Every model of the code under test with its kind, from its registry."""
    from voebench.models.registry import RECORDS

    return {name: str(getattr(r.kind, "value", r.kind)) for name, r in RECORDS.items()}


def results_fingerprint(res: Path) -> dict:
    result = json.loads((res / "results.json").read_text())
    result["suite"].pop("path", None)
    out = {"scores": sha(res / "scores.parquet"), "metrics": sha_json(result["metrics"]),
           "report": sha(res / "report.md"),
           "rest": sha_json({k: v for k, v in result.items() if k not in RUN_SPECIFIC and k != "metrics"})}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playground", required=True, help="a playground dataset for the short training runs")
    parser.add_argument("--scratch", help="working directory (default: a temporary one)")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="voebench-fingerprint-"))
    env = {**os.environ, "VOEBENCH_CACHE": str(scratch / "cache")}  # empty cache: everything is re-scored
    out: dict = {"suites": {}, "results": {}, "board": {}, "tools": {}, "training": {}, "committed": {}}
    kinds = registry()
    for suite in ("voe-mini", "voe-v1"):
        data = scratch / "runs" / suite
        voebench("generate", "--suite", suite, "--out", str(data), "--workers", "2", env=env)
        info = json.loads((data / "dataset.json").read_text())
        out["suites"][suite] = {"content_hash": info["content_hash"], "manifest": sha(data / "manifest.csv")}
    mini = scratch / "runs" / "voe-mini"
    voebench("run", "--suite", "voe-mini", "--runs", str(scratch / "runs"), env=env)
    for name in sorted(p.name for p in (mini / "results").iterdir()):
        out["results"][f"voe-mini/{name}"] = results_fingerprint(mini / "results" / name)
    board = mini / "leaderboard"
    out["board"] = {p: sha(board / p) for p in ("LEADERBOARD.md", "leaderboard.csv", "site/index.html")}
    local = [n for n, k in kinds.items() if k != "adapter" and f"voe-mini/{n}" not in out["results"]]
    for name in local:
        res = scratch / "extra" / name
        voebench("evaluate", "--model", name, "--data", str(mini), "--out", str(res), "--null-seeds", "0", env=env)
        out["results"][f"voe-mini/{name}"] = results_fingerprint(res)
    for name in ON_VOE_V1:
        res = scratch / "v1" / name
        voebench("evaluate", "--model", name, "--data", str(scratch / "runs" / "voe-v1"), "--out", str(res),
                 "--null-seeds", "0", env=env)
        out["results"][f"voe-v1/{name}"] = results_fingerprint(res)
    trio = [str(mini / "results" / n) for n in ("jepa-frame", "jepa-frame-gru", "frame-diff")]
    compared = voebench("compare", *trio, "--difference", env=env, quiet=False).replace(str(mini / "results"), "R")
    out["tools"]["compare"] = hashlib.sha256(compared.encode()).hexdigest()
    curves = scratch / "curves.json"
    voebench("curves", *trio, "--axis", "hidden_frames", "--out", str(curves), env=env, quiet=False)
    out["tools"]["curves"] = sha(curves)
    study = scratch / "study"
    voebench("human-study", str(mini), "--out", str(study), "--clips", "16", env=env)
    out["tools"]["human-study"] = {p: sha(study / p) for p in ("study.json", "index.html")}
    for name in [n for n, k in kinds.items() if k == "world model"]:
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
