"""Generate a dataset: validate the config, build missing items in parallel, write the index.

Resumable: an item counts as done only when its record (DIR/items/<key>.json) exists and
every clip it lists is on disk with the recorded sha256; anything else is rebuilt. Output
is byte-identical for any number of workers: items are independent and the manifest is
sorted.
"""
from __future__ import annotations

import json
import platform
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .dataset import content_hash, package_version, write_manifest
from .files import atomic_write_bytes, sha256_file, write_json
from .design import (CONDITIONS, DEFAULT_DESIGN, DEFAULT_FRAMES, DEFAULT_PER_CONDITION, DEFAULT_RENDERER,
                     DEFAULT_RESOLUTION, DEFAULT_SEED, DEFAULT_TRAIN_CLIPS, DESIGNS, PRINCIPLES)
from .items import Item, Settings, build_item
from .look import DEFAULT_LOOK, LOOKS
from .parallel import SchedulerError, check_scheduler
from . import sweep
from .world import RENDERERS, api_version

MIN_FRAMES = 24  # the scenarios need ~0.6 s before, during and after an occlusion at 16 fps
MAX_FRAMES = 128
MIN_RESOLUTION, MAX_RESOLUTION = 32, 512


class ConfigError(ValueError):
    """A generation setting is invalid; nothing has been written."""


@dataclass
class GenerateConfig:
    out: str
    split: str = "test"
    principles: list[str] = field(default_factory=lambda: list(PRINCIPLES))
    conditions: list[str] = field(default_factory=lambda: list(CONDITIONS))
    per_condition: int = DEFAULT_PER_CONDITION  # quadruplets per principle x condition (test)
    clips: int = DEFAULT_TRAIN_CLIPS  # playground clips (train)
    seed: int = DEFAULT_SEED
    resolution: int = DEFAULT_RESOLUTION
    frames: int = DEFAULT_FRAMES
    fps: int = 16
    workers: int = 1
    renderer: str = DEFAULT_RENDERER
    design: int = DEFAULT_DESIGN  # scene design version (scenes/design.py)
    look: str = DEFAULT_LOOK  # flat (voe-v1/v2) or studio (the HD suites): scenes/look.py
    scheduler: str | None = None  # None (joblib), "local:N" or "tcp://HOST:PORT" (Dask)
    sweep: str | None = None  # "AXIS=LO:HI:N": per_condition quadruplets at each of N levels (scenes/sweep.py)

    def validate(self) -> None:
        if self.split not in ("test", "train"):
            raise ConfigError(f"split must be 'test' or 'train', got {self.split!r}")
        unknown = [p for p in self.principles if p not in PRINCIPLES]
        if unknown:
            raise ConfigError(f"unknown principle(s) {', '.join(unknown)}; known: {', '.join(PRINCIPLES)}")
        if not self.principles:
            raise ConfigError("no principles selected")
        bad = [c for c in self.conditions if c not in CONDITIONS]
        if bad or not self.conditions:
            raise ConfigError(f"conditions must be among {CONDITIONS}, got {self.conditions}")
        if not MIN_RESOLUTION <= self.resolution <= MAX_RESOLUTION:
            raise ConfigError(f"resolution must be {MIN_RESOLUTION}..{MAX_RESOLUTION} pixels, got {self.resolution}")
        if not MIN_FRAMES <= self.frames <= MAX_FRAMES:
            raise ConfigError(f"frames must be {MIN_FRAMES}..{MAX_FRAMES} (the scenarios need at least "
                              f"{MIN_FRAMES} frames at {self.fps} fps), got {self.frames}")
        if self.fps != 16:
            raise ConfigError(f"fps is fixed at 16 (physics runs at 240 Hz, 15 steps a frame), got {self.fps}")
        for name in ("per_condition", "clips", "workers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.seed < 0:
            raise ConfigError(f"seed must be >= 0, got {self.seed}")
        try:
            check_scheduler(self.scheduler)
        except SchedulerError as e:
            raise ConfigError(str(e)) from None
        if self.design not in DESIGNS:
            raise ConfigError(f"design must be one of {DESIGNS}, got {self.design!r}")
        if self.renderer not in RENDERERS:
            raise ConfigError(f"renderer must be one of {RENDERERS}, got {self.renderer!r}")
        if self.look not in LOOKS:
            raise ConfigError(f"look must be one of {', '.join(LOOKS)}, got {self.look!r}")
        if self.sweep is not None:
            if self.split != "test":
                raise ConfigError("--sweep makes a test suite (split test)")
            try:
                sweep.check(sweep.parse(self.sweep), self.principles, self.conditions)
            except sweep.SweepError as e:
                raise ConfigError(str(e)) from None
        _check_writable(Path(self.out))

    def levels(self) -> int:
        return len(sweep.parse(self.sweep).levels) if self.sweep else 1

    def items(self) -> list[Item]:
        if self.split == "train":
            return [Item("train", k) for k in range(self.clips)]
        return [Item("test", k, p, c) for p in self.principles for c in self.conditions
                for k in range(self.per_condition * self.levels())]

    def settings(self) -> Settings:
        return Settings(self.seed, self.resolution, self.frames, self.fps, self.renderer, self.design, self.look,
                        sweep.parse(self.sweep) if self.sweep else None, self.per_condition)


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as e:
        raise ConfigError(f"output directory {out} is not writable: {e.strerror or e}") from None


def _check_compatible(cfg: GenerateConfig) -> None:
    """Refuse to mix settings inside one directory (a resume must use the same config)."""
    path = Path(cfg.out) / "dataset.json"
    if not path.exists():
        return
    try:
        old = json.loads(path.read_text())["config"]
    except (ValueError, KeyError) as e:
        raise ConfigError(f"{path}: unreadable ({e}); remove it or choose another --out") from None
    before = {"design": 1, "look": DEFAULT_LOOK}  # what a dataset written before the setting existed used
    current = {**vars(cfg), "sweep": sweep.parse(cfg.sweep).to_dict() if cfg.sweep else None}
    for key in ("split", "seed", "resolution", "frames", "fps", "renderer", "design", "look", "sweep"):
        if old.get(key, before.get(key)) != current[key]:
            raise ConfigError(f"{path}: existing dataset has {key}={old.get(key)!r}, not {getattr(cfg, key)!r}; "
                              "use another --out or the same settings")


def _done(out: Path, item: Item) -> dict | None:
    """The item's record if it and all its clips are complete and intact, else None."""
    path = out / "items" / f"{item.key}.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    for row in record.get("rows", []):
        clip = out / row["path"]
        if not clip.exists() or sha256_file(clip) != row["sha256"]:
            return None
    return record if record.get("rows") else None


def _store(out: Path, result: dict) -> dict:
    for row, data in zip(result["rows"], result["blobs"]):
        atomic_write_bytes(out / row["path"], data)
    record = {"key": result["key"], "rows": result["rows"], "meta": result["meta"]}
    write_json(out / "items" / f"{result['key']}.json", record)  # last: marks the item done
    return record


def _run_items(todo: list[Item], settings: Settings, workers: int, progress: bool, scheduler: str | None = None):
    from tqdm import tqdm

    from .parallel import run_unordered

    with tqdm(total=len(todo), unit="item", desc="generate", disable=not progress, dynamic_ncols=True) as bar:
        for result in run_unordered(build_item, [(item, settings) for item in todo], workers, scheduler, "item"):
            yield result
            bar.update()


def generate(cfg: GenerateConfig, progress: bool = True, previews: bool = True) -> dict:
    """Generate (or finish) the dataset described by cfg; return its dataset.json content."""
    cfg.validate()
    _check_compatible(cfg)
    out = Path(cfg.out)
    items = cfg.items()
    records, todo = {}, []
    for item in items:
        record = _done(out, item)
        if record is None:
            todo.append(item)
        else:
            records[item.key] = record
    for result in _run_items(todo, cfg.settings(), cfg.workers, progress, cfg.scheduler):
        records[result["key"]] = _store(out, result)
    rows = [row for item in items for row in records[item.key]["rows"]]
    write_manifest(out, rows)
    info = _dataset_info(cfg, rows)
    write_json(out / "dataset.json", info)
    if previews and cfg.split == "test":
        from .previews import write_previews

        write_previews(out, progress=progress)
    return info


def _dataset_info(cfg: GenerateConfig, rows: list[dict]) -> dict:
    counts: dict = {"clips": len(rows)}
    if cfg.split == "test":
        quads: dict = {}
        for row in rows:
            quads.setdefault(row["principle"], {}).setdefault(row["condition"], set()).add(row["quad_id"])
        counts["quadruplets"] = {p: {c: len(q) for c, q in conds.items()} for p, conds in quads.items()}
    config = asdict(cfg)
    config.pop("out")
    config.pop("workers")  # neither changes the output
    config.pop("scheduler")
    if cfg.sweep is None:
        config.pop("sweep")  # suites made without a sweep keep the dataset.json they had
    else:
        config["sweep"] = sweep.parse(cfg.sweep).to_dict()
    return {
        "voebench_version": package_version("voebench"),
        "pybullet_version": api_version(),
        "pybullet_package": package_version("pybullet"),
        "platform": f"{platform.system()} {platform.machine()} python {platform.python_version()}",
        "renderer": {"tiny": "TinyRenderer (CPU)", "egl": "EGL plugin (ER_BULLET_HARDWARE_OPENGL)"}[cfg.renderer]
                    + {"flat": ", shadows off", "studio": ", studio look (textured floor and wall, top light, "
                                                          "specular objects), shadows off"}[cfg.look],
        "resolution": cfg.resolution, "fps": cfg.fps, "frames": cfg.frames, "seed": cfg.seed,
        "split": cfg.split, "config": config, "counts": counts, "content_hash": content_hash(rows),
    }

