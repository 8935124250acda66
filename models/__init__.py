"""Models scored by voebench, all behind one small protocol (see models/protocol.py)."""
from .registry import available, create

__all__ = ["available", "create"]
