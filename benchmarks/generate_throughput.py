"""Generator throughput against the bare PyBullet floor.

For each resolution: clips/s of the full generator with one worker (sampling, rejection,
simulation, rendering, splicing, hashing, compressed writes; previews excluded), clips/s of
the floor on the same accepted scenes (PyBullet stepping + getCameraImage only, for every
clip the quadruplets contain), their ratio (target >= 0.8), and the 1 -> 2 worker speed-up
(target >= 1.8x). `--look studio --resolutions 256` measures the HD suites' rendering.

    python benchmarks/generate_throughput.py [--per-condition 3] [--write docs/performance.md]
    python benchmarks/generate_throughput.py --look studio --resolutions 256 --per-condition 1
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np
import pybullet

from voebench.scenes.generate import GenerateConfig, generate
from voebench.scenes.items import item_seed
from voebench.scenes.principles import principle
from voebench.scenes.quadruplet import Reject, build_quadruplet
from voebench.scenes.world import World


def accepted_pairs(cfg: GenerateConfig):
    """The scene pairs the generator ends up rendering (replaying its rejection sampling)."""
    pairs = []
    for item in cfg.items():
        rng = np.random.default_rng(item_seed(cfg.seed, item))
        while True:
            pair = principle(item.principle).sample(rng, item.condition, cfg.frames, cfg.fps, cfg.design)
            try:
                # the checks at the suite's own resolution: the "seen" bar scales with it
                build_quadruplet(pair, item.condition, cfg.resolution, rng, design=cfg.design)
                pairs.append(pair)
                break
            except Reject:
                continue
    return pairs


def floor_seconds(pairs, resolution: int, look: str = "flat") -> float:
    """Step and render each clip of each quadruplet, nothing else."""
    start = time.perf_counter()
    for pair in pairs:
        runs = [pair.a, pair.b] + ([pair.a, pair.b] if pair.design == "crossed" else [])
        for spec in runs:
            with World(spec, "tiny", look) as world:
                world.simulate(render=True, resolution=resolution)
    return time.perf_counter() - start


def generator_seconds(cfg: GenerateConfig) -> float:
    with tempfile.TemporaryDirectory() as out:
        cfg.out = out
        start = time.perf_counter()
        generate(cfg, progress=False, previews=False)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-condition", type=int, default=3)
    parser.add_argument("--resolutions", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--look", choices=["flat", "studio"], default="flat")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster column")
    parser.add_argument("--write", help="also write the table to this Markdown file")
    args = parser.parse_args()
    text = run(args.per_condition, args.resolutions, args.look, not args.no_dask)
    if args.write:
        with open(args.write, "w") as f:
            f.write("# Generator throughput\n\nWritten by `python benchmarks/generate_throughput.py --write "
                    f"{args.write}`.\n\n{text}")


def run(per_condition: int, resolutions=(64, 128), look: str = "flat", dask: bool = True) -> str:
    """The table as Markdown (also printed row by row)."""
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"python {platform.python_version()}, pybullet API {pybullet.getAPIVersion()}; 32 frames, TinyRenderer, "
        f"{look} look.",
        f"Work: {per_condition} quadruplets per principle x condition (7 x 2 cells), 4 clips each.",
        "",
        "| resolution | generator clips/s (1 worker) | floor clips/s | ratio (target >= 0.8) | 2 workers clips/s | speed-up (target >= 1.8x) | Dask LocalCluster(2) clips/s | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for resolution in resolutions:
        cfg = GenerateConfig(out="", per_condition=per_condition, resolution=resolution, seed=123, look=look)
        clips = len(cfg.items()) * 4
        pairs = accepted_pairs(cfg)
        floor = floor_seconds(pairs, resolution, look)
        one = generator_seconds(cfg)
        cfg.workers = 2
        # Start the (reusable) loky pool first: the steady-state speed-up is what matters
        # for a large corpus; pool start-up (~1 s, paid once per run) is reported apart.
        start = time.perf_counter()
        generator_seconds(GenerateConfig(out="", principles=["inertia"], per_condition=2, resolution=resolution,
                                         seed=1, workers=2, look=look))
        warmup = time.perf_counter() - start
        two = generator_seconds(cfg)
        cluster = "–"
        if dask:
            cfg.workers, cfg.scheduler = 1, "local:2"
            seconds = generator_seconds(cfg)  # includes starting the cluster (a few seconds)
            cfg.scheduler = None
            cluster = f"{clips / seconds:.1f} | {one / seconds:.2f}x"
        lines.append(f"| {resolution}x{resolution} | {clips / one:.1f} | {clips / floor:.1f} | {floor / one:.2f} | "
                     f"{clips / two:.1f} | {one / two:.2f}x | {cluster if dask else '– | –'} |")
        notes.append(f"{resolution}x{resolution}: loky pool start-up + 4-item warm-up run took {warmup:.1f} s; "
                     "the Dask figure includes starting its LocalCluster")
        print(lines[-1], flush=True)
    text = "\n".join(lines + [""] + notes) + "\n"
    print(text)
    return text


if __name__ == "__main__":
    main()
