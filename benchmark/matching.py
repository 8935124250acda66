"""Which quadruplets are matched, and what their frames show.

A quadruplet is *matched* when its impossible clips are made of its possible clips (IntPhys'
splice, or voebench's crossed design for visible solidity, gravity and causality): only then
does the headline (the quadruplet sum of mean surprise) cancel frame-local cues, so only then
is it computed. Matching is a property of how a dataset was made, so each reader declares it
(`matched` column): voebench suites (checked by `voebench audit`), IntPhys and Physical Concepts
are matched by construction; IntPhys 2's four videos of a scene are separate renders, so its cells
report the pairwise comparison and AUC, not quadruplet accuracy or detection.

What the frames show is measured beside it: a quadruplet is *frame-identical* when its impossible
clips hold exactly the frames of its possible clips as multisets (IntPhys' own check of its dev
set; true of every splice, not of the crossed design, and broken by a lossy re-encoding). Where a
format does not record when the violation is first on screen, the reveal of a frame-identical
quadruplet is measured: the first frame at which an impossible clip differs from its partner
(with a splice while the object is hidden, the hidden frames are identical, so the first
difference is what the viewer sees).
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def frame_hashes(frames: np.ndarray) -> list[str]:
    """Label-free per-frame fingerprints: which clips share a prefix (for pairwise metrics)."""
    return [hashlib.sha256(f.tobytes()).hexdigest()[:16] for f in frames]


def common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def partners(clips: pd.DataFrame) -> dict[str, str]:
    """For each impossible clip, its possible partner: the one the format names (`pair`), else the
    possible clip of its quadruplet sharing the longest prefix of identical frames."""
    out = {}
    for _, g in clips.groupby("quad_id"):
        possible = g[g["possible"] == 1]
        for r in g[g["possible"] == 0].itertuples():
            named = getattr(r, "pair", "") or ""
            if named and named in set(possible["clip_id"]):
                out[r.clip_id] = named
            elif len(possible):
                out[r.clip_id] = max(possible.itertuples(), key=lambda p: common_prefix(r.frame_hashes, p.frame_hashes)).clip_id
    return out


def measure(clips: pd.DataFrame) -> pd.DataFrame:
    """Add `frame_identical` (per quadruplet, from frame hashes), default `matched` to True where a
    reader did not say, and fill the unknown reveal frames (< 0) of the impossible clips of
    frame-identical quadruplets."""
    clips = clips.copy()
    by_id = clips.set_index("clip_id")
    identical, reveal = {}, {}
    for quad, g in clips.groupby("quad_id"):
        pos = sorted(h for hs in g.loc[g["possible"] == 1, "frame_hashes"] for h in hs)
        imp = sorted(h for hs in g.loc[g["possible"] == 0, "frame_hashes"] for h in hs)
        identical[quad] = bool(pos) and pos == imp
        if identical[quad]:
            for r in g[g["possible"] == 0].itertuples():
                if r.partner:
                    reveal[r.clip_id] = common_prefix(list(r.frame_hashes), list(by_id.loc[r.partner, "frame_hashes"]))
    clips["frame_identical"] = clips["quad_id"].map(identical).astype(bool)
    clips["matched"] = clips["matched"].fillna(True).astype(bool) if "matched" in clips else True
    unknown = (clips["reveal_frame"] < 0) & (clips["possible"] == 0)  # a possible clip has no reveal
    if unknown.any():
        # the quadruplet's reveal: its impossible clips' earliest measured difference
        earliest = {q: min((reveal[c] for c in g["clip_id"] if c in reveal), default=-1)
                    for q, g in clips.groupby("quad_id")}
        clips.loc[unknown, "reveal_frame"] = clips.loc[unknown, "quad_id"].map(earliest)
    return clips
