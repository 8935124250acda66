"""`voebench report RESULTS_DIR`: a Markdown table and PNG figures from results.json."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voebench.scenes.files import atomic_write_bytes
from voebench.scenes.design import CONDITIONS

from .plotting import png, pyplot
from .number_text import ci, effect, p_value, pct
from .metrics import DETECTED_MEANS
from .results import detected_cells, load_results


def in_order(present, canonical) -> list[str]:
    """The names a result has: voebench's (in their order) first, then any other format's, sorted."""
    present = set(present)
    return [c for c in canonical if c in present] + sorted(present - set(canonical))


def conditions_of(cells: dict) -> list[str]:
    """The conditions a result has: voebench's (visible, occluded) first, then any other format's."""
    return in_order({c for per in cells.values() for c in per}, CONDITIONS)


def detected_text(flag) -> str:
    return "n/a" if flag is None else "yes" if flag else "no"


def matching_note(suite: dict) -> list[str]:
    """For a dataset read from another format: what it is and how many quadruplets are matched."""
    if "format" not in suite:
        return []
    text = (f"Dataset: {suite['format']} at {suite['path']}; {suite.get('matched_quadruplets')} of "
            f"{suite.get('quadruplets')} quadruplets matched (impossible clips made of the possible ones, as the "
            f"format declares), {suite.get('frame_identical_quadruplets')} frame-identical (the same frames as "
            "multisets). Quadruplet accuracy, effect and detection are computed only in cells whose quadruplets are "
            "all matched (\"–\" and n/a elsewhere); pairwise accuracy and AUC everywhere.")
    reader = suite.get("reader") or {}
    if reader.get("resize") or (reader.get("frame_step") or 1) != 1:
        text += f" Frames read with resize={reader.get('resize')}, frame_step={reader.get('frame_step')}."
    return [text, ""]


def human_note(result: dict) -> list[str]:
    """For a human baseline (benchmark/human/): who was kept, what the scores and the null are."""
    human = result.get("human")
    if not human:
        return []
    own = human["participant_relative_accuracy"]
    return [f"**Human baseline**: {human['kept']} of {human['valid']} participants kept by the attention rule "
            f"stated in the study ({human['rule']}); {human['clips_rated']} of {human['clips_in_study']} clips rated, "
            f"{human['ratings_per_clip']['min']}-{human['ratings_per_clip']['max']} ratings a clip. Scores are one "
            "implausibility per clip (the mean rating): effect, localisation and *detected* do not apply (–, n/a); "
            "the null here is each participant's ratings permuted among the clips they rated. Each participant's "
            f"own quadruplet accuracy: mean {pct(own['mean'])}, range {pct(own['min'])}-{pct(own['max'])}.", ""]


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
        *matching_note(result["suite"]),
        *human_note(result),
        "| principle | condition | accuracy | effect | p | detected | effect vs null (p) | pairwise | AUC | "
        "localisation | max acc (null) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for principle, cells in sorted(mean["cells"].items()):
        for condition in conditions_of(mean["cells"]):
            if condition not in cells:
                continue
            c, m = cells[condition], mx["cells"][principle][condition]
            lines.append(
                f"| {principle} | {condition} | {pct(c['relative_accuracy'])}{ci(c['relative_accuracy_ci'])} | "
                f"{effect(c['effect'], c['effect_ci'])} | {p_value(c['p_sign_holm'])} | "
                f"{detected_text(c.get('detected'))} | {effect(c.get('effect_vs_null'))} ({p_value(c.get('p_vs_null'))}) | "
                f"{pct(c['pairwise_accuracy'])} | {pct(c['auc'])} | {pct(c['localisation'])} | "
                f"{pct(m['relative_accuracy'])} ({pct(m.get('null_relative_accuracy'))}) |")
    for name, group in [*((c, mean["conditions"].get(c)) for c in conditions_of(mean["cells"])),
                        ("overall", mean["overall"])]:
        if group:
            lines.append(f"| **{name}** (macro) | | {pct(group['relative_accuracy'])}{ci(group['relative_accuracy_ci'])} | "
                         f"{effect(group['effect'])} | | {cells_text(detected_fraction(mean, name))} | "
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


def cells_text(count: str) -> str:
    return count if count == "n/a" else f"{count} cells"


def detected_fraction(mean: dict, condition: str = "overall") -> str:
    """'k/n' detected cells of a result's mean metrics, in one condition or overall ('n/a' where no
    cell is tested: unmatched quadruplets, people's clip-level scores)."""
    count = detected_cells(mean, condition)
    return "n/a" if count is None else f"{count[0]}/{count[1]}"


def accuracy_figure(result: dict) -> bytes:
    plt = pyplot()

    cells = result["metrics"]["mean"]["cells"]
    principles = sorted(cells)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    conditions = conditions_of(cells)
    width = 0.76 / len(conditions)
    colours = {"visible": "#4C72B0", "occluded": "#DD8452"}
    palette = iter(["#55A868", "#8172B2", "#937860", "#DA8BC3"])
    for k, condition in enumerate(conditions):
        xs = np.arange(len(principles)) + (k - (len(conditions) - 1) / 2) * width
        # unmatched cells have no quadruplet accuracy: their pairwise accuracy is drawn, hatched
        key = {p: "relative_accuracy" if cells[p].get(condition, {}).get("relative_accuracy") is not None
               else "pairwise_accuracy" for p in principles}
        acc = [cells[p].get(condition, {}).get(key[p]) for p in principles]
        intervals = [cells[p].get(condition, {}).get(key[p] + "_ci") or [None, None] for p in principles]
        acc = np.array([np.nan if a is None else a for a in acc])
        lo = np.array([np.nan if c[0] is None else c[0] for c in intervals])
        hi = np.array([np.nan if c[1] is None else c[1] for c in intervals])
        colour = colours.get(condition) or next(palette, "#999999")
        bars = ax.bar(xs, acc, width, label=condition, color=colour, yerr=[acc - lo, hi - acc], capsize=3)
        for bar, p in zip(bars, principles):
            if key[p] == "pairwise_accuracy":
                bar.set_hatch("//")
        for x, p in zip(xs, principles):
            if cells[p].get(condition, {}).get("detected"):
                ax.text(x, 1.02, "*", ha="center")
    ax.axhline(0.5, color="k", lw=0.8, ls="--")
    ax.set_xticks(np.arange(len(principles)), principles, rotation=20)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("relative accuracy (mean agg.)\nhatched: pairwise (unmatched)", fontsize=8)
    ax.set_title(f"{result['model']['id']}  (* detected)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return png(fig, dpi=110)


def surprise_around_reveal_figure(result: dict) -> bytes:
    plt = pyplot()

    curves = result.get("curves", {})
    principles = sorted(curves)
    conditions = conditions_of(curves) or list(CONDITIONS)
    fig, axes = plt.subplots(len(conditions), max(1, len(principles)), figsize=(2.3 * max(1, len(principles)),
                             2.2 * len(conditions)), squeeze=False, sharex=True)
    for j, p in enumerate(principles):
        for i, condition in enumerate(conditions):
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
    if axes[0, 0].get_legend_handles_labels()[0]:
        axes[0, 0].legend(fontsize=6)
    axes[-1, 0].set_xlabel("frames from reveal", fontsize=8)
    axes[0, 0].set_ylabel("mean surprise", fontsize=8)
    fig.tight_layout()
    return png(fig, dpi=100)


def difficulty(result: dict) -> dict:
    """{axis: {cell: curve}}: the psychometric curves of a result (none for results written
    before per-quadruplet records existed)."""
    from .psychometric import cell_curves

    return cell_curves(result.get("quadruplets") or [], (result["suite"].get("sweep") or {}).get("axis"))


def difficulty_markdown(curves: dict) -> str:
    """Per axis and cell: accuracy per level and the fitted 75 % point."""
    from .psychometric import describe_point

    if not curves:
        return ""
    lines = ["", "## Accuracy against difficulty", "",
             "Quadruplet accuracy (%, mean aggregation) per level of each recorded difficulty axis (quantile "
             "bins, or a sweep's levels), and the level where the fitted psychometric curve crosses 75 % "
             "(half-way to chance); `psychometric_<axis>.png` draws them with 95 % CIs.", "",
             "| axis | principle | condition | quadruplets | accuracy per level (level: %) | 75 % point |",
             "|---|---|---|---|---|---|"]
    for axis, cells in sorted(curves.items()):
        for (principle, condition), c in sorted(cells.items()):
            per = ", ".join(f"{g['x']:.3g}: {pct(g['accuracy'])}" for g in c["levels"])
            point = describe_point(c)
            lines.append(f"| {axis} | {principle} | {condition} | {c['n']} | {per} | {point} |")
    return "\n".join(lines) + "\n"


def write_report(results_dir: str | Path) -> list[Path]:
    from .psychometric import figure

    results_dir = Path(results_dir)
    result = load_results(results_dir)
    curves = difficulty(result)
    outputs = {results_dir / "report.md": (markdown(result) + difficulty_markdown(curves)).encode(),
               results_dir / "accuracy.png": accuracy_figure(result),
               results_dir / "surprise_curves.png": surprise_around_reveal_figure(result)}
    for axis, cells in curves.items():
        outputs[results_dir / f"psychometric_{axis}.png"] = figure(
            axis, {cell: {result["model"]["id"]: c} for cell, c in cells.items()})
    for p, data in outputs.items():
        atomic_write_bytes(p, data)
    return list(outputs)
