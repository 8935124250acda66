#!/usr/bin/env bash
# The GPU check of issue 15, ready to run on a machine with one CUDA GPU (under 10 minutes):
# vjepa2-hf (random-weight ViT-L, 256 px) and videomae-hf (base) on voe-v2-hd-mini, clips/s and
# peak GPU memory, plus a smoke test of training and scoring the trained-here models on the GPU.
# Creates its own virtual environment when none is there; writes runs/gpu-check/gpu_check.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    # a CUDA build of torch from the registry (the CPU wheel of `make venv` sees no GPU)
    .venv/bin/pip install --quiet 'torch>=2.3'
    .venv/bin/pip install --quiet -e '.[hf]'
fi
exec .venv/bin/python benchmarks/gpu_check.py "$@"
