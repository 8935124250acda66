"""One module per physical principle; each exposes ``sample(rng, condition, frames, fps) -> Pair``.

Adding a principle is a new module plus its name in scenes/design.py.
"""
import importlib

from ..design import PRINCIPLES


def principle(name: str):
    """The module of a principle, by name."""
    if name not in PRINCIPLES:
        raise KeyError(f"unknown principle {name!r}; known: {', '.join(PRINCIPLES)}")
    return importlib.import_module(f"{__name__}.{name}")
