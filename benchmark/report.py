"""`voebench report RESULTS_DIR`: a Markdown table and PNG figures from results.json."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voebench.scenes.dataset import atomic_write_bytes
from voebench.scenes.design import CONDITIONS

from .formatting import ci, effect, p_value, pct
from .metrics import DETECTED_MEANS
from .results import load_results


def markdown(result: dict) -> str:
    mean, mx = result["metrics"]["mean"], result["metrics"]["max"]
    lines = [
        f"# {result['model']['id']} on suite {result['suite']['content_hash'][:16]}",
        "",
        "Headline: quadruplet relative accuracy (%) with **mean** aggregation, 95 % bootstrap CI; "
        f"{DETECTED_MEANS}. p: the sign test, Holm-corrected. Against the null: the median per-quadruplet "
        f"difference of effects from {result['protocol'].get('null_seeds', 0)} untrained-null models on the same "
        "quadruplets, and its sign-test p. Max aggregation is shown beside the untrained null's max accuracy, "
        "never against 50 %, and is never *detected*.",
        "",
        "| principle | condition | accuracy | effect | p | detected | effect vs null (p) | pairwise | AUC | "
        "localisation | max acc (null) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for principle, cells in sorted(mean["cells"].items()):
        for condition in CONDITIONS:
            if condition not in cells:
                continue
            c, m = cells[condition], mx["cells"][principle][condition]
            lines.append(
                f"| {principle} | {condition} | {pct(c['relative_accuracy'])}{ci(c['relative_accuracy_ci'])} | "
                f"{effect(c['effect'], c['effect_ci'])} | {p_value(c['p_sign_holm'])} | "
                f"{'yes' if c['detected'] else 'no'} | {effect(c.get('effect_vs_null'))} ({p_value(c.get('p_vs_null'))}) | "
                f"{pct(c['pairwise_accuracy'])} | {pct(c['auc'])} | {pct(c['localisation'])} | "
                f"{pct(m['relative_accuracy'])} ({pct(m.get('null_relative_accuracy'))}) |")
    for name, group in [("visible", mean["conditions"].get("visible")), ("occluded", mean["conditions"].get("occluded")),
                        ("overall", mean["overall"])]:
        if group:
            lines.append(f"| **{name}** (macro) | | {pct(group['relative_accuracy'])}{ci(group['relative_accuracy_ci'])} | "
                         f"{effect(group['effect'])} | | {detected_cells(mean, name)} cells | "
                         f"{effect(group.get('effect_vs_null'))} ({p_value(group.get('p_vs_null'))}) | "
                         f"{pct(group['pairwise_accuracy'])} | {pct(group['auc'])} | {pct(group['localisation'])} | |")
    mixed = [r for r in mean.get("by_violation", [])
             if sum(o["principle"] == r["principle"] and o["condition"] == r["condition"]
                    for o in mean["by_violation"]) > 1]
    if mixed:
        lines += ["", "Cells whose impossible clips break two laws, accuracy per law broken (each impossible clip "
                  "against the possible clip sharing its prefix; this pairwise view does not cancel frame-local "
                  "cues):", "", "| principle | condition | law broken | clips | pairwise accuracy | p |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['principle']} | {r['condition']} | {r['violation']} | {r['clips']} | "
                  f"{pct(r['pairwise_accuracy'])} | {p_value(r['p_sign'])} |" for r in mixed]
    return "\n".join(lines) + "\n"


def detected_cells(mean: dict, condition: str = "overall") -> str:
    """'k/n' detected cells of a result's mean metrics, in one condition or overall."""
    cells = [c for per in mean["cells"].values() for cond, c in per.items() if condition in ("overall", cond)]
    return f"{sum(c['detected'] for c in cells)}/{len(cells)}"


def accuracy_figure(result: dict) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = result["metrics"]["mean"]["cells"]
    principles = sorted(cells)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 0.38
    for k, condition in enumerate(CONDITIONS):
        xs = np.arange(len(principles)) + (k - 0.5) * width
        acc = [cells[p].get(condition, {}).get("relative_accuracy") for p in principles]
        intervals = [cells[p].get(condition, {}).get("relative_accuracy_ci") or [None, None] for p in principles]
        acc = np.array([np.nan if a is None else a for a in acc])
        lo = np.array([np.nan if c[0] is None else c[0] for c in intervals])
        hi = np.array([np.nan if c[1] is None else c[1] for c in intervals])
        ax.bar(xs, acc, width, label=condition, color=("#4C72B0" if condition == "visible" else "#DD8452"),
               yerr=[acc - lo, hi - acc], capsize=3)
        for x, p in zip(xs, principles):
            if cells[p].get(condition, {}).get("detected"):
                ax.text(x, 1.02, "*", ha="center")
    ax.axhline(0.5, color="k", lw=0.8, ls="--")
    ax.set_xticks(np.arange(len(principles)), principles, rotation=20)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("relative accuracy (mean agg.)")
    ax.set_title(f"{result['model']['id']}  (* detected)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def curves_figure(result: dict) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = result.get("curves", {})
    principles = sorted(curves)
    fig, axes = plt.subplots(2, max(1, len(principles)), figsize=(2.3 * max(1, len(principles)), 4.4),
                             squeeze=False, sharex=True)
    for j, p in enumerate(principles):
        for i, condition in enumerate(CONDITIONS):
            ax = axes[i, j]
            c = curves[p].get(condition)
            if c:
                x = c["offsets"]
                f = lambda v: [np.nan if y is None else y for y in v]
                ax.plot(x, f(c["possible"]), color="#4C72B0", label="possible partner")
                ax.plot(x, f(c["impossible"]), color="#C44E52", label="impossible")
            ax.axvline(0, color="k", lw=0.6, ls=":")
            ax.set_title(f"{p}\n{condition}" if i == 0 else condition, fontsize=8)
            ax.tick_params(labelsize=7)
    axes[0, 0].legend(fontsize=6)
    axes[-1, 0].set_xlabel("frames from reveal", fontsize=8)
    axes[0, 0].set_ylabel("mean surprise", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def write_report(results_dir: str | Path) -> list[Path]:
    results_dir = Path(results_dir)
    result = load_results(results_dir)
    outputs = {results_dir / "report.md": markdown(result).encode(),
               results_dir / "accuracy.png": accuracy_figure(result),
               results_dir / "surprise_curves.png": curves_figure(result)}
    for p, data in outputs.items():
        atomic_write_bytes(p, data)
    return list(outputs)
