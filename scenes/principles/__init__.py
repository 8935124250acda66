"""One module per physical principle; each exposes ``sample(rng, condition, frames, fps) -> Pair``.

Adding a principle is a new module plus one entry in PRINCIPLES.
"""
import importlib

NAMES = ("permanence", "continuity", "immutability", "solidity", "gravity", "inertia", "causality")


def principle(name: str):
    """The module of a principle, by name."""
    if name not in NAMES:
        raise KeyError(f"unknown principle {name!r}; known: {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")
