"""Score the bundled models on a suite and on its exports read back (mp4, IntPhys 2; lossless and
the near-lossless h264 codec) and print one table: are the metrics identical? The h264 export is
scored as if matched (the harness itself refuses it a headline) to show what a lossy codec does.

    python scripts/export_roundtrip.py runs/voe-v2-mini --work runs/roundtrip

Exports go to WORK/<format>-<codec>, results to WORK/results/<model>/<export>. Scores are cached
(VOEBENCH_CACHE), so a second run only rebuilds the table."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import voebench
from voebench.benchmark.evaluate import evaluate
from voebench.benchmark.formats import open_dataset
from voebench.benchmark.number_text import pct
from voebench.benchmark.runner import ModelRef
from voebench.models.registry import BUNDLED

EXPORTS = [("mp4", "h264rgb"), ("intphys2", "h264rgb"), ("mp4", "h264")]


def headline(result: dict) -> tuple:
    m = result["metrics"]["mean"]
    cond = m["conditions"]
    return (m["overall"]["relative_accuracy"], cond["visible"]["relative_accuracy"], cond["occluded"]["relative_accuracy"],
            sum(bool(c.get("detected")) for cs in m["cells"].values() for c in cs.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite")
    parser.add_argument("--work", default="runs/roundtrip")
    parser.add_argument("--models", nargs="+", default=list(BUNDLED))
    args = parser.parse_args()
    work = Path(args.work)
    targets = {"native": Path(args.suite)}
    for fmt, codec in EXPORTS:
        out = work / f"{fmt}-{codec}"
        if not (out / "export.json").exists():
            voebench.export(args.suite, out, fmt, codec, progress=False)
        targets[f"{fmt}-{codec}"] = out
    lines = ["| model | " + " | ".join(f"{t}: all / vis / occ (det)" for t in targets) + " | lossless exports identical |",
             "|---|" + "---|" * (len(targets) + 1)]
    for model in args.models:
        results = {}
        for name, data in targets.items():
            out = work / "results" / model / name
            if name.endswith("-h264"):
                # A lossy export is read as unmatched (no headline). To measure what the codec does to
                # the headline, score it here as if it were matched: a diagnostic, never a result.
                dataset = open_dataset(data)
                for row in dataset.rows:
                    row["matched"] = True
                results[name] = evaluate(ModelRef(model), dataset, out, progress=False)
            else:
                results[name] = voebench.evaluate(model, data, out, progress=False)
        cells = []
        for name in targets:
            a, v, o, d = headline(results[name])
            cells.append(f"{pct(a)} / {pct(v)} / {pct(o)} ({d})")
        same = all(results[n]["metrics"] == results["native"]["metrics"] for n in targets if n.endswith("h264rgb"))
        lines.append(f"| {model} | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} |")
        print(lines[-1], flush=True)
    print("\n".join(lines))
    (work / "table.md").write_text("\n".join(lines) + "\n")
    json.dump({"targets": {k: str(v) for k, v in targets.items()}}, open(work / "targets.json", "w"))


if __name__ == "__main__":
    main()
