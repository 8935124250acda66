"""GPU check (issue 15): the real model sizes on the HD mini suite, timed on a GPU.

Times `vjepa2-hf` with a random-weight ViT-L (the released V-JEPA 2 ViT-L/16 architecture,
256 px) and `videomae-hf` at base size (random weights, 224 px) on voe-v2-hd-mini, and prints
clips/s and peak GPU memory for each precision asked. Random weights score like any weights (the
timing and memory depend on the architecture only); no file is downloaded. Then a device smoke
test of the trained-here path: a few `voebench train --device cuda` steps and scoring a shipped
model with `--device cuda`.

    bash benchmarks/gpu_check.sh          # about 5 minutes on one H200; writes runs/gpu-check/
    python benchmarks/gpu_check.py --cpu-clips 2   # the same models on the CPU: seconds per clip
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch


def hd_mini(root: Path) -> Path:
    import voebench

    data = root / "voe-v2-hd-mini"
    start = time.perf_counter()
    try:
        voebench.generate_suite(data, suite="voe-v2-hd-mini", workers=max(1, (os.cpu_count() or 2) - 1), progress=False)
    except voebench.SuiteMismatch as e:
        print(f"note: {e}")
    print(f"voe-v2-hd-mini ready in {time.perf_counter() - start:.0f} s", flush=True)
    return data


def random_checkpoints(root: Path) -> dict[str, Path]:
    """save_pretrained folders of random-weight models of the real sizes."""
    from transformers import VideoMAEConfig, VideoMAEForPreTraining, VJEPA2Model

    from voebench.models.vjepa2_hf import preset_config

    out = {}
    torch.manual_seed(0)
    for name, make in (("vjepa2-vitl", lambda: VJEPA2Model(preset_config("vitl"))),
                       ("videomae-base", lambda: VideoMAEForPreTraining(VideoMAEConfig(norm_pix_loss=True)))):
        folder = root / name
        if not (folder / "config.json").exists():
            make().save_pretrained(folder)
        out[name] = folder
    return out


def time_scoring(model: str, weights: Path, data: Path, dtype: str, batch_size: int, cache: Path) -> dict:
    from voebench.benchmark.runner import ModelRef, score_dataset

    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    ref = ModelRef(model, str(weights), {"device": "cuda", "dtype": dtype})
    start = time.perf_counter()
    scores, meta = score_dataset(ref, data, cache / f"{model}-{dtype}", batch_size=batch_size, progress=False)
    wall = time.perf_counter() - start
    speed = meta["throughput"]
    return {"model": model, "weights": weights.name, "dtype": dtype, "batch_size": batch_size, "clips": speed["clips"],
            "scoring_s": speed["seconds"], "clips_per_s": speed["clips_per_s"], "wall_s_with_load": round(wall, 1),
            "per_1000_clips_min": round(1000 / speed["clips_per_s"] / 60, 1) if speed["clips_per_s"] else None,
            "peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
            "finite_after_context": bool(all(np.isfinite(s[8:]).all() for s in scores["surprise"]))}


def time_cpu(model: str, weights: Path, data: Path, dtype: str, clips: int) -> dict:
    """Seconds per clip on the CPU, over the first `clips` clips (a whole suite would take days)."""
    import resource

    from voebench import models
    from voebench.scenes.dataset import read_clip, read_manifest

    rows = [r for r in read_manifest(data) if r["split"] == "test"][:clips]
    frames = [read_clip(data / r["path"])["frames"] for r in rows]
    m = models.create(model, weights=str(weights), dtype=dtype)
    start = time.perf_counter()
    for clip in frames:
        m.surprise(clip)
    per_clip = (time.perf_counter() - start) / len(frames)
    return {"model": model, "weights": weights.name, "dtype": dtype, "threads": torch.get_num_threads(),
            "clips": len(frames), "seconds_per_clip": round(per_clip, 1),
            "hours_per_1000_clips": round(per_clip * 1000 / 3600, 1),
            "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


def smoke(root: Path) -> dict:
    """The trained-here models on the GPU: a few training steps, and scoring with a shipped checkpoint."""
    import voebench
    from voebench.benchmark.runner import ModelRef, score_dataset

    playground = root / "playground"
    voebench.generate_suite(playground, split="train", clips=16, seed=3, workers=4, progress=False)
    out = {}
    for model in ("jepa-frame", "object-jepa"):
        with tempfile.TemporaryDirectory() as tmp:
            card = voebench.train(model, playground, tmp, steps=10, device="cuda", progress=False)
        out[f"train {model}"] = f"{card['steps']} steps in {card['wall_seconds']} s ({card['machine']})"
    mini = root / "voe-v2-mini"
    voebench.generate_suite(mini, suite="voe-v2-mini", workers=4, progress=False)
    for model in ("jepa-frame-gru", "object-jepa"):
        cpu, _ = score_dataset(ModelRef(model), mini, root / "smoke-cache-cpu", progress=False)
        gpu, meta = score_dataset(ModelRef(model, None, {"device": "cuda", "dtype": "float64"}), mini,
                                  root / "smoke-cache-gpu", progress=False)
        worst = max(float(abs(a[1:] - b[1:]).max() / (abs(a[1:]).max() or 1)) for a, b in zip(cpu["surprise"], gpu["surprise"]))
        out[f"score {model}"] = (f"{meta['throughput']['clips_per_s']} clips/s on {meta['throughput']['device']}; "
                                 f"largest relative difference from the CPU's float64 scores {worst:.1e}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/gpu-check")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"])
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--cpu-clips", type=int, help="time this many clips on the CPU instead (float32 and float64)")
    args = parser.parse_args()
    if args.cpu_clips:
        root = Path(args.out)
        data, folders = hd_mini(root), random_checkpoints(root)
        for model, weights in (("vjepa2-hf", folders["vjepa2-vitl"]), ("videomae-hf", folders["videomae-base"])):
            for dtype in ("float32", "float64"):
                print(json.dumps(time_cpu(model, weights, data, dtype, args.cpu_clips)), flush=True)
        return
    if not torch.cuda.is_available():
        raise SystemExit("gpu_check: torch sees no CUDA GPU here")
    root = Path(args.out)
    root.mkdir(parents=True, exist_ok=True)
    card = torch.cuda.get_device_name(0)
    print(f"GPU: {card}; torch {torch.__version__}, CUDA {torch.version.cuda}; {os.cpu_count()} CPU cores", flush=True)
    data = hd_mini(root)
    folders = random_checkpoints(root)
    cache = root / "cache"
    rows = []
    for model, weights in (("vjepa2-hf", folders["vjepa2-vitl"]), ("videomae-hf", folders["videomae-base"])):
        for dtype in args.dtypes:
            rows.append(time_scoring(model, weights, data, dtype, args.batch_size, cache))
            print(json.dumps(rows[-1]), flush=True)
    checks = smoke(root)
    lines = [f"GPU check on {card} (torch {torch.__version__}, CUDA {torch.version.cuda}, {platform.machine()}), "
             f"suite voe-v2-hd-mini ({rows[0]['clips']} clips, 256x256, 32 frames), random weights of the real sizes.", "",
             "| model | architecture | dtype | batch | clips/s | minutes per 1,000 clips | peak GPU memory (GiB) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['weights']} | {r['dtype']} | {r['batch_size']} | {r['clips_per_s']} | "
                     f"{r['per_1000_clips_min']} | {r['peak_gpu_gib']} |")
    lines += ["", *[f"- {k}: {v}" for k, v in checks.items()]]
    text = "\n".join(lines) + "\n"
    (root / "gpu_check.md").write_text(text)
    (root / "gpu_check.json").write_text(json.dumps({"card": card, "rows": rows, "smoke": checks}, indent=1))
    print(text)


if __name__ == "__main__":
    main()
