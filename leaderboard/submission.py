"""`voebench submit`: validate a results directory and add it to the leaderboard.

A submission is what `voebench evaluate` wrote (results.json + scores.parquet) plus a model
card. Validation (schema voebench.submission/1) checks, before anything is written:
the suite is an official one (content hash); every test clip is scored exactly once with a
finite surprise after the model's context; names are safe; sizes are bounded; and the
metrics are recomputed from the per-clip scores with the suite's frozen labels and
untrained-null runs — the file's own metrics must agree (never trusted). Accepted
submissions go to leaderboard/submissions/SUITE/SLUG/vN/, a new version instead of an
overwrite, via a temporary folder renamed into place.
"""
from __future__ import annotations

import copy
import json
import math
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voebench.benchmark import suites
from voebench.benchmark.metrics import compute_metrics
from voebench.benchmark.results import SCHEMA as RESULTS_SCHEMA, json_safe
from voebench.benchmark.scored import Scored
from voebench.models.kinds import Kind
from voebench.models.protocol import surprise_problem
from voebench.scenes.files import atomic_folder, sha256_file, write_json

SCHEMA = "voebench.submission/1"
ROOT = Path(__file__).parent
SUBMISSIONS = ROOT / "submissions"
MAX_RESULTS_BYTES = 5 << 20
MAX_SCORES_BYTES = 64 << 20
HEADLINE_TOLERANCE = 1e-9
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._+()-]{0,63}$"


class SubmissionError(ValueError):
    """Why a submission was refused, and how to fix it."""


class ModelCard(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)
    name: str = Field(pattern=NAME_PATTERN, description="display name; letters, digits, space . _ + ( ) -")
    authors: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    parameters: int | None = Field(default=None, ge=0, le=10**13)
    training_data: str = Field(default="", max_length=500)
    link: str | None = Field(default=None, max_length=300)
    license: str = Field(default="unspecified", max_length=100)
    # What the entry is (models/kinds.py: the registry's kinds, "human baseline" and "submitted"). The
    # bundled references (untrained nulls, shortcut and audit probes) say so, so a reader sees what a
    # score means without physics; anything submitted is "submitted". "human baseline": people's
    # ratings from `voebench human-results` (shown apart, never ranked). Stored as its string value.
    kind: Kind = Field(default=Kind.SUBMITTED, validate_default=True)
    # How a model gets its objects, where that is not learned from pixels end to end (issue 14):
    # a hand-built parse or one trained on the generator's masks is a head start a reader must see.
    perception: Literal["learned", "hand-built", "mask-supervised"] | None = None

    @field_validator("link")
    @classmethod
    def _http(cls, v):
        if v is not None and not re.match(r"^https?://[^\s<>\"']+$", v):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("name")
    @classmethod
    def _no_traversal(cls, v):
        if ".." in v:
            raise ValueError("must not contain '..'")
        return v


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48] or "model"


def _dig(obj, *keys):
    """obj[k1][k2]... or None where any level is missing or not an object."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _read_json(path: Path, limit: int) -> dict:
    if not path.is_file():
        raise SubmissionError(f"{path}: missing (run `voebench evaluate ... --out {path.parent}` first)")
    if path.stat().st_size > limit:
        raise SubmissionError(f"{path}: {path.stat().st_size} bytes, over the {limit} byte limit")
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as e:
        raise SubmissionError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise SubmissionError(f"{path}: expected a JSON object")
    return data


def _check_scores(path: Path, labels: pd.DataFrame, frames: int, per_clip: bool = False) -> pd.DataFrame:
    """per_clip: a human baseline's scores, one implausibility per clip instead of one per frame."""
    if not path.is_file():
        raise SubmissionError(f"{path}: missing per-clip scores")
    if path.stat().st_size > MAX_SCORES_BYTES:
        raise SubmissionError(f"{path}: over the {MAX_SCORES_BYTES} byte limit")
    try:
        table = pd.read_parquet(path)
    except Exception as e:
        raise SubmissionError(f"{path}: not a readable parquet table ({type(e).__name__})") from None
    for column in ("clip_id", "surprise"):
        if column not in table.columns:
            raise SubmissionError(f"{path}: column {column!r} missing (found {list(table.columns)})")
    ids = table["clip_id"].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise SubmissionError(f"{path}: clip {dup.iloc[0]} scored more than once ({len(dup)} duplicates)")
    expected = set(labels["clip_id"])
    missing, extra = expected - set(ids), set(ids) - expected
    if missing:
        raise SubmissionError(f"{path}: {len(missing)} test clips not scored (e.g. {sorted(missing)[0]}); "
                              "evaluate on the whole suite, without --skip-bad")
    if extra:
        raise SubmissionError(f"{path}: {len(extra)} clips not in the suite (e.g. {sorted(extra)[0]})")
    arrays = []
    for cid, s in zip(ids, table["surprise"]):
        try:
            a = np.asarray(s, dtype=float)
        except (TypeError, ValueError):
            raise SubmissionError(f"{path}: clip {cid}: surprise is not a list of numbers") from None
        expected = 1 if per_clip else frames
        if a.ndim != 1 or len(a) != expected:
            raise SubmissionError(f"{path}: clip {cid}: {a.shape} values, expected {expected}"
                                  + (" (a human baseline: one per clip)" if per_clip else ""))
        problem = surprise_problem(a)
        if problem:
            raise SubmissionError(f"{path}: clip {cid}: {problem}")
        arrays.append(a)
    return pd.DataFrame({"clip_id": list(ids), "surprise": arrays})


_METRICS_CACHE: dict = {}


def _recomputed(suite, scores: pd.DataFrame, path: Path) -> dict:
    """Metrics from the per-clip scores (memoised on the table's bytes: same scores, same metrics)."""
    key = (suite.name, sha256_file(path))
    if key not in _METRICS_CACHE:
        if len(_METRICS_CACHE) > 16:
            _METRICS_CACHE.clear()
        _METRICS_CACHE[key] = compute_metrics(Scored.from_labels(suite.labels(), scores), suite.null_runs())
    return copy.deepcopy(_METRICS_CACHE[key])


def validate(results_dir: Path, card: dict | None = None) -> dict:
    """Everything about a submission, validated and with recomputed metrics; writes nothing."""
    results_dir = Path(results_dir)
    results = _read_json(results_dir / "results.json", MAX_RESULTS_BYTES)
    if results.get("schema") != RESULTS_SCHEMA:
        raise SubmissionError(f"{results_dir}/results.json: schema {results.get('schema')!r}, expected {RESULTS_SCHEMA!r}")
    content_hash = str(_dig(results, "suite", "content_hash") or "")
    suite = suites.by_hash(content_hash)
    if suite is None:
        raise SubmissionError(f"{results_dir}/results.json: suite hash {content_hash[:16]!r}… is not an official suite "
                              f"({', '.join(suites.names())}); generate one with `voebench generate --suite NAME`")
    if card is None:
        card = _read_json(results_dir / "card.json", 64 << 10)
    try:
        card = ModelCard(**card).model_dump()
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise SubmissionError(f"model card: {problems}") from None
    except TypeError:
        raise SubmissionError("model card: expected a JSON object of fields") from None
    human = _human(results, card, results_dir)
    labels = suite.labels()
    scores = _check_scores(results_dir / "scores.parquet", labels, suite.frames, per_clip=human is not None)
    metrics = _recomputed(suite, scores, results_dir / "scores.parquet")
    claimed = _dig(results, "metrics", "mean", "overall", "relative_accuracy")
    ours = metrics["mean"]["overall"]["relative_accuracy"]
    if (not isinstance(claimed, (int, float)) or isinstance(claimed, bool) or not math.isfinite(claimed)
            or abs(claimed - ours) > HEADLINE_TOLERANCE):
        raise SubmissionError(f"{results_dir}/results.json: metrics do not match the per-clip scores "
                              f"(file says {claimed!r}, recomputed {ours:.6f}); do not edit results.json — rerun evaluate")
    weights_hash = _dig(results, "model", "weights_hash")
    versions = results.get("versions")
    return {"schema": SCHEMA, "suite": suite.name, "suite_hash": content_hash, "card": card,
            "model_id": str(_dig(results, "model", "id") or "")[:100],
            "weights_hash": weights_hash if isinstance(weights_hash, str) else None,
            "metrics": metrics, "versions": versions if isinstance(versions, dict) else {}, "scores": scores,
            **({"human": human} if human else {})}


HUMAN_FIELDS = {"study_id": str, "scale": str, "kept": int, "valid": int, "clips_rated": int, "rule": str}


def _human(results: dict, card: dict, results_dir: Path) -> dict | None:
    """A human baseline's summary (what the page shows of it), or None for a model. The card's kind
    and the results must agree: people's ratings are never shown as a model, nor a model as people."""
    from voebench.benchmark.human.results import MODEL_ID

    is_human = _dig(results, "model", "id") == MODEL_ID or "human" in results
    if card["kind"] != "human baseline":
        if is_human:
            raise SubmissionError(f"{results_dir}/results.json: a human baseline (voebench human-results); its card "
                                  "needs \"kind\": \"human baseline\"")
        return None
    human = results.get("human")
    if not is_human or not isinstance(human, dict):
        raise SubmissionError(f"{results_dir}/results.json: the card says human baseline, but these are not results "
                              "of `voebench human-results`")
    summary = {}
    for key, kind in HUMAN_FIELDS.items():
        if not isinstance(human.get(key), kind) or isinstance(human.get(key), bool):
            raise SubmissionError(f"{results_dir}/results.json: human.{key} missing or not a {kind.__name__}")
        summary[key] = human[key]
    if summary["kept"] < 1:
        raise SubmissionError(f"{results_dir}/results.json: human.kept is {summary['kept']}: no participant")
    return summary


def submit(results_dir: Path, card: dict | None = None, root: Path = SUBMISSIONS, today: str | None = None) -> Path:
    """Validate, then add as SUITE/SLUG/vN (never overwriting). Returns the new folder."""
    sub = validate(results_dir, card)
    base = Path(root) / sub["suite"] / slug(sub["card"]["name"])
    base.mkdir(parents=True, exist_ok=True)
    versions = [int(p.name[1:]) for p in base.glob("v*") if p.name[1:].isdigit()]
    target = base / f"v{max(versions, default=0) + 1}"
    with atomic_folder(target, prefix=".incoming-") as tmp:  # a concurrent submit that took the name wins
        shutil.copy(Path(results_dir) / "results.json", tmp / "results.json")
        shutil.copy(Path(results_dir) / "scores.parquet", tmp / "scores.parquet")
        entry = {k: v for k, v in sub.items() if k != "scores"}
        entry["date"] = today or date.today().isoformat()
        entry["version"] = int(target.name[1:])
        write_json(tmp / "submission.json", json_safe(entry))
    return target
