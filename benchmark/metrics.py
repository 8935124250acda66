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
always beside the untrained null's value, never against 50 % and never "detected".

Every decision here is unchanged when a model's scores are transformed by S -> a*S + b (a > 0):
ties are exact cancellations up to float rounding, effects are in units of the model's own
surprise spread, and the detection test counts quadruplets (issue 10).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

# A tie is an exact cancellation up to float rounding: |sum(impossible) - sum(possible)|, computed
# by `excess` so that equal values cancel exactly, at most TIE_RTOL of the largest |surprise| in
# the quadruplet. On the committed voe-v1 tables of the twelve models bundled then (float64) what is
# left of an exact cancellation is under 1e-16 of that magnitude and the smallest real
# difference is 1e-12 of it: four empty decades, and the band sits in the middle, so neither a
# CPU's rounding (~1e-15, models/portable.py) nor a rescaled or shifted copy of the scores (up to
# ~30x the surprise's own size) can move a decision.
TIE_RTOL = 1e-14
# Effect: the impossible clips' excess over the possible ones in the EFFECT_WINDOW frames from
# the reveal (when the violation is first on screen, about 0.2 s at 16 fps), per clip and frame,
# in units of the model's own spread of per-frame surprise on the cell's possible clips.
EFFECT_WINDOW = 3
# Detected (mean aggregation, per cell): the exact one-sided sign test over the cell's
# quadruplets (ties count as wrong) rejects chance at ALPHA after Holm's correction over the
# cells of one result, AND the median effect is at least MIN_EFFECT spreads. Set between the two
# acceptance cases of issue 10 on the untrained null's voe-v1 scores: a consistent sliver (3e-5
# of the surprise after the reveal) reaches 0.035-0.11 (0.03-0.07 from the sliver itself: the
# null's surprise barely varies, so 3e-5 of it is ~0.05 spread; up to 0.04 more where the null
# has real visible differences), a response of 0.2 spread on the 3 frames from the reveal
# reaches 0.20-0.24 (tests/test_detection.py). Fixed before any trained model was re-scored.
MIN_EFFECT = 0.15
ALPHA = 0.05
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
LOCALISATION_WINDOW = 4  # frames after reveal_frame in which the surprise excess must peak
AGGREGATIONS = ("mean", "max")
DETECTION_RULE = (f"one-sided exact sign test over the cell's quadruplets (ties count as wrong), Holm-corrected over "
                  f"the result's cells at alpha {ALPHA}, and median effect >= {MIN_EFFECT} (impossible-minus-possible "
                  f"surprise in the {EFFECT_WINDOW} frames from the reveal, per clip and frame, in units of the "
                  f"model's per-frame surprise spread on the cell's possible clips); mean aggregation only")
# The same rule where a table or page says what its "*detected*" means (one text, from the constants).
DETECTED_MEANS = f"*detected*: {DETECTION_RULE}"


def scored_frames(surprises: list[np.ndarray]) -> slice:
    """Frames every clip of a quadruplet can be scored on: after the longest context."""
    start = max(int(np.argmax(np.isfinite(s))) for s in surprises)
    return slice(start, min(len(s) for s in surprises))


def aggregate(s: np.ndarray, frames: slice, how: str) -> float:
    x = s[frames]
    return float(x.mean() if how == "mean" else x.max())


def decide(difference: np.ndarray, band: np.ndarray) -> np.ndarray:
    """Per comparison: 1 if impossible > possible, 0.5 for a tie (|difference| <= band), else 0.

    IntPhys' own scorer counted ties as correct; a model that outputs a constant would then
    score 100 %. Here it scores 50 %."""
    difference, band = np.asarray(difference, float), np.asarray(band, float)
    return np.where(np.abs(difference) <= band, 0.5, (difference > 0).astype(float))


def excess(impossible: list[np.ndarray], possible: list[np.ndarray]) -> float:
    """sum(impossible values) - sum(possible values), computed so that two equal multisets give
    exactly 0 whatever the values' magnitude or offset: paired in sorted order, the differences
    summed exactly (math.fsum)."""
    a, b = np.sort(np.concatenate(impossible)), np.sort(np.concatenate(possible))
    if len(a) != len(b):
        return math.fsum(a) - math.fsum(b)
    return math.fsum(a - b)


def sign_test(correct: int, n: int) -> float:
    """One-sided exact binomial p-value of `correct` or more successes in n fair coin flips."""
    if n == 0:
        return 1.0
    return math.fsum(math.comb(n, k) for k in range(correct, n + 1)) / 2.0 ** n


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error over the list)."""
    order = np.argsort(p_values, kind="stable")
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def spreads(clips: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Per cell: the standard deviation of every per-frame surprise value of its possible clips,
    the unit of the effect (scales with the model's surprise, ignores its offset)."""
    out = {}
    for key, g in clips[clips["possible"] == 1].groupby(["principle", "condition"]):
        values = np.concatenate([s[np.isfinite(s)] for s in g["surprise"]])
        out[key] = float(values.std()) if len(values) else 0.0
    return out


def auc(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """Area under the ROC curve (Mann-Whitney: the share of (impossible, possible) pairs ordered
    right, ties count half), per row of [rows, n] score matrices (one bootstrap resample a row)."""
    return ((pos[:, :, None] > neg[:, None, :]).mean(axis=(1, 2))
            + 0.5 * (pos[:, :, None] == neg[:, None, :]).mean(axis=(1, 2)))


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """`auc` of one set of scores; NaN without both classes."""
    scores, positive = np.asarray(scores, float), np.asarray(positive, bool)
    if positive.all() or not positive.any():
        return float("nan")
    return float(auc(scores[positive][None], scores[~positive][None])[0])


def paired_dz(differences: np.ndarray) -> float:
    """Standardised mean of paired differences (Cohen's d_z): one value per quadruplet."""
    d = np.asarray(differences, float)
    d = d[np.isfinite(d)]
    if len(d) < 2:
        return float("nan")
    sd = d.std(ddof=1)
    if sd == 0:
        return 0.0 if d.mean() == 0 else math.copysign(float("inf"), d.mean())
    return float(d.mean() / sd)


# --- per quadruplet -------------------------------------------------------------------------

def quadruplet_table(clips: pd.DataFrame, how: str = "mean") -> pd.DataFrame:
    """One row per quadruplet: summed aggregated surprise of the impossible and possible pairs,
    relative accuracy, effect at the reveal, and the two pairwise comparisons."""
    unit = spreads(clips)
    rows = []
    for (principle, condition, quad), g in clips.groupby(["principle", "condition", "quad_id"], sort=True):
        if sorted(g["possible"]) != [0, 0, 1, 1]:
            raise ValueError(f"quadruplet {quad}: expected 2 possible and 2 impossible clips, found "
                             f"{int(g['possible'].sum())} possible of {len(g)}")
        frames = scored_frames(list(g["surprise"]))
        surprise = dict(zip(g["clip_id"], g["surprise"]))
        agg = {cid: aggregate(s, frames, how) for cid, s in surprise.items()}
        imp = g[g["possible"] == 0]
        pos = g[g["possible"] == 1]
        spread = unit.get((principle, condition), 0.0)
        band = TIE_RTOL * max(float(np.abs(s[frames]).max()) for s in surprise.values())

        def difference(a: list[str], b: list[str]) -> float:
            """Aggregated surprise of clips a minus clips b, summed (see `excess`)."""
            if how == "mean":
                return excess([surprise[c][frames] for c in a], [surprise[c][frames] for c in b]) / (
                    frames.stop - frames.start)
            return excess([np.array([agg[c] for c in a])], [np.array([agg[c] for c in b])])

        pairs = [difference([r.clip_id], [r.partner]) for r in imp.itertuples()]
        quadruplet = difference(list(imp["clip_id"]), list(pos["clip_id"]))
        rows.append({
            "principle": principle, "condition": condition, "quad_id": quad,
            "matched": bool(g["matched"].all()) if "matched" in g else True,
            "imp": sum(agg[c] for c in imp["clip_id"]), "pos": sum(agg[c] for c in pos["clip_id"]),
            "difference": quadruplet, "accuracy": float(decide(quadruplet, band)),
            "effect": reveal_effect(imp, pos, frames, band, spread),
            "pairwise": float(decide(pairs, band).mean()),
            "pair_decisions": dict(zip(imp["clip_id"], decide(pairs, band).tolist())),
            "clip_scores": agg,
        })
    table = pd.DataFrame(rows)
    # The quadruplet sum cancels frame-local cues only on matched quadruplets (benchmark/matching.py):
    # a cell with any unmatched quadruplet gets no quadruplet accuracy, effect or detection.
    if len(table) and not table["matched"].all():
        unmatched = table.groupby(["principle", "condition"])["matched"].transform("all") == False  # noqa: E712
        table.loc[unmatched, ["accuracy", "effect"]] = np.nan
    return table


def clip_level(surprises) -> bool:
    """Scores with one value per clip (a human baseline's implausibility ratings, benchmark/human/)
    rather than per frame: quadruplet and pairwise accuracy and AUC apply, the effect at the reveal,
    localisation and the detection rule (which rests on the effect) do not."""
    return all(len(s) == 1 for s in surprises)


def reveal_effect(imp: pd.DataFrame, pos: pd.DataFrame, frames: slice, band: float, unit: float) -> float:
    """Impossible minus possible surprise in the EFFECT_WINDOW scored frames from the reveal,
    per clip and frame, in units of the cell's spread. One window for all four clips, so a
    frame-local statistic cancels exactly here too (the impossible pair shows the possible
    pair's frames after the splice). NaN if no scored frame falls in the window."""
    if clip_level(imp["surprise"]):  # one score per clip (people's ratings): nothing happens at the reveal
        return float("nan")
    start = max(int(imp["reveal_frame"].min()), frames.start)
    window = slice(start, min(start + EFFECT_WINDOW, frames.stop))
    if window.stop <= window.start:
        return float("nan")
    total = excess([s[window] for s in imp["surprise"]], [s[window] for s in pos["surprise"]])
    if abs(total) <= band * (window.stop - window.start):
        return 0.0
    if unit == 0:
        return math.copysign(float("inf"), total)
    return float(total / (2 * (window.stop - window.start) * unit))


def localisation(clips: pd.DataFrame, k: int = LOCALISATION_WINDOW) -> pd.Series:
    """Per impossible clip: does its surprise excess over its possible partner peak within
    [reveal_frame, reveal_frame + k]? Indexed by clip_id."""
    by_id = clips.set_index("clip_id")
    out = {}
    for r in clips[clips["possible"] == 0].itertuples():
        if r.reveal_frame < 0 or not r.partner or len(r.surprise) == 1:  # no reveal, partner or frames to localise
            out[r.clip_id] = np.nan
            continue
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
        self.quad_id = quads["quad_id"].to_numpy()
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
        with np.errstate(invalid="ignore", divide="ignore"):
            loc = self.loc_hits[idx].sum(1) / self.loc_count[idx].sum(1)
        return {
            "relative_accuracy": self.accuracy[idx].mean(1),
            "effect": _nanmedian(self.effect[idx]),
            "pairwise_accuracy": self.pairwise[idx].mean(1),
            "auc": auc(pos, neg),
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


def _nanmedian(x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():  # a row without any effect (no scored frame at the reveal) is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(x, axis=-1)


def summarise(group: Quads, macro: bool = False, null: list[Quads] | None = None) -> dict:
    """All statistics of a group with 95 % bootstrap CIs (quadruplets resampled within principle),
    the sign test over its quadruplets, and the paired comparison with the null models.

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
    out["n_correct"] = int((group.accuracy == 1).sum())
    out["n_ties"] = int((group.accuracy == 0.5).sum())
    out["p_sign"] = sign_test(out["n_correct"], len(group))
    out["n_matched"] = int(np.isfinite(group.accuracy).sum())
    if out["n_matched"] < len(group):  # no quadruplet test where quadruplets are not matched
        out["n_correct"] = out["n_ties"] = None
        out["p_sign"] = float("nan")
    if null:
        out.update(against_null(group, null, macro))
    return out


def against_null(group: Quads, null: list[Quads], macro: bool) -> dict:
    """The model against untrained nulls on the *same* quadruplets, the quadruplet as the unit:
    per quadruplet, the model's effect minus the nulls' mean effect (no pooling of null seeds
    into extra samples, which would pretend to 10x the data)."""
    null_effects = []
    for n in null:
        by_id = dict(zip(n.quad_id, n.effect))
        null_effects.append([by_id.get(q, np.nan) for q in group.quad_id])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        null_mean = np.nanmean(np.array(null_effects, float), axis=0)
    delta = group.effect - null_mean
    finite = delta[np.isfinite(delta)]
    accuracy = [float(n.summary_stats([idx[None, :] for idx in n.strata()], macro)["relative_accuracy"][0])
                for n in null]
    return {"null_relative_accuracy": float(np.mean(accuracy)), "null_effect": float(_nanmedian(null_mean)),
            "effect_vs_null": float(_nanmedian(delta)) if len(finite) else float("nan"),
            "p_vs_null": sign_test(int((finite > 0).sum()), len(finite)) if len(finite) else float("nan"),
            "dz_vs_null": paired_dz(delta)}


def _clips(run) -> pd.DataFrame:
    """The clips table of a run: a scored table's (benchmark/scored.py), or the table itself."""
    return run.clips if hasattr(run, "clips") else run


def _quads(run, how: str) -> tuple[pd.DataFrame, Quads]:
    """A run's quadruplet table (a scored table's own, computed once; else computed here) and its
    numbers as arrays."""
    clips = _clips(run)
    impossible = set(clips.loc[clips["possible"] == 0, "clip_id"])
    table = run.table(how) if hasattr(run, "table") else quadruplet_table(clips, how)
    return table, Quads(table, impossible, localisation(clips))


def detections(table: pd.DataFrame, per_clip: bool = False) -> dict[tuple[str, str], dict]:
    """The detection rule on a quadruplet table (mean aggregation), all cells together: per cell
    the sign test's p, its Holm-adjusted p over the cells, the median effect and the flag.
    per_clip: clip-level scores, which have no effect: no flag (None), outside the Holm family."""
    cells, unmatched = {}, {}
    for key, g in table.groupby(["principle", "condition"], sort=True):
        accuracy = g["accuracy"].to_numpy(float)
        if per_clip or not np.isfinite(accuracy).all():  # unmatched quadruplets: no test, outside the Holm family
            unmatched[key] = {"p_sign": float("nan"), "effect": float("nan"), "p_sign_holm": float("nan"),
                              "detected": None}
            continue
        cells[key] = {"p_sign": sign_test(int((accuracy == 1).sum()), len(accuracy)),
                      "effect": float(_nanmedian(g["effect"].to_numpy(float)))}
    for cell, p in zip(cells.values(), holm([c["p_sign"] for c in cells.values()])):
        cell["p_sign_holm"] = p
        cell["detected"] = bool(p <= ALPHA and np.isfinite(cell["effect"]) and cell["effect"] >= MIN_EFFECT)
    return dict(sorted({**cells, **unmatched}.items()))


def by_violation(clips: pd.DataFrame, table: pd.DataFrame) -> list[dict]:
    """Accuracy per law broken (the manifest's `violation` column), per cell: each impossible clip
    against the possible clip sharing its prefix (the pairwise comparison: unlike the quadruplet
    sum it does not cancel frame-local cues, so read it beside the cell's headline). Empty for
    suites generated before the column existed."""
    if "violation" not in clips or not (clips["violation"].fillna("") != "").any():
        return []
    decisions = {cid: d for row in table["pair_decisions"] for cid, d in row.items()}
    imp = clips[clips["possible"] == 0].assign(decision=lambda d: d["clip_id"].map(decisions))
    rows = []
    for (principle, condition, law), g in imp.groupby(["principle", "condition", "violation"], sort=True):
        d = g["decision"].to_numpy(float)
        rows.append({"principle": principle, "condition": condition, "violation": law, "clips": len(d),
                     "pairwise_accuracy": float(d.mean()), "p_sign": sign_test(int((d == 1).sum()), len(d))})
    return rows


def compute_metrics(run, null_runs: list | None = None) -> dict:
    """All metrics, for both aggregations, per cell, per principle, per condition and overall.

    run: the scored table of benchmark/scored.py (its quadruplet tables are reused), or a clips
    table as described above. null_runs: the same for untrained-null models on the same suite, for the paired
    comparison (context only: detection does not depend on them). Cells of the mean
    aggregation carry the detection flag (DETECTION_RULE)."""
    clips = _clips(run)
    out = {"protocol": {"aggregations": list(AGGREGATIONS), "headline": "mean", "tie_rtol": TIE_RTOL,
                        "effect_window": EFFECT_WINDOW, "min_effect": MIN_EFFECT, "alpha": ALPHA,
                        "detection": DETECTION_RULE, "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
                        "bootstrap_seed": BOOTSTRAP_SEED, "localisation_window": LOCALISATION_WINDOW,
                        "null_seeds": len(null_runs or []),
                        "scores": "per clip" if clip_level(clips["surprise"]) else "per frame"}}
    for how in AGGREGATIONS:
        table, quads = _quads(run, how)
        nulls = [_quads(n, how)[1] for n in (null_runs or [])]

        def group(select, macro=False):
            return summarise(quads.subset(select(quads)), macro=macro, null=[n.subset(select(n)) for n in nulls])

        result = {"cells": {}, "principles": {}, "conditions": {}}
        for principle, condition in sorted(set(zip(quads.principle, quads.condition))):
            result["cells"].setdefault(principle, {})[condition] = group(
                lambda q, p=principle, c=condition: (q.principle == p) & (q.condition == c))
        for principle in sorted(set(quads.principle)):
            result["principles"][principle] = group(lambda q, p=principle: q.principle == p)
        for condition in sorted(set(quads.condition)):
            result["conditions"][condition] = group(lambda q, c=condition: q.condition == c, macro=True)
        result["overall"] = group(lambda q: np.ones(len(q), bool), macro=True)
        if how == "mean":
            for (principle, condition), d in detections(table, clip_level(clips["surprise"])).items():
                result["cells"][principle][condition].update(p_sign_holm=d["p_sign_holm"], detected=d["detected"])
            result["by_violation"] = by_violation(clips, table)
        out[how] = result
    return out
