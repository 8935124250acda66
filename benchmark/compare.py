"""`voebench compare DIR...`: one Markdown table over several results (training seeds, the last
checkpoints of a run, or different models), so a claim rests on more than one run."""
from __future__ import annotations

from voebench.scenes.design import CONDITIONS, PRINCIPLES

from .formatting import ci, effect, pct
from .metrics import DETECTED_MEANS
from .report import detected_cells


def _cell(stats: dict) -> str:
    return pct(stats["relative_accuracy"]) + ("*" if stats["detected"] else "")


def compare_markdown(results: dict[str, dict]) -> str:
    """`results`: label -> results.json content. Mean aggregation throughout (the headline)."""
    hashes = {r["suite"]["content_hash"] for r in results.values()}
    if len(hashes) > 1:
        raise ValueError(f"these results come from {len(hashes)} different suites; compare runs on one suite")
    lines = [f"Suite {hashes.pop()[:16]}; quadruplet relative accuracy (%) with mean aggregation, 95 % CI; "
             f"effect in spreads of the model's surprise; * = {DETECTED_MEANS}.", ""]
    head = "| run | weights | " + " | ".join(f"{c} acc [CI] | {c} effect | {c} detected cells" for c in CONDITIONS)
    lines += [head + " |", "|---|---|" + "---|---|---|" * len(CONDITIONS)]
    for label, r in results.items():
        m = r["metrics"]["mean"]
        row = [label, (r["model"].get("weights_hash") or "–")[:12]]
        for c in CONDITIONS:
            s = m["conditions"][c]
            row += [pct(s["relative_accuracy"]) + ci(s["relative_accuracy_ci"]), effect(s["effect"]),
                    detected_cells(m, c)]
        lines.append("| " + " | ".join(row) + " |")
    for c in CONDITIONS:
        lines += ["", f"{c.capitalize()} cells, accuracy % (* detected):", "",
                  "| run | " + " | ".join(PRINCIPLES) + " |", "|---|" + "---|" * len(PRINCIPLES)]
        for label, r in results.items():
            cells = r["metrics"]["mean"]["cells"]
            lines.append(f"| {label} | " + " | ".join(_cell(cells[p][c]) if p in cells else "–" for p in PRINCIPLES)
                         + " |")
    return "\n".join(lines) + "\n"


def difference_markdown(results_dirs: dict[str, str]) -> str:
    """Each run's macro accuracy minus the first run's, per condition, paired bootstrap CI."""
    from .difference import macro_difference, quadruplet_accuracy

    labels = list(results_dirs)
    acc = {label: quadruplet_accuracy(d) for label, d in results_dirs.items()}
    lines = [f"Macro accuracy minus {labels[0]}'s (percentage points), mean aggregation, 95 % CI of a paired "
             "bootstrap over quadruplets within cells:", "",
             "| run | " + " | ".join(f"{c} difference [CI]" for c in CONDITIONS) + " |", "|---|" + "---|" * len(CONDITIONS)]
    for label in labels[1:]:
        cells = []
        for c in CONDITIONS:
            d, lo, hi = macro_difference(acc[label], acc[labels[0]], c)
            cells.append(f"{100 * d:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
