"""Where voebench keeps what it computed and can recompute: score tables (benchmark/runner.py)
and decoded dataset shards (benchmark/formats/). One place, so that the readers and the runner
agree on it without importing each other."""
from __future__ import annotations

import os
from pathlib import Path


def default_cache() -> Path:
    return Path(os.environ.get("VOEBENCH_CACHE", Path.home() / ".cache" / "voebench"))
