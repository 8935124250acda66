"""How numbers are written in every table voebench prints (reports, compare, leaderboard):
one place, so the same metric reads the same everywhere."""
from __future__ import annotations


def pct(x) -> str:
    """A share as a whole percentage; "–" where there is none."""
    return "–" if x is None else f"{100 * x:.0f}"


def ci(interval) -> str:
    """A 95 % interval of a share, as " [lo, hi]" percentages; "" where there is none."""
    return "" if not interval or interval[0] is None else f" [{100 * interval[0]:.0f}, {100 * interval[1]:.0f}]"


def effect(x, interval=None) -> str:
    """An effect in spreads of the model's surprise (scale-free), signed, with its interval."""
    if x is None:
        return "–"
    text = f"{x:+.2f}"
    if interval and interval[0] is not None:
        text += f" [{interval[0]:+.2f}, {interval[1]:+.2f}]"
    return text


def p_value(x) -> str:
    return "–" if x is None else (f"{x:.2g}" if x >= 1e-3 else f"{x:.0e}")
