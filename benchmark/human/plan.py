"""The plan of a human study: which quadruplets each participant sees, in which order, and the
attention checks, all from one seed. Pure functions of the study's clips; no files.

- **Lists.** Every quadruplet of the suite is in exactly one list; a list holds whole
  quadruplets (so each participant's own ratings give a relative, quadruplet accuracy), each
  cell's quadruplets dealt over the lists in turn so every list mixes principles and conditions.
- **Forms.** A list is shown in two orders, forward and reversed (form 2k and 2k+1), so that
  position in the session (fatigue, learning) is balanced for every clip across participants.
- **Order.** The four clips of a quadruplet are spread over four rounds of the session (each
  round shows one clip of every quadruplet of the list); a quadruplet's two possible clips go to
  two of the rounds and the next quadruplet's to the other two, so each round is half possible
  and half impossible; two clips of one quadruplet are never shown one after the other.
- **Attention checks** (not scored): REPEATS test clips shown a second time in the other half
  of the session, and CATCH pairs of obvious violations with their possible partners (an object
  that vanishes or appears in full view: visible permanence), taken from quadruplets outside the
  participant's list where there are any. The exclusion rule (`exclusion_rule`) is fixed here,
  written into the study when it is made, and applied to the answers as written there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCALES = {"1-6": (1, 6), "yes-no": (0, 1)}  # yes-no: 0 = no (could not happen), 1 = yes
REPEATS = 2
CATCH_PAIRS = 2
# Attention rule, stated before anyone takes part. A participant is excluded when
#  - any catch pair is not rated the right way round: the obvious violation must get a strictly
#    lower "could this happen" rating than its possible partner (yes-no: "no" and "yes"), or
#  - the repeated clips disagree: mean |first - second| rating above MAX_REPEAT_GAP scale points
#    on 1-6, more than half of them answered differently on yes-no.
MAX_REPEAT_GAP = {"1-6": 2.0, "yes-no": 0.5}
CATCH_CELLS = (("permanence", "visible"), ("continuity", "visible"), ("immutability", "visible"))


def exclusion_rule(scale: str) -> dict:
    """The attention rule of a study on this scale, as data and in words (written into study.json)."""
    gap = MAX_REPEAT_GAP[scale]
    repeat = (f"the mean absolute difference between first and second rating of the repeated clips is above {gap:g} "
              "scale points" if scale == "1-6" else
              f"more than {gap:.0%} of the repeated clips are answered differently the second time")
    catch = ("an obvious violation (an object vanishing or appearing in full view) is not rated strictly less "
             "possible than its possible partner" if scale == "1-6" else
             "an obvious violation is not answered 'no' or its possible partner not answered 'yes'")
    return {"max_repeat_gap": gap, "catch": "every pair, impossible strictly below possible",
            "text": f"A participant is excluded when {catch} (any catch pair), or when {repeat}. "
                    "Files that do not finish the session, or do not match the study, are rejected."}


@dataclass(frozen=True)
class Quad:
    quad_id: str
    principle: str
    condition: str
    possible: tuple[str, str]  # clip ids
    impossible: tuple[str, str]  # clip ids, impossible[k] spliced from possible[k] (its partner)


def deal_lists(quads: list[Quad], per_list: int, rng: np.random.Generator) -> list[list[Quad]]:
    """Every quadruplet in one list of about `per_list`: the cells one after another, dealt in turn."""
    if per_list < 2:
        raise ValueError(f"a list needs at least 2 quadruplets (8 clips) so that no two clips of one quadruplet "
                         f"follow each other; asked for {per_list}")
    cells: dict[tuple, list[Quad]] = {}
    for q in sorted(quads, key=lambda q: q.quad_id):
        cells.setdefault((q.principle, q.condition), []).append(q)
    for members in cells.values():
        rng.shuffle(members)
    keys = sorted(cells)
    rng.shuffle(keys)
    # cell after cell, dealt in turn: a cell's quadruplets go to consecutive lists, so each list
    # gets its share of every cell and list sizes differ by at most one
    dealt = [q for k in keys for q in cells[k]]
    n_lists = max(1, -(-len(dealt) // per_list))
    if len(dealt) < 2 * n_lists:
        raise ValueError(f"{len(dealt)} quadruplets cannot fill {n_lists} lists of at least 2")
    return [dealt[i::n_lists] for i in range(n_lists)]


def rounds(quads: list[Quad], rng: np.random.Generator) -> list[list[tuple[Quad, str]]]:
    """Four rounds, each with one clip of every quadruplet; each quadruplet's possible clips in two
    rounds and the next quadruplet's in the other two (half possible per round)."""
    patterns = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    out: list[list[tuple[Quad, str]]] = [[] for _ in range(4)]
    order = list(quads)
    rng.shuffle(order)
    for i, q in enumerate(order):
        if i % 2 == 0:
            chosen = patterns[int(rng.integers(len(patterns)))]
        else:  # the complement of the previous quadruplet's pattern
            chosen = tuple(r for r in range(4) if r not in chosen)
        possible = [q.possible[j] for j in rng.permutation(2)]
        impossible = [q.impossible[j] for j in rng.permutation(2)]
        for r in range(4):
            out[r].append((q, possible.pop() if r in chosen else impossible.pop()))
    for r in out:
        rng.shuffle(r)
    return out


def no_neighbours(sequence: list[str], quad: dict[str, str]) -> bool:
    return all(quad[a] != quad[b] for a, b in zip(sequence, sequence[1:]))


def presentation_order(quads: list[Quad], rng: np.random.Generator) -> list[str]:
    """The list's clips in a balanced order with no two clips of one quadruplet in a row: only a
    round boundary can put a quadruplet next to itself, so the rounds are reshuffled until none does."""
    parts = rounds(quads, rng)
    quad = {clip: q.quad_id for part in parts for q, clip in part}
    for _ in range(10_000):
        sequence = [clip for part in parts for _, clip in part]
        if no_neighbours(sequence, quad):
            return sequence
        for part in parts:
            rng.shuffle(part)
    raise ValueError("no order without neighbouring clips of one quadruplet")  # needs >= 2 quadruplets


def insert_apart(sequence: list[tuple[str, str]], clip: str, kind: str, lo: int, hi: int, quad: dict[str, str],
                 rng: np.random.Generator) -> None:
    """Insert (clip, kind) at a seeded position in [lo, hi] whose neighbours are of other quadruplets."""
    spots = [i for i in range(lo, hi + 1)
             if all(quad[c] != quad[clip] for c, _ in sequence[max(0, i - 1):i + 1])]
    if not spots:
        raise ValueError(f"no place for attention clip {clip} away from its quadruplet")
    sequence.insert(spots[int(rng.integers(len(spots)))], (clip, kind))


def session(quads: list[Quad], catch: list[Quad], rng: np.random.Generator, repeats: int = REPEATS) -> list[tuple[str, str]]:
    """One list's forward session: (clip, kind) with kind test / repeat / catch."""
    quad = {c: q.quad_id for q in [*quads, *catch] for c in (*q.possible, *q.impossible)}
    sequence = [(c, "test") for c in presentation_order(quads, rng)]
    half = len(sequence) // 2
    for i in sorted(rng.choice(half, size=min(repeats, half), replace=False).tolist()):
        insert_apart(sequence, sequence[i][0], "repeat", len(sequence) // 2 + 1, len(sequence), quad, rng)
    for q in catch:
        impossible_first = bool(rng.integers(2))
        k = int(rng.integers(2))
        pair = [q.impossible[k], q.possible[k]]  # the violation and the clip it was spliced from
        for clip, first in zip(pair, (impossible_first, not impossible_first)):
            half = len(sequence) // 2
            insert_apart(sequence, clip, "catch", *((1, half) if first else (half + 1, len(sequence))), quad, rng)
    return sequence


def reorder_kinds(sequence: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """After reversing a session the second showing of a repeated clip must be the 'repeat'."""
    seen, out = set(), []
    for clip, kind in sequence:
        if kind in ("test", "repeat"):
            kind = "repeat" if clip in seen else "test"
            seen.add(clip)
        out.append((clip, kind))
    return out


def catch_quads(all_quads: list[Quad], listed: list[Quad], rng: np.random.Generator, pairs: int) -> list[Quad]:
    """`pairs` obvious-violation quadruplets for a list: visible permanence first (an object that
    vanishes or appears in full view), then the other CATCH_CELLS; outside the list before inside."""
    if pairs == 0:
        return []
    inside = {q.quad_id for q in listed}
    chosen: list[Quad] = []
    for outside in (True, False):
        for cell in CATCH_CELLS:
            pool = [q for q in all_quads if (q.principle, q.condition) == cell and (q.quad_id in inside) != outside
                    and q not in chosen]
            take = min(pairs - len(chosen), len(pool))
            chosen += [pool[i] for i in sorted(rng.choice(len(pool), size=take, replace=False).tolist())]
    if not chosen:
        raise ValueError("the suite has no visible permanence, continuity or immutability quadruplet to use as "
                         "an obvious-violation attention check; make the study with --catch 0")
    return chosen


def forms(quads: list[Quad], per_list: int, seed: int, repeats: int = REPEATS, catch: int = CATCH_PAIRS) -> list[dict]:
    """The forms of a study: [{list, reversed, trials: [(clip, kind)]}], two per list."""
    rng = np.random.default_rng(seed)
    forms = []
    for k, listed in enumerate(deal_lists(quads, per_list, rng)):
        forward = session(listed, catch_quads(quads, listed, rng, catch), rng, repeats)
        for reverse in (False, True):
            trials = reorder_kinds(forward[::-1]) if reverse else forward
            forms.append({"list": k, "reversed": reverse, "quadruplets": sorted(q.quad_id for q in listed),
                          "trials": trials})
    return forms
