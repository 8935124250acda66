"""Scores that lead to the same decisions on every CPU.

float32 kernels differ between CPUs (instruction sets, BLAS blocking, oneDNN algorithms), by
about 1e-7 of a value; a quadruplet whose impossible and possible sums cancel to within that
flips from one machine to the next (issue 10). The built-in models therefore *score* in
float64 (they still train in float32): kernel differences shrink to about 1e-16 of a value,
nine orders of magnitude below the tie band of benchmark/metrics.py (TIE_BAND, 1e-9 of the
quadruplet's own surprise spread), so a decision can only differ between two machines if a
true difference lies within ~1e-16 of that band's edge.

What is bit-reproducible: generated suites (same seed, same bytes), the shortcut probes
(integer arithmetic), trained checkpoints on one machine. What is not: the float64 surprise of
the networks agrees across CPUs to ~1e-15 relative, not bit for bit; decisions and accuracies
agree exactly.
"""
from __future__ import annotations

import platform
import re

import torch

SCORING_DTYPE = torch.float64
# Per-clip surprise of a built-in network agrees across CPUs, CPU paths (ATEN_CPU_CAPABILITY)
# and batch sizes to this relative tolerance. float64 round-off is 1.1e-16 per operation; a
# forward pass accumulates dot products of <= ~1e4 terms over <= ~20 layers, so the worst case
# is ~1e-11; measured differences are ~1e-15 (tests/test_portable.py).
SURPRISE_RTOL = 1e-10


def blas() -> str:
    """The BLAS torch was built with (its build settings line)."""
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return found.group(1) if found else "unknown"


def machine() -> dict:
    """What a score was computed on: recorded in results and model cards."""
    return {"cpu_capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__,
            "blas": blas(), "machine": platform.machine(), "processor": platform.processor() or "unknown",
            "scoring_dtype": str(SCORING_DTYPE).replace("torch.", "")}
