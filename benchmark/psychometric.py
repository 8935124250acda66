"""Psychometric curves: quadruplet accuracy against one difficulty axis.

A suite records, per quadruplet, the values of its difficulty axes (items/<quad>.json: occlusion
frames, speed, size, screen width, number of objects, ...). For one cell (principle x condition)
and one numeric axis, the quadruplets are grouped by level (a sweep's levels, or BINS quantile
bins of an ordinary suite), each group's accuracy gets a bootstrap CI like every other number of
the harness, and a two-alternative psychometric function is fitted to the quadruplets:

    p(x) = 0.5 + 0.5 * sigmoid(a + b * z),   z = (x - mean) / sd

(chance is 50 %, a perfect judge 100 %; ties count 0.5, as in the headline). Its *75 % point* is the
level at which the model is half-way between perfect and chance: where accuracy falls with the
axis (hidden frames), the model's memory span. It is reported only when the fit crosses 75 % inside
the measured range, with its direction (a curve can also rise: a harder-looking level that helps);
otherwise the curve stays above (the span is beyond the range) or below 75 % throughout.

The fit is a penalised maximum-likelihood (a small ridge, RIDGE, on a and b in standardised
units) so that a perfectly separated handful of quadruplets gives a steep but finite slope.
"""
from __future__ import annotations

import math

import numpy as np

from .plotting import png, pyplot

BINS = 4
THRESHOLD = 0.75
RIDGE = 0.1
MIN_QUADRUPLETS = 6  # fewer, and no curve is fitted
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


def numeric_axes(axes: dict) -> dict[str, float]:
    """The scalar numeric axes of an item record (lists, strings and booleans are left out)."""
    return {k: float(v) for k, v in axes.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)}


def _p(a: float, b: float, z: np.ndarray) -> np.ndarray:
    return 0.5 + 0.5 / (1.0 + np.exp(-(a + b * z)))


def fit(x: np.ndarray, y: np.ndarray) -> dict | None:
    """Penalised ML fit of p(x) = 0.5 + 0.5 sigmoid(a + b z) to outcomes y in [0, 1] (damped
    Newton steps on the two parameters). None when x does not vary."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    sd = float(x.std())
    if len(x) < 2 or sd == 0:
        return None
    z = (x - x.mean()) / sd
    theta = np.zeros(2)
    design = np.stack([np.ones_like(z), z], 1)

    def objective(t):
        p = np.clip(_p(t[0], t[1], z), 1e-12, 1 - 1e-12)
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) - 0.5 * RIDGE * t @ t)

    for _ in range(100):
        s = 1.0 / (1.0 + np.exp(-(design @ theta)))
        p = np.clip(0.5 + 0.5 * s, 1e-12, 1 - 1e-12)
        dp = 0.5 * s * (1 - s)  # dp/dlogit
        w = dp * (y / p - (1 - y) / (1 - p))
        grad = design.T @ w - RIDGE * theta
        curvature = dp ** 2 * (y / p ** 2 + (1 - y) / (1 - p) ** 2)  # Fisher-like, positive
        hessian = -(design.T * curvature) @ design - RIDGE * np.eye(2)
        step = np.linalg.solve(hessian, -grad)
        now, scale = objective(theta), 1.0
        while scale > 1e-6 and objective(theta + scale * step) < now:
            scale /= 2
        theta = theta + scale * step
        if np.abs(scale * step).max() < 1e-9:
            break
    a, b = float(theta[0]), float(theta[1])
    return {"a": a, "b": b, "mean": float(x.mean()), "sd": sd}


def predict(params: dict, x: np.ndarray) -> np.ndarray:
    return _p(params["a"], params["b"], (np.asarray(x, float) - params["mean"]) / params["sd"])


def threshold(params: dict | None, lo: float, hi: float, level: float = THRESHOLD) -> float | None:
    """The x in [lo, hi] where the fitted curve crosses `level`, or None."""
    if params is None or params["b"] == 0:
        return None
    target = math.log((level - 0.5) / (1 - level))  # logit of the sigmoid at the level
    x = params["mean"] + params["sd"] * (target - params["a"]) / params["b"]
    return float(x) if lo <= x <= hi else None


def group_index(values: np.ndarray, sweep: bool) -> np.ndarray:
    """Each value's group: its level among the distinct values (a sweep, or few values), else
    its quantile bin (BINS bins; equal values always share a bin)."""
    distinct = np.unique(values)
    if sweep or len(distinct) <= BINS:
        return np.searchsorted(distinct, values)
    inner = np.quantile(values, np.linspace(0, 1, BINS + 1))[1:-1]
    return np.searchsorted(inner, values, side="right")


def curve(values: np.ndarray, accuracy: np.ndarray, sweep: bool = False) -> dict:
    """Per level: the quadruplets' accuracy with a 95 % bootstrap CI; the fit; the 75 % point."""
    values, accuracy = np.asarray(values, float), np.asarray(accuracy, float)
    keep = np.isfinite(values) & np.isfinite(accuracy)
    values, accuracy = values[keep], accuracy[keep]
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    groups = []
    index = group_index(values, sweep) if len(values) else np.array([], int)
    for k in np.unique(index):
        inside = index == k
        acc = accuracy[inside]
        draws = acc[rng.integers(0, len(acc), (BOOTSTRAP_RESAMPLES, len(acc)))].mean(1)
        groups.append({"lo": float(values[inside].min()), "hi": float(values[inside].max()),
                       "x": float(values[inside].mean()), "n": int(len(acc)), "accuracy": float(acc.mean()),
                       "ci": [float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))]})
    params = fit(values, accuracy) if len(values) >= MIN_QUADRUPLETS else None
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (math.nan, math.nan)
    point = threshold(params, lo, hi) if params else None
    if params is None:
        verdict = "no fit"
    elif point is not None:  # falls: accuracy drops with the axis (a span); rises: the axis helps
        verdict = "falls" if params["b"] < 0 else "rises"
    else:  # the fitted curve stays on one side of 75 % over the measured range
        verdict = "above" if predict(params, [lo])[0] >= THRESHOLD else "below"
    return {"levels": groups, "fit": params, "range": [lo, hi], "n": int(len(values)), "threshold": point,
            "verdict": verdict}


def describe_point(c: dict) -> str:
    """The 75 % point in words: its level, or which side of 75 % the curve stays on."""
    if c.get("threshold") is not None:
        return {"falls": f"falls below 75 % at {c['threshold']:.3g}",
                "rises": f"rises above 75 % at {c['threshold']:.3g}"}.get(c.get("verdict"), f"{c['threshold']:.3g}")
    return {"above": f"above 75 % to {c['range'][1]:.3g}", "below": f"below 75 % from {c['range'][0]:.3g}",
            }.get(c.get("verdict"), "–")


def cell_curves(quadruplets: list[dict], sweep_axis: str | None = None) -> dict[str, dict[tuple[str, str], dict]]:
    """{axis: {(principle, condition): curve}} over a result's quadruplet records, for every
    numeric axis that varies over at least MIN_QUADRUPLETS quadruplets of a cell."""
    cells: dict[tuple[str, str], list[dict]] = {}
    for q in quadruplets:
        cells.setdefault((q["principle"], q["condition"]), []).append(q)
    out: dict[str, dict] = {}
    for cell, quads in sorted(cells.items()):
        for axis in sorted({a for q in quads for a in q.get("axes", {})}):
            have = [q for q in quads if axis in q["axes"] and q.get("accuracy") is not None]
            values = np.array([q["axes"][axis] for q in have], float)
            if len(have) < MIN_QUADRUPLETS or len(np.unique(values)) < 2:
                continue
            out.setdefault(axis, {})[cell] = curve(values, [q["accuracy"] for q in have], sweep=axis == sweep_axis)
    return out


def draw(ax, curves: dict[str, dict], title: str = "") -> None:
    """One panel: accuracy per level with its CI and the fitted curve, one colour per model
    (`curves`: {model: curve}); the 75 % point marked."""
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf", "#000000", "#aec7e8"]
    for k, (model, c) in enumerate(curves.items()):
        colour = colours[k % len(colours)]
        # models side by side at each level (a small shift, so their intervals do not hide each other)
        step = np.diff(c["range"])[0] / max(1, len(c["levels"]) - 1) if c["levels"] else 0
        shift = (k - (len(curves) - 1) / 2) * 0.5 * step / max(1, len(curves))
        xs = np.array([g["x"] for g in c["levels"]]) + shift
        acc = np.array([g["accuracy"] for g in c["levels"]])
        lo = np.array([g["ci"][0] for g in c["levels"]])
        hi = np.array([g["ci"][1] for g in c["levels"]])
        ax.errorbar(xs, acc, yerr=[acc - lo, hi - acc], fmt="o", ms=3, color=colour, capsize=2, lw=0.8, label=model)
        if c["fit"]:
            grid = np.linspace(*c["range"], 100)
            ax.plot(grid, predict(c["fit"], grid), color=colour, lw=1.2)
        if c["threshold"] is not None:
            ax.axvline(c["threshold"], color=colour, lw=0.8, ls=":")
    ax.axhline(0.5, color="k", lw=0.6, ls="--")
    ax.axhline(THRESHOLD, color="0.6", lw=0.5, ls=":")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title, fontsize=8)
    ax.tick_params(labelsize=7)


def figure(axis: str, by_cell: dict[tuple[str, str], dict[str, dict]]) -> bytes:
    """PNG: one panel per cell ({cell: {model: curve}}), accuracy against `axis`."""
    plt = pyplot()

    cells = sorted(by_cell)
    cols = min(4, len(cells))
    rows = -(-len(cells) // cols)
    many = max(len(m) for m in by_cell.values()) > 3  # a legend beside the panels, not over them
    size = (3.6, 3.0) if many else (2.6, 2.3)
    fig, axes = plt.subplots(rows, cols, figsize=(max(4.4, size[0] * cols + (2.6 if many else 0)),
                                                  size[1] * rows + 0.5), squeeze=False)
    for ax, cell in zip(axes.flat, cells):
        draw(ax, by_cell[cell], f"{cell[0]} / {cell[1]}")
    for ax in list(axes.flat)[len(cells):]:
        ax.axis("off")
    axes[0, 0].set_ylabel("quadruplet accuracy", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel(axis, fontsize=8)
    fig.suptitle(f"accuracy against {axis} (mean aggregation, 95 % CIs; dotted: the 75 % point)", fontsize=8)
    if many:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="center right", fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0, 1 - 2.6 / fig.get_size_inches()[0], 1))
    else:
        axes[0, 0].legend(fontsize=6, loc="lower left")
        fig.tight_layout()
    return png(fig, dpi=100)
