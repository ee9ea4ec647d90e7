"""When to say "mixed": a document whose top score is too low to name one dominant message.

A piece that argues for change for half its length and lists features for the other half
has no clear dominant message, and its label is a coin toss the writer should not act on.
Such a document is shown as mixed, with its two leading messages; the label is still given
(the JSON keeps it), so nothing that reads labels breaks.

The threshold is chosen on out-of-fold predictions of the train split (documents the model
never saw while predicting them) by the rule of least expected cost: a wrong label costs 1,
showing "mixed" costs `MIXED_COST` (the writer reads the piece instead of trusting the label),
so a document is mixed where the model is right less often than 1 - `MIXED_COST` of the time.
"""

from __future__ import annotations

import numpy as np

from analyzer.labels import LABELS

#: The cost of showing "mixed" relative to showing a wrong label.
MIXED_COST = 0.5
#: Top scores tried as thresholds (a document with a top score below it is mixed).
THRESHOLDS = tuple(round(0.34 + 0.02 * k, 2) for k in range(24))  # 0.34 ... 0.80


def choose_threshold(probabilities: np.ndarray, truth: np.ndarray, cost: float = MIXED_COST) -> float:
    """The threshold of least total cost on out-of-fold `probabilities` (rows in `LABELS`
    order) against true label indexes `truth`; the lowest such threshold on ties."""
    top = probabilities.max(axis=1)
    wrong = probabilities.argmax(axis=1) != truth

    def total(threshold: float) -> float:
        mixed = top < threshold
        return float(np.sum(wrong & ~mixed) + cost * np.sum(mixed))

    return min(THRESHOLDS, key=lambda t: (total(t), t))


def leading(row: np.ndarray) -> tuple[str, str]:
    """The two labels with the highest scores, highest first."""
    first, second = np.argsort(-row, kind="stable")[:2]
    return LABELS[int(first)], LABELS[int(second)]


def is_mixed(row: np.ndarray, threshold: float | None) -> bool:
    """Whether a document with scores `row` is shown as mixed (never, for a model without a threshold)."""
    return threshold is not None and float(row.max()) < threshold
