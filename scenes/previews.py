"""Pictures of a test set: an animated GIF per quadruplet (the four clips side by side,
labelled) and one contact-sheet PNG per principle (rows of quadruplets, frames across)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .dataset import read_clip, read_manifest
from .files import atomic_write_bytes
from .design import CONDITIONS

ROLE_LABELS = {"A": "possible A", "B": "possible B", "AB": "impossible A>B", "BA": "impossible B>A"}
ROLE_ORDER = ("A", "B", "AB", "BA")
TILE = 128  # on-screen size of a frame: 64 px clips are drawn twice as large, HD clips as they are
LABEL_H = 14


def _records(directory: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((directory / "items").glob("*.json")):
        record = json.loads(path.read_text())
        out[record["key"]] = record
    return out


def _quad_clips(directory: Path, record: dict) -> list[tuple[str, dict, np.ndarray]]:
    roles = record["meta"]["roles"]
    rows = sorted(record["rows"], key=lambda r: ROLE_ORDER.index(roles[r["clip_id"]]))
    return [(roles[r["clip_id"]], r, read_clip(directory / r["path"])["frames"]) for r in rows]


def _label(img: Image.Image, text: str, colour=(0, 0, 0)) -> Image.Image:
    canvas = Image.new("RGB", (img.width, img.height + LABEL_H), (255, 255, 255))
    canvas.paste(img, (0, LABEL_H))
    ImageDraw.Draw(canvas).text((2, 1), text, fill=colour)
    return canvas


def _upscale(frame: np.ndarray, size: int | None = None) -> Image.Image:
    """A frame as drawn: `size` pixels wide if given (smoothly resampled), else scaled up by a whole
    factor towards TILE (blocky on purpose: the model sees these pixels)."""
    img = Image.fromarray(frame)
    if size is not None:
        return img.resize((size, size * img.height // img.width), Image.LANCZOS)
    scale = max(1, round(TILE / img.width))
    return img if scale == 1 else img.resize((img.width * scale, img.height * scale), Image.NEAREST)


def quadruplet_gif(directory: Path, record: dict) -> bytes:
    clips = _quad_clips(directory, record)
    T = len(clips[0][2])
    pages = []
    for t in range(T):
        tiles = []
        for role, row, frames in clips:
            flag = row["violation_frame"] >= 0 and t >= row["reveal_frame"]
            colour = (200, 0, 0) if flag else (0, 0, 0)
            tiles.append(_label(_upscale(frames[t]), f"{ROLE_LABELS[role]} t={t}", colour))
        sheet = Image.new("RGB", (sum(i.width for i in tiles) + 4 * (len(tiles) - 1), tiles[0].height), "white")
        x = 0
        for tile in tiles:
            sheet.paste(tile, (x, 0))
            x += tile.width + 4
        pages.append(sheet)
    # One palette for all pages: the scenes have few colours, and per-page quantisation is
    # most of the cost.
    first = pages[0].quantize(colors=96, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    pages = [first] + [p.quantize(palette=first, dither=Image.Dither.NONE) for p in pages[1:]]
    buf = io.BytesIO()
    pages[0].save(buf, format="GIF", save_all=True, append_images=pages[1:], duration=1000 // 8, loop=0)
    return buf.getvalue()


def contact_sheet(directory: Path, records: list[dict], principle: str, per_condition: int = 2,
                  columns: int = 8, frame_px: int | None = None) -> bytes:
    """Rows: quadruplet clips (A, B, A>B, B>A); columns: frames evenly spaced; splice marked red.
    `frame_px`: draw each frame that many pixels wide (a smaller sheet of an HD suite, for docs/)."""
    blocks = []
    for condition in CONDITIONS:
        chosen = [r for r in records if r["key"].startswith(f"{principle}-{condition}-")][:per_condition]
        for record in chosen:
            for role, row, frames in _quad_clips(directory, record):
                T = len(frames)
                picks = np.linspace(0, T - 1, columns).round().astype(int)
                tiles = []
                for t in picks:
                    image = _upscale(frames[t], frame_px)
                    if row["violation_frame"] >= 0 and t >= row["violation_frame"]:
                        ImageDraw.Draw(image).rectangle([0, 0, image.width - 1, image.height - 1], outline=(220, 0, 0))
                    tiles.append(image)
                strip = Image.new("RGB", (len(tiles) * (tiles[0].width + 2), tiles[0].height), "white")
                for i, tile in enumerate(tiles):
                    strip.paste(tile, (i * (tile.width + 2), 0))
                text = f"{record['key']}  {ROLE_LABELS[role]}"
                if row["violation_frame"] >= 0:
                    text += f"  (splice t={row['violation_frame']}, reveal t={row['reveal_frame']})"
                blocks.append(_label(strip, text))
    if not blocks:
        raise ValueError(f"no quadruplets of {principle!r} to draw")
    sheet = Image.new("RGB", (max(b.width for b in blocks), sum(b.height + 2 for b in blocks)), "white")
    y = 0
    for block in blocks:
        sheet.paste(block, (0, y))
        y += block.height + 2
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    return buf.getvalue()


def write_previews(directory: str | Path, progress: bool = False, gifs_per_cell: int | None = None) -> list[Path]:
    """Write previews/<quad_id>.gif (every quadruplet, or the first few per principle x
    condition) and previews/contact_<principle>.png."""
    from tqdm import tqdm

    directory = Path(directory)
    records = _records(directory)
    principles = sorted({r["principle"] for r in read_manifest(directory) if r["principle"]})
    chosen = [rec for key, rec in sorted(records.items())
              if gifs_per_cell is None or int(key.rsplit("-", 1)[1]) < gifs_per_cell]
    written = []
    for record in tqdm(chosen, desc="previews", disable=not progress, unit="gif"):
        path = directory / "previews" / f"{record['key']}.gif"
        atomic_write_bytes(path, quadruplet_gif(directory, record))
        written.append(path)
    for principle in principles:
        path = directory / "previews" / f"contact_{principle}.png"
        atomic_write_bytes(path, contact_sheet(directory, list(records.values()), principle))
        written.append(path)
    return written
