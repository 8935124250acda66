"""kill -9 trials: `voebench generate` and `voebench evaluate` are killed at random moments,
rerun to completion, and compared with an uninterrupted run (same hashes, no truncated or
duplicated clip or score). Prints a table and draws docs/kill_trials.png.

    python scripts/kill_trials.py [--trials 20] [--figure docs/kill_trials.png]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GEN = ["--principles", "permanence", "gravity", "--per-condition", "2", "--seed", "77", "--quiet"]


def voebench(*args) -> list[str]:
    return [sys.executable, "-m", "voebench.cli", *args]


def timed(cmd, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def kill_at(cmd, delay: float, env=None) -> bool:
    """Start cmd, SIGKILL it after `delay` seconds; True if it was still running."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def scores_digest(results: Path) -> str:
    import pandas as pd

    t = pd.read_parquet(results / "scores.parquet")
    assert t["clip_id"].is_unique, "duplicated score rows"
    h = hashlib.sha256()
    for cid, s in sorted(zip(t["clip_id"], t["surprise"])):
        h.update(cid.encode() + np.asarray(s, float).tobytes())
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--figure", default="docs/kill_trials.png")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="kill-trials-"))
    ref = work / "ref"
    t_gen = timed(voebench("generate", "--out", str(ref), *GEN))
    ref_hash = json.loads((ref / "dataset.json").read_text())["content_hash"]
    env = dict(os.environ, VOEBENCH_CACHE=str(work / "cache-ref"))
    eval_args = ["--model", "frame-diff", "--null-seeds", "0", "--quiet"]
    t_eval = timed(voebench("evaluate", "--data", str(ref), "--out", str(work / "ref-eval"), *eval_args), env)
    ref_scores = scores_digest(work / "ref-eval")
    rows = []
    for kind, full in (("generate", t_gen), ("evaluate", t_eval)):
        trial = attempts = 0
        while trial < args.trials and attempts < 4 * args.trials:  # count only runs really killed mid-way
            attempts += 1
            delay = float(rng.uniform(0.03, 0.8) * full)
            case = work / f"{kind}-{attempts}"
            if kind == "generate":
                cmd = voebench("generate", "--out", str(case), *GEN)
                killed = kill_at(cmd, delay)
                timed(cmd)
                ok = json.loads((case / "dataset.json").read_text())["content_hash"] == ref_hash
                # every clip whole: its bytes hash to the manifest's sha256
                from voebench.scenes.dataset import read_manifest
                from voebench.scenes.files import sha256_file
                ok &= all(sha256_file(case / r["path"]) == r["sha256"] for r in read_manifest(case))
            else:
                env = dict(os.environ, VOEBENCH_CACHE=str(case / "cache"))
                cmd = voebench("evaluate", "--data", str(ref), "--out", str(case / "out"), *eval_args)
                killed = kill_at(cmd, delay, env)
                timed(cmd, env)
                ok = scores_digest(case / "out") == ref_scores
            shutil.rmtree(case, ignore_errors=True)
            if not killed:
                continue
            rows.append({"kind": kind, "trial": trial, "kill_s": delay, "fraction": delay / full, "identical": bool(ok)})
            print(f"{kind:8s} trial {trial:2d}: killed at {delay:5.2f} s ({100 * delay / full:3.0f} % of a full run) "
                  f"-> {'identical' if ok else 'DIFFERENT'}", flush=True)
            trial += 1
    shutil.rmtree(work, ignore_errors=True)
    for kind in ("generate", "evaluate"):
        r = [x for x in rows if x["kind"] == kind]
        print(f"{kind}: {len(r)} runs killed mid-way with SIGKILL, {sum(x['identical'] for x in r)} reruns "
              "identical to the uninterrupted run")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.6))
    for y, kind in enumerate(("generate", "evaluate")):
        for x in (x for x in rows if x["kind"] == kind):
            ax.scatter(x["fraction"], y, marker="o" if x["identical"] else "x",
                       color="#2ca02c" if x["identical"] else "#d62728", s=40)
    ax.set_yticks([0, 1], ["generate", "evaluate"])
    ax.set_xlabel("kill -9 moment (fraction of an uninterrupted run)")
    ax.set_title("rerun after kill -9: green = identical hashes, red x = different")
    ax.set_ylim(-0.6, 1.6)
    fig.tight_layout()
    fig.savefig(args.figure, dpi=110)
    print(f"figure: {args.figure}")


if __name__ == "__main__":
    main()
