"""`voebench audit DIR`: does every quadruplet test its principle, and does a cue without physics
separate its clips? Two parts, per principle x condition:

Structure (from the item records, clip files and masks; issue 12):
  roles            the four clips are possible A, possible B and the two impossible ones
  frames           splice design: the impossible pair shows exactly the possible pair's frames
  transitions      occluded splice: ... and exactly its frame-to-frame transitions
  hidden           occluded: no manipulated body has a visible pixel at the splice, in either run
  in_view          occluded: at the splice each manipulated body (unless absent by design) is
                   inside the view and behind an occluder there, in both runs — not outside the view
  outcome          occluded: each moving manipulated body (unless absent by design) is seen before
                   and after the splice in both possible runs: what a viewer must judge is on screen

Cues: a battery of shortcut probes (models/registry.py AUDIT_PROBES), scored like any model,
quadruplet relative accuracy with mean aggregation. Exact binomial tests over each cell's
non-tied quadruplets, Holm-corrected over all probes x cells: on an occluded cell a probe must not
differ from 50 % (two-sided), on a visible cell it must not be below 50 % (a cue that punishes a
model for noticing motion). The verdict fails a cell for a structural failure or such a probe,
except a cue the design declares inherent (scenes/design.py INHERENT_CUES, with its reason) that
runs against the violation (below 50 %): it is reported, and cannot inflate a score.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from voebench.models.registry import AUDIT_PROBES
from voebench.scenes.camera import OCCLUDER_ROLES, hidden_in_view, parked, seen_window, visible_pixels
from voebench.scenes.dataset import DatasetError, read_clip, read_json, read_manifest
from voebench.scenes.files import atomic_write_text, write_json
from voebench.scenes.design import CELLS, INHERENT_CUES

from .formats import as_dataset
from .number_text import p_value, pct
from .metrics import holm, sign_test
from .results import json_safe
from .runner import ModelRef, score_dataset
from .scored import Scored

ALPHA = 0.05
CHECKS = ("roles", "frames", "transitions", "hidden", "in_view", "outcome")
ROLE_ORDER = ("A", "B", "AB", "BA")


# --- structure ---------------------------------------------------------------------------------

def _clips(directory: Path, record: dict) -> dict[str, dict]:
    roles = record["meta"]["roles"]
    return {roles[r["clip_id"]]: dict(read_clip(directory / r["path"]), row=r) for r in record["rows"]}


def _hashes(frames: np.ndarray) -> list[bytes]:
    return [f.tobytes() for f in frames]


def quadruplet_checks(directory: Path, record: dict) -> dict:
    """One quadruplet's structural checks: True/False, or None where a check does not apply (or
    the record predates what it needs: item records carry their specs since issue 11)."""
    meta, condition = record["meta"], record["rows"][0]["condition"]
    clips = _clips(directory, record)
    out = dict.fromkeys(CHECKS)
    out["roles"] = set(clips) == set(ROLE_ORDER) and all(
        clips[r]["row"]["possible"] == int(r in ("A", "B")) for r in clips)
    if not out["roles"]:
        return out
    occluded, splice = condition == "occluded", meta["splice_frame"]
    if meta["design"] == "splice":
        frames = {r: _hashes(clips[r]["frames"]) for r in ROLE_ORDER}
        out["frames"] = Counter(frames["AB"] + frames["BA"]) == Counter(frames["A"] + frames["B"])
        if occluded:
            steps = {r: list(zip(f, f[1:])) for r, f in frames.items()}
            out["transitions"] = Counter(steps["AB"] + steps["BA"]) == Counter(steps["A"] + steps["B"])
    if not occluded:
        return out
    ids = [int(i) for i in meta["manipulated_ids"]]
    out["hidden"] = all(visible_pixels(clips[r]["masks"][splice:splice + 1], ids)[0] == 0 for r in ("A", "B"))
    spec = meta.get("spec")
    if spec is None:
        return out
    roles = {b["name"]: b["role"] for b in spec["scenes"][0]["bodies"]}
    camera = spec["scenes"][0]["camera"]
    in_view, outcome = True, True
    for run in ("A", "B"):
        clip = clips[run]
        names = [str(n) for n in clip["body_names"]]
        occluder_ids = [i + 1 for i, n in enumerate(names) if roles.get(n) in OCCLUDER_ROLES and i + 1 not in ids]
        for body in ids:
            if parked(clip["positions"], body):  # absent by design in this run (permanence's empty run)
                continue
            in_view &= bool(hidden_in_view(clip["positions"][splice:splice + 1], clip["masks"][splice:splice + 1],
                                           body, occluder_ids, camera)[0])
            window = seen_window(clip["positions"], clip["masks"], body)
            outcome &= window is None or window[0] < splice < window[1]
    out["in_view"], out["outcome"] = in_view, outcome
    return out


def structure(directory: Path, progress: bool = True) -> pd.DataFrame:
    """One row per test quadruplet: its cell, design and every structural check."""
    from tqdm import tqdm

    directory = Path(directory)
    quads = sorted({r["quad_id"] for r in read_manifest(directory) if r["split"] == "test"})
    if not quads:
        raise DatasetError(f"{directory}: no test quadruplets to audit")
    rows = []
    for quad in tqdm(quads, unit="quadruplet", desc="audit structure", disable=not progress, dynamic_ncols=True):
        record = read_json(directory / "items" / f"{quad}.json", "item record missing (regenerate the suite)")
        first = record["rows"][0]
        rows.append({"quad_id": quad, "principle": first["principle"], "condition": first["condition"],
                     "design": record["meta"]["design"], **quadruplet_checks(directory, record)})
    return pd.DataFrame(rows)


# --- cues --------------------------------------------------------------------------------------

def two_sided(k: int, n: int) -> float:
    """Exact two-sided binomial p-value of k successes in n fair coin flips."""
    return min(1.0, 2 * min(sign_test(k, n), sign_test(n - k, n))) if n else 1.0


def probe_table(directory: Path, probes: tuple[str, ...] = AUDIT_PROBES, cache: Path | None = None,
                workers: int = 1, progress: bool = True) -> pd.DataFrame:
    """One row per probe x cell: quadruplets right, wrong and tied, accuracy, and the exact p-value
    the verdict uses (two-sided on occluded cells, 'below 50 %' on visible ones), Holm-corrected
    over the whole table."""
    rows, dataset = [], as_dataset(directory)
    for probe in probes:
        scores, _ = score_dataset(ModelRef(probe), dataset, cache, workers, progress=progress)
        table = Scored.from_dataset(scores, dataset).table("mean")
        for (principle, condition), g in table.groupby(["principle", "condition"]):
            right, wrong = int((g["accuracy"] == 1).sum()), int((g["accuracy"] == 0).sum())
            n = right + wrong
            p = two_sided(right, n) if condition == "occluded" else sign_test(wrong, n)
            rows.append({"probe": probe, "principle": principle, "condition": condition, "quadruplets": len(g),
                         "right": right, "wrong": wrong, "ties": len(g) - n, "accuracy": float(g["accuracy"].mean()),
                         "p": p})
    out = pd.DataFrame(rows)
    out["p_holm"] = holm(list(out["p"]))
    out["cue"] = out["p_holm"] < ALPHA
    return out


# --- verdict -----------------------------------------------------------------------------------

def verdicts(checks: pd.DataFrame, probes: pd.DataFrame, design: int = 1) -> list[dict]:
    out = []
    for principle, condition in CELLS:
        quads = checks[(checks.principle == principle) & (checks.condition == condition)]
        if quads.empty:
            continue
        failed = {c: int((quads[c] == False).sum()) for c in CHECKS if quads[c].notna().any()}  # noqa: E712
        cues = probes[(probes.principle == principle) & (probes.condition == condition) & probes.cue]
        declared = INHERENT_CUES.get(design, {}).get((principle, condition), {})
        inherent = [r for r in cues.itertuples() if r.probe in declared and r.accuracy < 0.5]
        problems = [f"{c} fails in {k}/{len(quads)}" for c, k in failed.items() if k]
        problems += [f"{r.probe} {pct(r.accuracy)} % (p {p_value(r.p_holm)})" for r in cues.itertuples()
                     if r not in inherent]
        unchecked = [c for c in CHECKS if quads[c].isna().all() and _applies(c, condition, quads)]
        out.append({"principle": principle, "condition": condition, "quadruplets": len(quads),
                    "failed": failed, "unchecked": unchecked, "problems": problems, "pass": not problems,
                    "inherent": {r.probe: {"accuracy": r.accuracy, "p_holm": r.p_holm, "why": declared[r.probe]}
                                 for r in inherent}})
    return out


def _applies(check: str, condition: str, quads: pd.DataFrame) -> bool:
    if check in ("hidden", "in_view", "outcome", "transitions"):
        return condition == "occluded" and (check != "transitions" or (quads.design == "splice").any())
    return check == "frames" and (quads.design == "splice").any()


def markdown(result: dict) -> str:
    probes = pd.DataFrame(result["probes"])
    inherent = [c for c in result["cells"] if c.get("inherent")]
    lines = [f"# Audit of {result['directory']} (content hash {result['content_hash'][:16]}, design "
             f"{result.get('design', 1)})", "",
             f"{result['quadruplets']} quadruplets. Verdict: {result['passed']}/{len(result['cells'])} cells pass"
             + (f" ({sum(c['pass'] for c in inherent)} of them with a cue the design declares inherent)." if inherent
                else "."),
             "", "| cell | quadruplets | verdict | problems | not checked |", "|---|---|---|---|---|"]
    for c in result["cells"]:
        verdict = ("pass, inherent cue" if c.get("inherent") else "pass") if c["pass"] else "FAIL"
        problems = c["problems"] + [f"inherent: {n} {pct(v['accuracy'])} % (p {p_value(v['p_holm'])})"
                                    for n, v in c.get("inherent", {}).items()]
        lines.append(f"| {c['principle']} {c['condition']} | {c['quadruplets']} | {verdict} | "
                     f"{'; '.join(problems) or '–'} | {', '.join(c['unchecked']) or '–'} |")
    names = list(dict.fromkeys(probes["probe"]))
    lines += ["", "Probe accuracy % (Holm-corrected p; occluded: two-sided, visible: below 50 %; "
              f"* = significant at {ALPHA}):", "", "| cell | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    for principle, condition in CELLS:
        cell = probes[(probes.principle == principle) & (probes.condition == condition)].set_index("probe")
        if cell.empty:
            continue
        lines.append(f"| {principle} {condition} | " + " | ".join(
            f"{pct(cell.accuracy[n])} ({p_value(cell.p_holm[n])}){'*' if cell.cue[n] else ''}" for n in names) + " |")
    reasons: dict[str, list[str]] = {}
    for c in inherent:
        for n, v in c["inherent"].items():
            reasons.setdefault(v["why"], []).append(f"{c['principle']} {c['condition']} {n}")
    if reasons:
        lines += ["", "Inherent cues (declared in scenes/design.py INHERENT_CUES; they run against the violation, "
                  "so they cannot inflate a score):", ""]
        lines += [f"- {', '.join(where)}: {why}." for why, where in reasons.items()]
    return "\n".join(lines) + "\n"


def audit(directory: str | Path, out: str | Path | None = None, probes: tuple[str, ...] = AUDIT_PROBES,
          cache: Path | None = None, workers: int = 1, progress: bool = True) -> dict:
    """Audit a generated test suite; write OUT/audit.md and audit.json if `out` is given."""
    from voebench.scenes.dataset import load_info

    directory = Path(directory)
    info = load_info(directory)
    checks = structure(directory, progress)
    table = probe_table(directory, probes, cache, workers, progress)
    design = int(info.get("config", {}).get("design", 1))
    cells = verdicts(checks, table, design)
    result = {"directory": str(directory), "content_hash": info["content_hash"], "design": design,
              "quadruplets": len(checks),
              "cells": cells, "passed": sum(c["pass"] for c in cells),
              "checks": json_safe(checks.to_dict("records")), "probes": json_safe(table.to_dict("records"))}
    if out is not None:
        out = Path(out)
        write_json(out / "audit.json", result)
        atomic_write_text(out / "audit.md", markdown(result))
    return result
