"""Figures without a screen: matplotlib on its file-only backend, and a figure as PNG bytes (so
that every picture is written atomically, like every other output)."""
from __future__ import annotations

import io


def pyplot():
    """matplotlib.pyplot on the Agg backend (imported on first use: scoring never needs it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig, dpi: int) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    pyplot().close(fig)
    return buf.getvalue()
