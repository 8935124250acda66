"""Reading one participant's answer file (what the study page downloads), checked against the
study it claims to belong to. Anything malformed, edited or from another study is refused with
the file, the field and what was expected; nothing is repaired or guessed."""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from .plan import SCALES
from .study import StudyError

SCHEMA = "voebench.human-answers/1"
FIELDS = ("schema", "study_id", "form", "session", "scale", "trials", "crc32")
MAX_BYTES = 1 << 20
MAX_RT_MS = 3_600_000  # an hour: anything longer is not a response time


class AnswersError(StudyError):
    """An answer file is refused (the message names the file, the field and why)."""


@dataclass(frozen=True)
class Trial:
    stimulus: str
    clip_id: str
    kind: str  # test, repeat or catch
    rating: int
    rt_ms: int


@dataclass(frozen=True)
class Participant:
    path: str
    session: str
    form: int
    trials: tuple[Trial, ...]


def checksum(answers: dict) -> int:
    """The CRC-32 the page writes: of the compact JSON of [study_id, form, session, scale, trials]."""
    content = [answers["study_id"], answers["form"], answers["session"], answers["scale"], answers["trials"]]
    return zlib.crc32(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode())


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_answers(path: str | Path, study: dict) -> Participant:
    path = Path(path)

    def refuse(why: str):
        raise AnswersError(f"{path}: {why}")

    if not path.is_file():
        refuse("no such file")
    if path.stat().st_size > MAX_BYTES:
        refuse(f"{path.stat().st_size} bytes, over the {MAX_BYTES} byte limit of an answer file")
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        refuse(f"not valid JSON ({e})")
    if not isinstance(answers, dict):
        refuse("expected a JSON object")
    if answers.get("schema") != SCHEMA:
        refuse(f"schema {answers.get('schema')!r}, expected {SCHEMA!r}")
    missing, extra = set(FIELDS) - set(answers), set(answers) - set(FIELDS)
    if missing or extra:
        refuse(f"fields {sorted(missing)} missing, {sorted(extra)} unexpected; expected exactly {list(FIELDS)}")
    if answers["study_id"] != study["study_id"]:
        refuse(f"study_id {answers['study_id']!r} is not this study's ({study['study_id']}): answers of another study")
    if answers["scale"] != study["scale"]:
        refuse(f"scale {answers['scale']!r}, the study asks on {study['scale']!r}")
    form = answers["form"]
    if not _int(form) or not 0 <= form < len(study["forms"]):
        refuse(f"form {form!r}: expected an integer 0..{len(study['forms']) - 1}")
    if not isinstance(answers["session"], str) or not re.fullmatch(r"[0-9a-f]{16}", answers["session"]):
        refuse("session: expected 16 hexadecimal characters")
    if not _int(answers["crc32"]) or answers["crc32"] != checksum(answers):
        refuse("crc32 does not match the content: the file was edited after the page wrote it")
    expected = study["forms"][form]["trials"]
    trials = answers["trials"]
    if not isinstance(trials, list) or len(trials) != len(expected):
        refuse(f"trials: {len(trials) if isinstance(trials, list) else type(trials).__name__} entries, form {form} "
               f"has {len(expected)} (an unfinished session is not used)")
    low, high = SCALES[study["scale"]]
    out = []
    for i, (trial, (stimulus, kind)) in enumerate(zip(trials, expected)):
        if not (isinstance(trial, list) and len(trial) == 3):
            refuse(f"trials[{i}]: expected [stimulus, rating, response time in ms]")
        name, rating, rt = trial
        if name != stimulus:
            refuse(f"trials[{i}]: stimulus {name!r}, form {form} shows {stimulus!r} there")
        if not _int(rating) or not low <= rating <= high:
            refuse(f"trials[{i}]: rating {rating!r}, expected an integer {low}..{high}")
        if not _int(rt) or not 0 <= rt <= MAX_RT_MS:
            refuse(f"trials[{i}]: response time {rt!r} ms, expected an integer 0..{MAX_RT_MS}")
        out.append(Trial(name, study["stimuli"][name], kind, rating, rt))
    return Participant(str(path), answers["session"], form, tuple(out))
