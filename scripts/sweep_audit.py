"""The audit of a sweep suite, level by level: every structural check and every audit probe's
quadruplet accuracy per (cell, level), with the exact two-sided p (Holm over the table).

    python scripts/sweep_audit.py runs/voe-v2-sweep-occlusion

`voebench audit` judges whole cells; a sweep's claim is that each level is a valid suite of its own.
A level passes when no structural check fails and no probe departs from 50 % (occluded cells:
two-sided) except the cues the design declares inherent (scenes/design.py INHERENT_CUES)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from voebench.benchmark.audit import CHECKS, structure, two_sided
from voebench.benchmark.formats import as_dataset
from voebench.benchmark.metrics import ALPHA, holm
from voebench.benchmark.runner import ModelRef, score_dataset
from voebench.benchmark.scored import Scored
from voebench.models.registry import AUDIT_PROBES
from voebench.scenes.dataset import load_info
from voebench.scenes.design import INHERENT_CUES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    args = parser.parse_args()
    data = Path(args.data)
    design = load_info(data)["config"]["design"]
    level = {p.stem: json.loads(p.read_text())["meta"]["sweep"]["level"] for p in (data / "items").glob("*.json")}
    checks = structure(data, progress=False).assign(level=lambda d: d["quad_id"].map(level))
    rows = []
    dataset = as_dataset(data)
    for probe in AUDIT_PROBES:
        scores, _ = score_dataset(ModelRef(probe), dataset, progress=False)
        table = Scored.from_dataset(scores, dataset).table("mean").assign(level=lambda d: d["quad_id"].map(level))
        for (principle, condition, lvl), g in table.groupby(["principle", "condition", "level"]):
            right, wrong = int((g["accuracy"] == 1).sum()), int((g["accuracy"] == 0).sum())
            rows.append({"probe": probe, "principle": principle, "condition": condition, "level": lvl,
                         "accuracy": float(g["accuracy"].mean()), "p": two_sided(right, right + wrong)})
    probes = pd.DataFrame(rows)
    probes["p_holm"] = holm(list(probes["p"]))
    print("| cell | level | quadruplets | structural checks failed | probes off 50 % (Holm p < 0.05) | verdict |")
    print("|---|---|---|---|---|---|")
    for (principle, condition, lvl), g in checks.groupby(["principle", "condition", "level"]):
        failed = [f"{c} {int((g[c] == False).sum())}" for c in CHECKS if (g[c] == False).any()]  # noqa: E712
        declared = INHERENT_CUES.get(design, {}).get((principle, condition), {})
        off = probes[(probes.principle == principle) & (probes.condition == condition) & (probes.level == lvl)
                     & (probes.p_holm < ALPHA)]
        cues = [f"{r.probe} {100 * r.accuracy:.0f} %" + (" (inherent)" if r.probe in declared and r.accuracy < 0.5 else "")
                for r in off.itertuples()]
        bad = failed or [c for c in cues if "inherent" not in c]
        print(f"| {principle} {condition} | {lvl} | {len(g)} | {', '.join(failed) or '–'} | {', '.join(cues) or '–'} | "
              f"{'FAIL' if bad else 'pass'} |")


if __name__ == "__main__":
    main()
