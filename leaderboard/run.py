"""`voebench run`: the whole suite in one command.

generate the suite if missing (cached) -> evaluate every bundled model (cached scores) ->
submit them to the suite's leaderboard -> build it -> print the ranked table and the page.
For voe-v1 that is the official leaderboard/ folder; any other suite gets a local one under
runs/SUITE/leaderboard/.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from benchmark import suites
from benchmark.evaluate import evaluate
from benchmark.runner import ModelRef
from models.checkpoint import CheckpointError
from scenes.generate import generate

from . import bundled
from .build import build
from .submission import ROOT, SUBMISSIONS, submit


def run(suite_name: str = "voe-mini", runs: Path = Path("runs"), workers: int = 2, progress: bool = True,
        scheduler: str | None = None) -> dict:
    start = time.perf_counter()
    suite = suites.load(suite_name)
    data = Path(runs) / suite_name
    say = lambda text: print(text, file=sys.stderr, flush=True)
    say(f"[1/3] suite {suite_name}: {data}")
    cfg = suite.generate_config(str(data), workers)
    cfg.scheduler = scheduler
    info = generate(cfg, progress=progress)
    mismatch = suites.hash_mismatch(suite, info)
    if mismatch:
        say("WARNING: " + mismatch)
    official = suite_name == "voe-v1"
    root = SUBMISSIONS if official else data / "leaderboard" / "submissions"
    out = ROOT if official else data / "leaderboard"
    if not official and root.exists():
        shutil.rmtree(root)  # the local board is rebuilt from this run's results
    say("[2/3] evaluate the bundled models")
    for name in bundled.CARDS:
        results = data / "results" / name
        try:
            ref = ModelRef(name)
            model = ref.create()
        except CheckpointError as e:
            say(f"  skip {name}: {e}")
            continue
        evaluate(ref, data, results, workers=1, progress=progress, scheduler=scheduler)
        if mismatch:
            continue
        params = getattr(model, "card", {}).get("parameters")
        existing = root / suite_name / bundled.card(name)["name"]
        if official and existing.exists():
            continue  # already on the official board; a new version only via voebench submit
        submit(results, bundled.card(name, params), root=root)
    say("[3/3] leaderboard")
    result = build(suite_name, root=root, out=out, data=data)
    result["seconds"] = time.perf_counter() - start
    result["mismatch"] = mismatch
    return result
