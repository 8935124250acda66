"""`voebench compare DIR...`: one Markdown table over several results (training seeds, the last
checkpoints of a run, or different models), so a claim rests on more than one run."""
from __future__ import annotations

from voebench.scenes.design import CONDITIONS, PRINCIPLES

from .number_text import ci, effect, pct
from .metrics import DETECTED_MEANS
from .report import conditions_of, detected_fraction, in_order


def _cell(stats: dict | None) -> str:
    if stats is None:
        return "–"
    return pct(stats["relative_accuracy"]) + ("*" if stats.get("detected") else "")


def compare_markdown(results: dict[str, dict]) -> str:
    """`results`: label -> results.json content. Mean aggregation throughout (the headline)."""
    hashes = {r["suite"]["content_hash"] for r in results.values()}
    if len(hashes) > 1:
        raise ValueError(f"these results come from {len(hashes)} different suites; compare runs on one suite")
    lines = [f"Suite {hashes.pop()[:16]}; quadruplet relative accuracy (%) with mean aggregation, 95 % CI; "
             f"effect in spreads of the model's surprise; * = {DETECTED_MEANS}.", ""]
    every = [r["metrics"]["mean"]["cells"] for r in results.values()]
    conditions = in_order({c for cells in every for c in conditions_of(cells)}, CONDITIONS)
    principles = in_order({p for cells in every for p in cells}, PRINCIPLES)
    head = "| run | weights | " + " | ".join(f"{c} acc [CI] | {c} effect | {c} detected cells" for c in conditions)
    lines += [head + " |", "|---|---|" + "---|---|---|" * len(conditions)]
    for label, r in results.items():
        m = r["metrics"]["mean"]
        row = [label, (r["model"].get("weights_hash") or "–")[:12]]
        for c in conditions:
            s = m["conditions"].get(c) or {}
            row += [pct(s.get("relative_accuracy")) + ci(s.get("relative_accuracy_ci")), effect(s.get("effect")),
                    detected_fraction(m, c)]
        lines.append("| " + " | ".join(row) + " |")
    for c in conditions:
        lines += ["", f"{c.capitalize()} cells, accuracy % (* detected):", "",
                  "| run | " + " | ".join(principles) + " |", "|---|" + "---|" * len(principles)]
        for label, r in results.items():
            cells = r["metrics"]["mean"]["cells"]
            lines.append(f"| {label} | " + " | ".join(_cell(cells.get(p, {}).get(c)) for p in principles) + " |")
    return "\n".join(lines) + "\n"


def difference_markdown(results_dirs: dict[str, str]) -> str:
    """Each run's macro accuracy minus the first run's, per condition, paired bootstrap CI."""
    from .difference import macro_difference, quadruplet_accuracy

    labels = list(results_dirs)
    acc = {label: quadruplet_accuracy(d) for label, d in results_dirs.items()}
    conditions = in_order(acc[labels[0]].index.get_level_values("condition"), CONDITIONS)
    lines = [f"Macro accuracy minus {labels[0]}'s (percentage points), mean aggregation, 95 % CI of a paired "
             "bootstrap over quadruplets within cells:", "",
             "| run | " + " | ".join(f"{c} difference [CI]" for c in conditions) + " |", "|---|" + "---|" * len(conditions)]
    for label in labels[1:]:
        cells = []
        for c in conditions:
            d, lo, hi = macro_difference(acc[label], acc[labels[0]], c)
            cells.append(f"{100 * d:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
