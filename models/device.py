"""Where a model runs and in what precision: `--device cpu|cuda|auto` and `--dtype` of
`voebench evaluate` and `voebench train`.

The CPU in float64 is the default and the tested path: its decisions do not change with the CPU
(models/portable.py). A GPU is for speed; its float32 kernels are not bitwise stable, so a near
tie may fall the other way there — results record the device they were scored on.
"""
from __future__ import annotations

import inspect

import torch

DTYPES = {"float64": torch.float64, "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


class DeviceError(ValueError):
    """A device or precision that cannot be used here, or a model that cannot use it."""


def resolve_device(device: str | torch.device = "cpu") -> torch.device:
    """'cpu', 'cuda', 'cuda:N' or 'auto' (the first GPU if there is one, else the CPU)."""
    name = str(device)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(name)
    except RuntimeError:
        raise DeviceError(f"device must be cpu, cuda, cuda:N or auto, not {name!r}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise DeviceError(f"device {name!r} asked for, but this torch ({torch.__version__}) sees no CUDA GPU; "
                         "use --device cpu or auto")
    if resolved.type not in ("cpu", "cuda"):
        raise DeviceError(f"device must be cpu, cuda, cuda:N or auto, not {name!r}")
    return resolved


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """'auto' is float64 on the CPU — decisions that do not change with the CPU (models/portable.py)
    — and float32 on a GPU, where float64 is slow and GPU kernels are not bitwise stable anyway."""
    if dtype == "auto":
        return torch.float64 if device.type == "cpu" else torch.float32
    if dtype not in DTYPES:
        raise DeviceError(f"dtype must be auto or one of {', '.join(DTYPES)}, not {dtype!r}")
    if device.type == "cpu" and dtype in ("bfloat16", "float16"):
        raise DeviceError(f"dtype {dtype} is for GPUs; on the CPU use float64 (portable) or float32")
    return DTYPES[dtype]


def placement(factory, name: str, device: str = "cpu", dtype: str | None = None) -> dict:
    """The constructor arguments that put model `name` (built by `factory`) on `device` in
    `dtype`. Models without a `device` argument (the probes, the hand-built control) run on the
    CPU: `auto` leaves them there, an explicit GPU is an error."""
    params = inspect.signature(factory).parameters
    out = {}
    if device != "cpu":
        if "device" in params:
            out["device"] = device
        elif device != "auto":
            raise DeviceError(f"model {name!r} runs on the CPU only (it takes no device); drop --device {device}")
    if dtype is not None:
        if "dtype" not in params:
            raise DeviceError(f"model {name!r} has a fixed precision (it takes no dtype); drop --dtype {dtype}")
        out["dtype"] = dtype
    return out
