"""How well object-jepa's hand-built perception (models/object_tokens.py) sees what the generator
rendered: over a test suite, the share of frames where the number of visible slots equals the
number of objects the masks show (at least MIN_AREA pixels), and, in every possible clip whose
manipulated object is hidden and seen again, whether it comes back in the slot it left.

    python scripts/object_perception.py runs/voe-v2 [--per-cell 5]

Masks and specs are read here only to grade the perception; the model never sees them."""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from voebench.models.object_tokens import clip_tokens
from voebench.models.scene_parse import MIN_AREA
from voebench.scenes.dataset import read_clip

OBJECT_SPREAD = 0.3  # a body whose colour channels spread this much (0-1) is an object, not a screen or wall


def grade(data: Path, per_cell: int) -> dict:
    counts, kept, total_kept = defaultdict(lambda: [0, 0]), 0, 0
    records = sorted((data / "items").glob("*.json"))
    chosen = defaultdict(list)
    for path in records:
        record = json.loads(path.read_text())
        cell = "/".join(path.stem.split("-")[:2])
        if len(chosen[cell]) < per_cell:
            chosen[cell].append(record)
    for cell, items in tqdm(sorted(chosen.items()), desc="grade", unit="cell"):
        for record in items:
            bodies = record["meta"]["spec"]["scenes"][0]["bodies"]
            objects = [k + 1 for k, b in enumerate(bodies) if np.ptp(b["colour"][:3]) >= OBJECT_SPREAD]
            roles = record["meta"]["roles"]
            for row in record["rows"]:
                clip = read_clip(data / row["path"])
                slots, _ = clip_tokens(clip["frames"])
                visible = slots[..., 0] > 0
                shown = sum((clip["masks"] == k).sum(axis=(1, 2)) >= MIN_AREA for k in objects)
                agree = visible.sum(1) == shown
                counts[cell][0] += int(agree.sum())
                counts[cell][1] += len(agree)
                if roles[row["clip_id"]] == "A":
                    for m in record["meta"]["manipulated_ids"]:
                        seen = (clip["masks"] == m).sum(axis=(1, 2)) >= MIN_AREA
                        gone = np.flatnonzero(~seen & np.maximum.accumulate(seen))
                        back = np.flatnonzero(seen[gone[0]:]) + gone[0] if len(gone) else []
                        if len(gone) and len(back):
                            before, after = gone[0] - 1, back[0]
                            total_kept += 1
                            kept += bool(any(visible[before, k] and visible[after, k] for k in range(slots.shape[1])
                                             if not visible[before + 1:after, k].any()))
    frames = sum(v[1] for v in counts.values())
    return {"frames": frames, "count_agreement": sum(v[0] for v in counts.values()) / frames,
            "per_cell": {c: round(v[0] / v[1], 3) for c, v in sorted(counts.items())},
            "reappearances": total_kept, "same_slot": kept / max(1, total_kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--per-cell", type=int, default=5)
    args = parser.parse_args()
    result = grade(args.data, args.per_cell)
    print(f"{result['frames']} frames: visible slots = objects shown in {100 * result['count_agreement']:.1f} %")
    for cell, share in result["per_cell"].items():
        print(f"  {cell:24s} {100 * share:5.1f} %")
    print(f"hidden and seen again: {result['reappearances']} times, back in the same slot "
          f"{100 * result['same_slot']:.1f} %")


if __name__ == "__main__":
    main()
