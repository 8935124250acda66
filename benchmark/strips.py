"""Frame strips of one quadruplet with a model's per-frame surprise under them: how a reader
sees *why* a model got a cell right or wrong (issue 13 diagnoses the positive control's misses
with them). The four clips (A, B and the two impossible ones) are rows; the splice and the
reveal are marked."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from voebench.scenes.dataset import read_clip

from .plotting import png, pyplot

ROLES = ("A", "B", "AB", "BA")


def quadruplet_clips(data: Path, quad_id: str) -> tuple[dict, dict[str, dict]]:
    """The item record of a quadruplet and its clips by role (A, B, AB, BA)."""
    path = Path(data) / "items" / f"{quad_id}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such quadruplet in {data} (expected DATA/items/QUAD_ID.json)")
    record = json.loads(path.read_text())
    roles = record["meta"]["roles"]
    clips = {roles[row["clip_id"]]: dict(read_clip(Path(data) / row["path"]), row=row) for row in record["rows"]}
    return record, clips


def strip_figure(data: Path, quad_id: str, model, frames: range | None = None, scale: int = 2) -> bytes:
    """A PNG: for each clip a row of frames and, under it, the model's surprise per frame.
    `model` is anything with surprise(frames) -> per-frame surprise (the model protocol)."""
    plt = pyplot()

    record, clips = quadruplet_clips(data, quad_id)
    n = len(clips["A"]["frames"])
    frames = frames or range(n)
    surprise = {role: np.asarray(model.surprise(clips[role]["frames"]), float) for role in ROLES}
    top = max(1e-9, max(float(np.nanmax(s[list(frames)])) if np.isfinite(s[list(frames)]).any() else 0.0
                        for s in surprise.values()))
    splice = record["meta"].get("splice_frame", -1)
    fig, axes = plt.subplots(2 * len(ROLES), 1, figsize=(0.9 * scale * len(frames), 1.5 * scale * len(ROLES)),
                             gridspec_kw={"height_ratios": [4, 1] * len(ROLES)})
    for k, role in enumerate(ROLES):
        clip = clips[role]
        row = np.concatenate([clip["frames"][t] for t in frames], axis=1)
        ax = axes[2 * k]
        ax.imshow(row, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        reveal = clip["row"]["reveal_frame"]
        ax.set_ylabel(role, rotation=0, labelpad=14, fontsize=9)
        width = clip["frames"].shape[2]
        for t, label, colour, y in ((splice, "splice", "tab:blue", 4), (reveal, "reveal", "tab:red", 14)):
            if t in frames:
                x = (t - frames.start) * width
                ax.axvline(x - 0.5, color=colour, lw=1.2)
                ax.text(x + 1, y, label, color=colour, fontsize=7, va="top")
        bar = axes[2 * k + 1]
        values = surprise[role][list(frames)]
        bar.bar(np.arange(len(frames)), np.nan_to_num(values), color="tab:red" if role in ("AB", "BA") else "grey")
        bar.set_xlim(-0.5, len(frames) - 0.5)
        bar.set_ylim(0, top * 1.05)
        bar.set_xticks(np.arange(len(frames)))
        bar.set_xticklabels([str(t) for t in frames], fontsize=6)
        bar.tick_params(axis="y", labelsize=6)
        bar.set_ylabel(f"{np.nansum(surprise[role]):.2f}", rotation=0, labelpad=14, fontsize=7)
    fig.suptitle(f"{quad_id}: frames {frames.start}-{frames.stop - 1}, {getattr(model, 'name', '')} surprise per "
                 "frame (clip total at the left)", fontsize=8)
    fig.tight_layout()
    return png(fig, dpi=110)
