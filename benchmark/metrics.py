"""VoE metrics on per-frame surprise. Pure functions of a scores table; no model, no I/O.

The input is one row per clip: principle, condition, quad_id, possible, reveal_frame,
surprise (float array [T], NaN only for a model's leading context frames) and partner (the
possible clip sharing the prefix, for impossible clips).

Why the headline aggregates by the *mean*: the impossible pair of a matched quadruplet holds
the same frames (and, at a seamless occluded splice, the same frame-to-frame transitions) as
the possible pair, so a sum over frames of any frame-local statistic cancels exactly; only
where a model's context straddles the splice can the sums differ. The max is not additive:
for a present/absent quadruplet, max(A-before, B-after) + max(B-before, A-after) beats
max(A) + max(B) for any "something is there" detector. Max is reported as a secondary score,
always beside the untrained null's value, never against 50 %.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

TIE_TOLERANCE = 1e-6  # relative difference under which a quadruplet counts as a tie (0.5)
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
LOCALISATION_WINDOW = 4  # frames after reveal_frame in which the surprise excess must peak
AGGREGATIONS = ("mean", "max")


def scored_frames(surprises: list[np.ndarray]) -> slice:
    """Frames every clip of a quadruplet can be scored on: after the longest context."""
    start = max(int(np.argmax(np.isfinite(s))) for s in surprises)
    return slice(start, min(len(s) for s in surprises))


def aggregate(s: np.ndarray, frames: slice, how: str) -> float:
    x = s[frames]
    return float(x.mean() if how == "mean" else x.max())


def relative_difference(imp: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return (imp - pos) / np.maximum(np.abs(pos), 1e-12)


def relative_accuracy(imp: np.ndarray, pos: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Per comparison: 1 if impossible > possible, 0.5 for a tie, 0 otherwise.

    IntPhys' own scorer counted ties as correct; a model that outputs a constant would then
    score 100 %. Here it scores 50 %.
    """
    rel = relative_difference(np.asarray(imp, float), np.asarray(pos, float))
    return np.where(np.abs(rel) < tol, 0.5, (rel > 0).astype(float))


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney), ties count half. Needs both classes."""
    scores, positive = np.asarray(scores, float), np.asarray(positive, bool)
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def hedges_g(x: np.ndarray, y: np.ndarray) -> float:
    """Standardised mean difference of x over y with the small-sample correction."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return float("nan")
    pooled = math.sqrt(((nx - 1) * x.var(ddof=1) + (ny - 1) * y.var(ddof=1)) / (nx + ny - 2))
    if pooled == 0:
        return 0.0 if x.mean() == y.mean() else math.copysign(float("inf"), x.mean() - y.mean())
    return float((x.mean() - y.mean()) / pooled * (1 - 3 / (4 * (nx + ny) - 9)))


def mann_whitney_p(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided p-value that x tends to exceed y (normal approximation, tie-corrected)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    nx, ny = len(x), len(y)
    if nx == 0 or ny == 0:
        return float("nan")
    ranks = pd.Series(np.concatenate([x, y])).rank().to_numpy()
    u = ranks[:nx].sum() - nx * (nx + 1) / 2
    _, counts = np.unique(np.concatenate([x, y]), return_counts=True)
    n = nx + ny
    var = nx * ny / 12 * ((n + 1) - (counts ** 3 - counts).sum() / (n * (n - 1)))
    if var <= 0:
        return 0.5
    z = (u - nx * ny / 2 - 0.5) / math.sqrt(var)
    return float(0.5 * math.erfc(z / math.sqrt(2)))


# --- per quadruplet -------------------------------------------------------------------------

def quadruplet_table(clips: pd.DataFrame, how: str = "mean") -> pd.DataFrame:
    """One row per quadruplet: summed aggregated surprise of the impossible and possible pairs,
    relative accuracy and effect, plus the two pairwise comparisons."""
    rows = []
    for (principle, condition, quad), g in clips.groupby(["principle", "condition", "quad_id"], sort=True):
        if sorted(g["possible"]) != [0, 0, 1, 1]:
            raise ValueError(f"quadruplet {quad}: expected 2 possible and 2 impossible clips, found "
                             f"{int(g['possible'].sum())} possible of {len(g)}")
        frames = scored_frames(list(g["surprise"]))
        agg = {cid: aggregate(s, frames, how) for cid, s in zip(g["clip_id"], g["surprise"])}
        imp = g[g["possible"] == 0]
        pos = g[g["possible"] == 1]
        s_imp = sum(agg[c] for c in imp["clip_id"])
        s_pos = sum(agg[c] for c in pos["clip_id"])
        pairs = [(agg[r.clip_id], agg[r.partner]) for r in imp.itertuples()]
        rows.append({
            "principle": principle, "condition": condition, "quad_id": quad,
            "imp": s_imp, "pos": s_pos,
            "accuracy": float(relative_accuracy(np.array([s_imp]), np.array([s_pos]))[0]),
            "effect": float(relative_difference(np.array([s_imp]), np.array([s_pos]))[0]),
            "pairwise": float(relative_accuracy(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])).mean()),
            "clip_scores": agg,
        })
    return pd.DataFrame(rows)


def localisation(clips: pd.DataFrame, k: int = LOCALISATION_WINDOW) -> pd.Series:
    """Per impossible clip: does its surprise excess over its possible partner peak within
    [reveal_frame, reveal_frame + k]? Indexed by clip_id."""
    by_id = clips.set_index("clip_id")
    out = {}
    for r in clips[clips["possible"] == 0].itertuples():
        s, p = r.surprise, by_id.loc[r.partner, "surprise"]
        excess = s - p
        finite = np.isfinite(excess)
        if not finite.any():
            out[r.clip_id] = np.nan
            continue
        peak = int(np.nanargmax(np.where(finite, excess, -np.inf)))
        out[r.clip_id] = float(r.reveal_frame <= peak <= r.reveal_frame + k)
    return pd.Series(out, dtype=float)


# --- per group (cell, principle, condition, overall) -------------------------------------------

class Quads:
    """The numbers of a set of quadruplets as arrays, in the shape the bootstrap resamples."""

    def __init__(self, quads: pd.DataFrame, impossible_ids: set, local: pd.Series):
        self.principle = quads["principle"].to_numpy()
        self.condition = quads["condition"].to_numpy()
        self.accuracy = quads["accuracy"].to_numpy(float)
        self.effect = quads["effect"].to_numpy(float)
        self.pairwise = quads["pairwise"].to_numpy(float)
        ids = [list(d) for d in quads["clip_scores"]]
        self.scores = np.array([[d[c] for c in cs] for d, cs in zip(quads["clip_scores"], ids)], float).reshape(-1, 4)
        self.impossible = np.array([[c in impossible_ids for c in cs] for cs in ids], bool).reshape(-1, 4)
        loc = [[local.get(c, np.nan) for c in cs if c in impossible_ids] for cs in ids]
        self.loc_hits = np.array([np.nansum(x) for x in loc], float)
        self.loc_count = np.array([np.isfinite(x).sum() for x in loc], float)

    def __len__(self):
        return len(self.accuracy)

    def subset(self, mask: np.ndarray) -> "Quads":
        other = object.__new__(Quads)
        for k, v in vars(self).items():
            setattr(other, k, v[mask])
        return other

    def stats(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        """Statistics for each row of an index matrix [draws, n] (one resample per row)."""
        imp = self.impossible[idx].reshape(len(idx), -1)
        scores = self.scores[idx].reshape(len(idx), -1)
        # Every quadruplet has two impossible and two possible clips, so each row splits evenly.
        pos = scores[imp].reshape(len(idx), -1)
        neg = scores[~imp].reshape(len(idx), -1)
        auc = ((pos[:, :, None] > neg[:, None, :]).mean(axis=(1, 2))
               + 0.5 * (pos[:, :, None] == neg[:, None, :]).mean(axis=(1, 2)))
        with np.errstate(invalid="ignore", divide="ignore"):
            loc = self.loc_hits[idx].sum(1) / self.loc_count[idx].sum(1)
        return {
            "relative_accuracy": self.accuracy[idx].mean(1),
            "effect": np.median(self.effect[idx], axis=1),
            "pairwise_accuracy": self.pairwise[idx].mean(1),
            "auc": auc,
            "localisation": np.where(np.isfinite(loc), loc, np.nan),
        }

    def strata(self) -> list[np.ndarray]:
        """Index arrays of each principle's quadruplets."""
        return [np.flatnonzero(self.principle == p) for p in sorted(set(self.principle))]

    def summary_stats(self, strata: list[np.ndarray], macro: bool) -> dict[str, np.ndarray]:
        """strata: index matrices [draws, n_p], one per principle."""
        if not macro:
            return self.stats(np.concatenate(strata, axis=1))
        per = [self.stats(idx) for idx in strata]
        with warnings.catch_warnings():  # a principle without localisation data is skipped
            warnings.simplefilter("ignore", RuntimeWarning)
            return {k: np.nanmean([p[k] for p in per], axis=0) for k in per[0]}


def summarise(group: Quads, macro: bool = False, null: dict | None = None) -> dict:
    """All statistics of a group with 95 % bootstrap CIs (quadruplets resampled within principle).

    macro: average each statistic over principles (for condition and overall groups)."""
    strata = group.strata()
    point = group.summary_stats([idx[None, :] for idx in strata], macro)
    out = {"n_quadruplets": len(group), **{k: float(v[0]) for k, v in point.items()}}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = group.summary_stats([idx[rng.integers(0, len(idx), (BOOTSTRAP_RESAMPLES, len(idx)))] for idx in strata],
                                macro)
    for key, values in draws.items():
        values = values[np.isfinite(values)]
        out[f"{key}_ci"] = ((float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5)))
                            if len(values) else (float("nan"), float("nan")))
    out["relative_error"] = 1.0 - out["relative_accuracy"]  # IntPhys' definitions
    out["absolute_error"] = 1.0 - out["auc"]
    if null:
        threshold = float(np.percentile(null["effects"], 95))
        out["null_effect_p95"] = threshold
        out["null_effect_median"] = float(np.median(null["effects"]))
        out["null_relative_accuracy"] = float(np.mean(null["accuracy"]))
        out["detected"] = bool(out["relative_accuracy_ci"][0] > 0.5 and out["effect"] > threshold)
        out["hedges_g_vs_null"] = hedges_g(group.effect, null["quad_effects"])
        out["p_vs_null"] = mann_whitney_p(group.effect, null["quad_effects"])
    return out


def _quads(clips: pd.DataFrame, how: str) -> Quads:
    impossible = set(clips.loc[clips["possible"] == 0, "clip_id"])
    return Quads(quadruplet_table(clips, how), impossible, localisation(clips))


def compute_metrics(clips: pd.DataFrame, null_runs: list[pd.DataFrame] | None = None) -> dict:
    """All metrics, for both aggregations, per cell, per principle, per condition and overall.

    null_runs: scores tables of untrained-null models (>= 10 seeds) on the same suite; they
    set each group's detection threshold (95th percentile of the null effects) and the
    Hedges' g / p-value of the effect against the null.
    """
    out = {"protocol": {"aggregations": list(AGGREGATIONS), "headline": "mean", "tie_tolerance": TIE_TOLERANCE,
                        "bootstrap_resamples": BOOTSTRAP_RESAMPLES, "bootstrap_seed": BOOTSTRAP_SEED,
                        "localisation_window": LOCALISATION_WINDOW, "null_seeds": len(null_runs or [])}}
    for how in AGGREGATIONS:
        quads = _quads(clips, how)
        nulls = [_quads(n, how) for n in (null_runs or [])]

        def group(select, macro=False):
            null = None
            if nulls:
                subsets = [n.subset(select(n)) for n in nulls]
                stats = [n.summary_stats([idx[None, :] for idx in n.strata()], macro) for n in subsets]
                null = {"effects": [float(st["effect"][0]) for st in stats],
                        "accuracy": [float(st["relative_accuracy"][0]) for st in stats],
                        "quad_effects": np.concatenate([n.effect for n in subsets])}
            return summarise(quads.subset(select(quads)), macro=macro, null=null)

        result = {"cells": {}, "principles": {}, "conditions": {}}
        for principle, condition in sorted(set(zip(quads.principle, quads.condition))):
            result["cells"].setdefault(principle, {})[condition] = group(
                lambda q, p=principle, c=condition: (q.principle == p) & (q.condition == c))
        for principle in sorted(set(quads.principle)):
            result["principles"][principle] = group(lambda q, p=principle: q.principle == p)
        for condition in sorted(set(quads.condition)):
            result["conditions"][condition] = group(lambda q, c=condition: q.condition == c, macro=True)
        result["overall"] = group(lambda q: np.ones(len(q), bool), macro=True)
        out[how] = result
    return out
