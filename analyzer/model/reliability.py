"""The reliability diagram of a model card: is a 0.8 score right 80% of the time?

Drawn with matplotlib's object API (no pyplot, so no global figure state) to a deterministic
SVG (fixed id salt, no date), so retraining from the same corpus and seed writes the same file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.figure import Figure

RELIABILITY_SVG = "reliability.svg"


def reliability_svg(curves: Mapping[str, Sequence[Mapping[str, float]]], title: str) -> str:
    """One curve per evaluation set from `evaluate.reliability_bins`: accuracy against mean
    confidence per bin, the marker's area by the bin's size, beside the diagonal of a perfectly
    calibrated model."""
    with matplotlib.rc_context(
        {"svg.hashsalt": "analyzer-model-card", "svg.fonttype": "none", "text.parse_math": False, "font.size": 10}
    ):
        figure = Figure(figsize=(5.2, 5.0))
        axes = figure.add_subplot()
        axes.plot([0, 1], [0, 1], linestyle="--", color="#9ca3af", linewidth=1, label="perfect calibration")
        for name, bins in curves.items():
            confidence = [b["confidence"] for b in bins]
            accuracy = [b["accuracy"] for b in bins]
            total = sum(b["n"] for b in bins) or 1
            line = axes.plot(confidence, accuracy, marker="", linewidth=1.5, label=name)[0]
            axes.scatter(confidence, accuracy, s=[12 + 400 * b["n"] / total for b in bins], color=line.get_color())
        axes.set(xlim=(0.3, 1.0), ylim=(0.3, 1.02), xlabel="mean top score in the bin", ylabel="share right")
        axes.set_title(title)
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left", frameon=False)
        buffer = io.StringIO()
        figure.savefig(
            buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None, "Format": None}
        )
    text = buffer.getvalue()
    return text[text.index("<svg") :]
