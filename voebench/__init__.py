"""voebench: does a video world model have physical common sense? A violation-of-expectation
benchmark: matched possible and impossible clips, surprise as prediction error.

One package, four rooms (the repository's top-level folders), arrows one way:

    voebench.scenes  ─clips─▶  voebench.models  ─surprise─▶  voebench.benchmark  ─results─▶  voebench.leaderboard

and on top the public API below (voebench/api.py), which the `voebench` command maps to.
"""
from .api import (IgnoredSettings, SuiteMismatch, audit, build_leaderboard, check_model, compare, evaluate, export, generate_suite,
                  human_results, human_study, report, run, submit, train)

__all__ = ["generate_suite", "audit", "check_model", "evaluate", "train", "submit", "build_leaderboard", "run",
           "report", "compare", "export", "human_study", "human_results", "SuiteMismatch",
           "IgnoredSettings"]
