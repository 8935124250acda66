"""`voebench leaderboard`: read accepted submissions, write leaderboard.csv, LEADERBOARD.md and
a static web page (site/index.html + assets) that works from the file system or any static host.

Reads result files only (the metrics recomputed at submit time); never runs a model.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path


from voebench.benchmark import suites
from voebench.benchmark.results import detected_cells
from voebench.benchmark.runner import read_scores
from voebench.benchmark.scored import REVEAL_HALF_WIDTH, Scored
from voebench.benchmark.number_text import effect, pct
from voebench.benchmark.metrics import DETECTED_MEANS
from voebench.models.kinds import Kind
from voebench.scenes.files import atomic_write_bytes, atomic_write_text
from voebench.scenes.design import CELLS, CONDITIONS, PRINCIPLES

from .submission import ROOT, SUBMISSIONS

SWEEPS = ROOT / "sweeps"  # `voebench curves` summaries of the official sweep suites, shown on the page


def latest_entries(root: Path, suite: str) -> list[dict]:
    """The newest version of each submission to a suite."""
    out = []
    for model_dir in sorted((Path(root) / suite).glob("*")):
        versions = sorted((p for p in model_dir.glob("v*") if p.name[1:].isdigit()), key=lambda p: int(p.name[1:]))
        if not versions:
            continue
        entry = json.loads((versions[-1] / "submission.json").read_text())
        entry["path"] = str(versions[-1])
        entry["slug"] = model_dir.name
        out.append(entry)
    return out


def kind(card: dict) -> str:
    """What a row is, from its card: a world model, a reference (an untrained null, a shortcut or
    audit probe: what a score means without physics; the hand-built physics control: what the
    suite can measure) or a submission. Cards accepted before the
    field existed show '–'."""
    if "kind" not in card:
        return "–"
    text = Kind(card["kind"]).display
    return f"{text} (perception: {card['perception']})" if card.get("perception") else text


def _row(e: dict) -> dict:
    m = e["metrics"]["mean"]
    o = m["overall"]
    row = {
        "model": e["card"]["name"], "kind": kind(e["card"]), "slug": e["slug"], "version": e["version"], "authors": e["card"]["authors"],
        "accuracy": o["relative_accuracy"], "ci_low": o["relative_accuracy_ci"][0], "ci_high": o["relative_accuracy_ci"][1],
        "effect": o["effect"], "visible": m["conditions"]["visible"]["relative_accuracy"],
        "occluded": m["conditions"]["occluded"]["relative_accuracy"],
        "detected_cells": (detected_cells(m) or (None,))[0],
        "human": e.get("human"),
        "localisation": o["localisation"], "auc": o["auc"], "parameters": e["card"].get("parameters"),
        "date": e["date"], "license": e["card"].get("license", ""), "link": e["card"].get("link") or "",
        "description": e["card"].get("description", ""),
    }
    for p in PRINCIPLES:
        row[p] = m["principles"].get(p, {}).get("relative_accuracy")
    row["cells"] = {p: {c: {"acc": m["cells"][p][c]["relative_accuracy"], "ci": m["cells"][p][c]["relative_accuracy_ci"],
                            "effect": m["cells"][p][c]["effect"], "detected": bool(m["cells"][p][c].get("detected"))}
                        for c in CONDITIONS if c in m["cells"].get(p, {})} for p in PRINCIPLES if p in m["cells"]}
    return row


CEILING = 0  # the rank of a hand-built control: shown apart, above the ranked entries, as "ceiling"
PEOPLE = -1  # the rank of a human baseline: shown apart, first, as "people"; never ranked among models


def ranked(entries: list[dict]) -> list[dict]:
    """Rows by accuracy; human baselines and a hand-built control (the suite's ceiling) are not
    ranked among the models they are read against: they come first, with rank PEOPLE / CEILING."""
    keyed = sorted(((_row(e), e["card"].get("kind")) for e in entries),
                   key=lambda rk: (-rk[0]["accuracy"], -(rk[0]["effect"] or 0), rk[0]["model"]))
    people = [r for r, _ in keyed if r["human"]]
    controls = [r for r, k in keyed if k == Kind.CONTROL and not r["human"]]
    others = [r for r, k in keyed if k != Kind.CONTROL and not r["human"]]
    for r in people:
        r["rank"] = PEOPLE
    for r in controls:
        r["rank"] = CEILING
    for i, r in enumerate(others, start=1):
        r["rank"] = i
    return people + controls + others


def rank_label(rank: int) -> str:
    return {CEILING: "ceiling", PEOPLE: "people"}.get(rank, str(rank))


CSV_COLUMNS = ("rank", "model", "kind", "version", "accuracy", "ci_low", "ci_high", "effect", "visible", "occluded",
               *PRINCIPLES, "localisation", "detected_cells", "parameters", "date")


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (f"{r[k]:.4f}" if isinstance(r[k], float) else rank_label(r[k]) if k == "rank"
                        else "" if r[k] is None else r[k]) for k in CSV_COLUMNS})
    return buf.getvalue()


def detected_text(count: int | None) -> str:
    return "n/a" if count is None else f"{count}/{len(CELLS)}"  # people's ratings have no effect to detect


def to_markdown(rows: list[dict], suite: str, note: str = "") -> str:
    head = ("| rank | model | kind | accuracy [95% CI] | effect | visible | occluded | "
            + " | ".join(p[:5] for p in PRINCIPLES) + " | localisation | detected cells | params | date |")
    lines = [f"# voebench leaderboard — suite {suite}", "",
             f"Quadruplet relative accuracy (%), mean aggregation, macro over principles; {DETECTED_MEANS}. "
             "References (untrained nulls, shortcut and audit probes) show what a score means without physics; "
             "the *ceiling* (a hand-built physics tracker, not learned) shows what the suite can measure; rows "
             "marked *people* are human baselines (`voebench human-results`: mean ratings of the participants kept by "
             "the study's attention rule), never ranked among the models." + (f" {note}" if note else ""),
             "", head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        params = f"{r['parameters'] / 1e6:.1f} M" if r["parameters"] else "–"
        lines.append(f"| {rank_label(r['rank'])} | {r['model']} | {r['kind']} | {pct(r['accuracy'])} [{pct(r['ci_low'])}, {pct(r['ci_high'])}] | "
                     f"{effect(r['effect'])} | {pct(r['visible'])} | {pct(r['occluded'])} | "
                     + " | ".join(pct(r[p]) for p in PRINCIPLES)
                     + f" | {pct(r['localisation'])} | {detected_text(r['detected_cells'])} | {params} | {r['date']} |")
    return "\n".join(lines) + "\n"


def gallery(entries: list[dict], suite: suites.Suite, data: Path | None, assets: Path) -> list[dict]:
    """One occluded and one visible example quadruplet per principle: the animated preview (if
    the suite's data is here) and each model's surprise excess around the reveal, in units of its
    own spread (Scored.excess_around_reveal)."""
    labels = suite.labels()
    scored = {e["slug"]: Scored.from_labels(labels, read_scores(Path(e["path"]) / "scores.parquet"))
              for e in entries if "human" not in e}  # people's ratings are one per clip: no curve
    out = []
    for principle in PRINCIPLES:
        for condition in ("occluded", "visible"):
            quads = labels[(labels.principle == principle) & (labels.condition == condition)]
            if quads.empty:
                continue
            quad_id = sorted(quads.quad_id)[0]
            q = quads[quads.quad_id == quad_id]
            possible = sorted(q[q.possible == 1].clip_id)
            order = []
            for cid in possible:
                order.append(("possible", cid))
            for cid in possible:
                imp = q[(q.possible == 0) & (q.partner == cid)].clip_id
                order += [("impossible", c) for c in imp]
            reveal = int(q[q.possible == 0].reveal_frame.iloc[0])
            item = {"quad_id": quad_id, "principle": principle, "condition": condition, "reveal": reveal,
                    "clips": [{"role": role, "clip_id": c} for role, c in order],
                    "offsets": list(range(-REVEAL_HALF_WIDTH, REVEAL_HALF_WIDTH + 1)),
                    "excess": {slug: s.excess_around_reveal(quad_id) for slug, s in scored.items()}}
            gif = (data / "previews" / f"{quad_id}.gif") if data else None
            if gif is not None and gif.exists():
                shutil.copy(gif, assets / gif.name)
            if (assets / f"{quad_id}.gif").exists():  # copied now, or kept from an earlier build
                item["gif"] = f"assets/{quad_id}.gif"
            out.append(item)
    return out


def sweep_sections(folder: Path, assets: Path) -> list[dict]:
    """The page's difficulty section: each summary of `voebench curves` in FOLDER (a sweep suite,
    every bundled model's curve), drawn to assets/ and tabulated: per model and cell, accuracy per
    level and the 75 % point."""
    from voebench.benchmark.psychometric_summary import summary_figure
    from voebench.benchmark.psychometric import describe_point

    out = []
    for path in sorted(Path(folder).glob("*.json")) if folder else []:
        summary = json.loads(path.read_text())
        image = assets / f"sweep-{path.stem}.png"
        atomic_write_bytes(image, summary_figure(summary))
        cells = sorted({cell for m in summary["models"].values() for cell in m})
        rows = [{"model": model, "cells": {cell: {"point": describe_point(c), "levels": [[g["x"], g["accuracy"]] for g in c["levels"]]}
                                           for cell, c in m.items()}}
                for model, m in summary["models"].items()]
        out.append({"suite": summary["suite"], "axis": summary["axis"], "levels": summary.get("levels"),
                    "figure": f"assets/{image.name}", "cells": cells, "rows": rows})
    return out


def retired(root: Path) -> list[suites.Suite]:
    """Retired suites that still have submissions under `root`: their tables stay, under a line on why."""
    return [s for s in map(suites.load, suites.names()) if s.retired and (Path(root) / s.name).is_dir()]


def build(suite_name: str = suites.LEADERBOARD_SUITE, root: Path = SUBMISSIONS, out: Path = ROOT, data: Path | None = None,
          sweeps: Path | None = SWEEPS) -> dict:
    suite = suites.load(suite_name)
    entries = latest_entries(root, suite_name)
    rows = ranked(entries)
    out = Path(out)
    atomic_write_text(out / "leaderboard.csv", to_csv(rows))
    former = [s for s in retired(root) if s.name != suite_name]
    power = suite.power.sentence(suite.per_condition) if suite.power else ""
    text = to_markdown(rows, suite_name, power)
    for old in former:
        text += (f"\n## Retired: {old.name}\n\n{old.name} is retired: {old.retired}.\n\n"
                 + to_markdown(ranked(latest_entries(root, old.name)), old.name).split("\n", 2)[2])
    atomic_write_text(out / "LEADERBOARD.md", text)
    site = out / "site"
    assets = site / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    if data is not None:  # the previews come from the data; without it the page keeps those it has
        for gif in assets.glob("*.gif"):
            gif.unlink()
    description = suite.description + "".join(f" Retired: {old.name} ({old.retired}); its table is in LEADERBOARD.md."
                                              for old in former) + (f" {power}" if power else "")
    page_data = {"suite": suite_name, "suite_hash": suite.content_hash, "description": description,
                 "principles": PRINCIPLES, "conditions": CONDITIONS, "rows": rows,
                 "gallery": gallery(entries, suite, data, assets), "sweeps": sweep_sections(sweeps, assets)}
    from .page import render

    atomic_write_text(site / "index.html", render(page_data))
    return {"rows": rows, "page": str(site / "index.html"), "csv": str(out / "leaderboard.csv"),
            "markdown": str(out / "LEADERBOARD.md")}
