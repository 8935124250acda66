"""`voebench human-results STUDY_DIR/answers/*.json --out RESULTS_DIR`: people's answers as a
results directory the harness reads like a model's (results.json, scores.parquet, report).

1. Every file is checked against its study (benchmark/human/answers.py); one bad file stops the
   run with the reason, unless `skip_invalid` (then it is listed as rejected). The same session
   twice is refused (one participant counted once).
2. The attention rule written in study.json when the study was made (plan.exclusion_rule)
   decides who is kept; the excluded are listed with the reasons.
3. A rating becomes an implausibility in [0, 1]: (6 - r) / 5 on the 1-6 scale, 1 - r on yes-no
   (1 = "could not happen"). A clip's score is the mean implausibility over the kept participants
   who saw it in a test trial (repeats and catches are checks, not scores). These are clip-level
   scores (one value per clip): quadruplet ("relative") accuracy, pairwise accuracy and AUC
   ("absolute") are computed as for a model; the effect at the reveal, localisation and the
   detection flag are not (benchmark/metrics.py, clip_level).
4. The null is a participant who does not look: each kept participant's ratings permuted among
   the clips they rated (NULL_SEEDS permutations), scored the same way.
5. Every participant saw whole quadruplets (a list), so each participant's own relative accuracy
   is reported too, beside the pooled one.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .answers import AnswersError, Participant, read_answers
from .study import StudyError, load_study

MODEL_ID = "human-baseline"
NULL_SEEDS = 10


def implausibility(rating: int, scale: str) -> float:
    return (6 - rating) / 5 if scale == "1-6" else float(1 - rating)


def attention(participant: Participant, study: dict) -> list[str]:
    """Why the study's attention rule excludes this participant (empty: kept)."""
    rule, scale = study["rule"], study["scale"]
    labels = study["clips"]
    reasons = []
    catch = {t.clip_id: t.rating for t in participant.trials if t.kind == "catch"}
    for clip, rating in catch.items():
        if labels[clip]["possible"]:
            continue
        partner = labels[clip]["partner"]
        if partner not in catch:
            continue
        imp, pos = implausibility(rating, scale), implausibility(catch[partner], scale)
        if scale == "1-6" and not imp > pos or scale == "yes-no" and not (imp == 1 and pos == 0):
            reasons.append(f"obvious violation {labels[clip]['quad_id']} rated {rating}, its possible partner "
                           f"{catch[partner]}")
    first = {t.clip_id: t.rating for t in participant.trials if t.kind == "test"}
    gaps = [abs(t.rating - first[t.clip_id]) for t in participant.trials if t.kind == "repeat"]
    if gaps and float(np.mean(gaps)) > rule["max_repeat_gap"]:
        reasons.append(f"repeated clips {'differ by' if scale == '1-6' else 'disagree on'} "
                       f"{np.mean(gaps):.2f} on average (at most {rule['max_repeat_gap']:g})")
    return reasons


def ratings_table(kept: list[Participant], scale: str) -> pd.DataFrame:
    return pd.DataFrame([{"session": p.session, "clip_id": t.clip_id, "value": implausibility(t.rating, scale),
                          "rt_ms": t.rt_ms} for p in kept for t in p.trials if t.kind == "test"])


def clip_scores(ratings: pd.DataFrame, study: dict) -> pd.DataFrame:
    """The clips of every quadruplet whose four clips were all rated, with their mean implausibility
    as a one-value surprise array and the study's labels."""
    mean = ratings.groupby("clip_id")["value"].mean()
    labels = pd.DataFrame([{"clip_id": c, **row} for c, row in study["clips"].items()])
    labels["rated"] = labels["clip_id"].isin(mean.index)
    whole = labels.groupby("quad_id")["rated"].transform("all")
    clips = labels[whole].drop(columns="rated").reset_index(drop=True)
    clips["surprise"] = [np.array([mean[c]]) for c in clips["clip_id"]]
    return clips


def permuted(ratings: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each participant's ratings shuffled among the clips they rated."""
    rng = np.random.default_rng([seed, 2026])
    out = ratings.copy()
    for _, index in sorted(out.groupby("session").groups.items()):
        out.loc[index, "value"] = rng.permutation(out.loc[index, "value"].to_numpy())
    return out


def per_participant(kept: list[Participant], study: dict, ratings: pd.DataFrame) -> list[dict]:
    """Each participant's own quadruplet accuracy over the quadruplets of their list, scored by
    the same quadruplet table as the pooled headline (ties within its band count half)."""
    from voebench.benchmark.scored import Scored

    out = []
    for p in kept:
        table = Scored(clip_scores(ratings[ratings["session"] == p.session], study)).table()
        out.append({"session": p.session, "form": p.form, "quadruplets": len(table),
                    "relative_accuracy": float(table["accuracy"].mean()),
                    "median_rt_ms": float(np.median([t.rt_ms for t in p.trials]))})
    return out


def study_of(paths: list[Path]) -> Path:
    parents = {Path(p).resolve().parent.parent for p in paths}
    if len(parents) != 1 or not (next(iter(parents)) / "study.json").is_file():
        raise StudyError("answer files must lie in one study's answers/ folder (STUDY_DIR/answers/*.json), or give "
                         "--study STUDY_DIR")
    return next(iter(parents))


def read_all(paths: list[Path], study: dict, skip_invalid: bool) -> tuple[list[Participant], list[dict]]:
    participants, rejected, sessions = [], [], {}
    for path in sorted(map(Path, paths)):
        try:
            p = read_answers(path, study)
            if p.session in sessions:
                raise AnswersError(f"{path}: session {p.session} already read from {sessions[p.session]} "
                                   "(the same participant's answers twice)")
        except AnswersError as e:
            if not skip_invalid:
                raise
            rejected.append({"file": str(path), "reason": str(e)})
            continue
        sessions[p.session] = path
        participants.append(p)
    return participants, rejected


def human_results(answers: list[str | Path], out: str | Path, study_dir: str | Path | None = None,
                  skip_invalid: bool = False, null_seeds: int = NULL_SEEDS) -> dict:
    """Validate the answer files, apply the attention rule, write OUT as a results directory."""
    from voebench.benchmark import metrics
    from voebench.benchmark.evaluate import versions
    from voebench.benchmark.report import write_report
    from voebench.benchmark.results import SCHEMA, json_safe, write_results
    from voebench.benchmark.scored import Scored

    if not answers:
        raise StudyError("no answer files given")
    study_dir = Path(study_dir) if study_dir else study_of([Path(a) for a in answers])
    study = load_study(study_dir)
    participants, rejected = read_all([Path(a) for a in answers], study, skip_invalid)
    verdicts = [(p, attention(p, study)) for p in participants]
    kept = [p for p, reasons in verdicts if not reasons]
    if not kept:
        raise StudyError(f"none of the {len(participants)} valid answer files passes the attention rule "
                         f"({study['rule']['text']})")
    ratings = ratings_table(kept, study["scale"])
    clips = clip_scores(ratings, study)
    if clips.empty:
        raise StudyError("no quadruplet has all four clips rated by a kept participant")
    scored = Scored(clips)
    nulls = [Scored(clip_scores(permuted(ratings, seed), study)) for seed in range(null_seeds)]
    computed = metrics.compute_metrics(scored, nulls)
    counts = ratings.groupby("clip_id").size()
    own = per_participant(kept, study, ratings)
    human = {
        "study_id": study["study_id"], "study": str(study_dir), "scale": study["scale"], "rule": study["rule"]["text"],
        "files": len(participants) + len(rejected), "valid": len(participants), "kept": len(kept),
        "excluded": [{"file": p.path, "session": p.session, "form": p.form, "reasons": r} for p, r in verdicts if r],
        "rejected": rejected,
        "forms_taken": {str(f): sum(p.form == f for p in kept) for f in range(len(study["forms"]))},
        "clips_rated": int(len(counts)), "clips_in_study": len(study["clips"]),
        "ratings_per_clip": {"min": int(counts.min()), "median": float(counts.median()), "max": int(counts.max())},
        "participants": own,
        "participant_relative_accuracy": {"mean": float(np.mean([o["relative_accuracy"] for o in own])),
                                          "min": float(min(o["relative_accuracy"] for o in own)),
                                          "max": float(max(o["relative_accuracy"] for o in own))},
        "median_rt_ms": float(ratings["rt_ms"].median()),
    }
    result = json_safe({
        "schema": SCHEMA,
        "suite": study["suite"],
        "model": {"id": MODEL_ID, "spec": "human", "kwargs": {}, "weights_hash": None},
        "run": {"answers": [str(a) for a in answers], "study": str(study_dir), "skip_invalid": skip_invalid,
                "null_seeds": null_seeds},
        "protocol": {"scored_frames": "one value per clip: the mean implausibility of the kept participants who rated it",
                     "null_model": "each participant's ratings permuted among the clips they rated",
                     **computed.pop("protocol")},
        "human": human,
        "versions": versions(),
        "skipped_clips": [],
        "skipped_quadruplets": sorted({c["quad_id"] for c in study["clips"].values()} - set(clips["quad_id"])),
        "curves": {},
        "metrics": computed,
        "quadruplets": scored.records(study.get("axes") or {}),
    })
    write_results(out, result, clips["clip_id"], clips["surprise"], MODEL_ID, None)
    write_report(out)
    return result
