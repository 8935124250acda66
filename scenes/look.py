"""How a scene looks: the flat look of voe-v1/v2 (64 px, no shadows, untextured) or the studio
look of the HD suites (issue 15), for models trained on real video: a textured floor and back
wall, a top light with shadows, shiny objects, seen in perspective.

A look changes pixels only, never physics or the masks: the floor and the back wall are visual
links of the ground body (no collision shape, mask value 0 like the ground), so a body's mask
value stays its index in the spec, and a suite's checks read the same masks in either look.

Shadows would be the one thing a look adds that can betray a hidden object: a shadow is a
visible pixel the mask assigns to the floor. The quadruplet checks do not rely on masks alone
for that: an occluded splice frame must be pixel-identical in both runs (scenes/quadruplet.py;
tests/test_look.py shows a shadow-like leak refused).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import atomic_write_bytes

TEXTURE_VERSION = 1  # bump when a texture's pixels change: generated suites change with it


@dataclass(frozen=True)
class Look:
    name: str
    shadows: bool
    light_direction: tuple[float, float, float]  # towards the light
    ambient: float | None = None  # TinyRenderer coefficients; None keeps PyBullet's defaults
    diffuse: float | None = None
    specular: float | None = None
    studio: bool = False  # textured floor and back wall, shiny objects


LOOKS = {
    "flat": Look("flat", shadows=False, light_direction=(0.4, -0.8, 1.6)),
    # Shadows off: TinyRenderer's shadow map is a perspective camera at lightDirection x
    # lightDistance aimed at the origin, with the view's field of view and a fixed depth bias.
    # On this stage (measured, docs/hd-suite.md) it darkened the whole floor in bands and cast no
    # shadow of any object, at twice the render time, so it would add artefacts, not realism.
    "studio": Look("studio", shadows=False, light_direction=(0.3, -0.6, 1.0), ambient=0.5, diffuse=0.6,
                   specular=0.5, studio=True),
}
DEFAULT_LOOK = "flat"

FLOOR_HALF = 8.0  # metres: the textured floor covers everything in view (y from -2.6 m on)
WALL_Y, WALL_HALF_WIDTH, WALL_HEIGHT = 5.5, 8.0, 4.0  # behind the witness lane (y = 3); the view ends 2 m up
OBJECT_SPECULAR = (0.7, 0.7, 0.7)


def look(name: str | Look) -> Look:
    if isinstance(name, Look):
        return name
    if name not in LOOKS:
        raise ValueError(f"look must be one of {', '.join(LOOKS)}, got {name!r}")
    return LOOKS[name]


def _floor_texture(size: int = 256, tiles: int = 4) -> np.ndarray:
    """A block of 4 x 4 warm grey tiles with grout lines and a fixed grain (seeded: the same
    bytes everywhere); the floor mesh repeats it."""
    rng = np.random.default_rng(1501)
    tile = size // tiles
    shade = rng.uniform(0.88, 1.06, (tiles, tiles)).repeat(tile, 0).repeat(tile, 1)
    grain = rng.normal(1.0, 0.03, (size, size))
    img = np.array([200, 188, 168], float)[None, None] * (shade * grain)[..., None]
    lines = (np.arange(size) % tile) < 3
    img[lines, :] *= 0.7
    img[:, lines] *= 0.7
    return np.clip(img, 0, 255).astype(np.uint8)


def _wall_texture(size: int = 256, panels: int = 4) -> np.ndarray:
    """Pale blue-grey wall panels with a dado line, repeated along the wall."""
    rng = np.random.default_rng(1502)
    width = size // panels
    panel = rng.uniform(0.93, 1.05, panels).repeat(width)
    rows = np.linspace(1.06, 0.94, size)[:, None]
    img = np.array([160, 176, 192], float)[None, None] * (rows * panel[None] * rng.normal(1.0, 0.015, (size, size)))[..., None]
    img[:, (np.arange(size) % width) < 3] *= 0.8
    img[int(size * 0.82):int(size * 0.84)] *= 0.75
    return np.clip(img, 0, 255).astype(np.uint8)


def _grid_mesh(width: float, height: float, cells: tuple[int, int], repeat: tuple[float, float], vertical: bool) -> str:
    """A flat rectangle as a Wavefront OBJ split into many small quads: TinyRenderer interpolates
    texture coordinates affinely, so one big quad would warp the tiles; small ones keep them
    straight. Centred at the origin, in the x-y plane (floor) or the x-z plane (wall, facing -y)."""
    nx, ny = cells
    lines = []
    for j in range(ny + 1):
        for i in range(nx + 1):
            u, v = i / nx, j / ny
            x, y = (u - 0.5) * width, (v - 0.5) * height
            lines.append(f"v {x:.4f} 0 {y:.4f}" if vertical else f"v {x:.4f} {y:.4f} 0")
            lines.append(f"vt {u * repeat[0]:.4f} {v * repeat[1]:.4f}")
    lines.append("vn 0 -1 0" if vertical else "vn 0 0 1")
    k = lambda i, j: j * (nx + 1) + i + 1
    for j in range(ny):
        for i in range(nx):
            a, b, c, d = k(i, j), k(i + 1, j), k(i + 1, j + 1), k(i, j + 1)
            # counter-clockwise seen from the camera side (above the floor, in front of the wall)
            tri = ((a, b, c), (a, c, d)) if vertical else ((a, b, c), (a, c, d))
            lines += [f"f {p}/{p}/1 {q}/{q}/1 {r}/{r}/1" for p, q, r in tri]
    return "\n".join(lines) + "\n"


TEXTURES = {"floor": _floor_texture, "wall": _wall_texture}
MESHES = {
    # 1 m cells; the 4-tile block every 2 m: 0.5 m tiles
    "floor": lambda: _grid_mesh(2 * FLOOR_HALF, 2 * FLOOR_HALF, (16, 16), (FLOOR_HALF, FLOOR_HALF), vertical=False),
    # 1 m cells; a block of four 1 m panels every 4 m
    "wall": lambda: _grid_mesh(2 * WALL_HALF_WIDTH, WALL_HEIGHT, (16, 4), (WALL_HALF_WIDTH / 2, 1.0), vertical=True),
}
_CHECKED: set[Path] = set()


def _asset(filename: str, data: bytes) -> Path:
    """`data` as a file in a temporary folder (PyBullet loads textures and meshes from files).
    Checked once per process and (re)written to a temporary name then renamed, so a stale or
    half-written file never reaches a render."""
    path = Path(tempfile.gettempdir()) / f"voebench-studio-v{TEXTURE_VERSION}" / filename
    if path in _CHECKED:
        return path
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    _CHECKED.add(path)
    return path


def texture_file(name: str) -> Path:
    """The texture `name` as a PNG (lossless: the same pixels wherever it is decoded)."""
    import cv2

    ok, png = cv2.imencode(".png", TEXTURES[name]()[..., ::-1])  # RGB -> OpenCV's BGR
    return _asset(f"{name}.png", png.tobytes())


def mesh_file(name: str) -> Path:
    return _asset(f"{name}.obj", MESHES[name]().encode())
