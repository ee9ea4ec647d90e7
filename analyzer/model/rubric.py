"""Sentence labels in their context, and the case-for-change rubric: why change, the price of
inaction, the future state.

A sentence's label comes mostly from its own words, read in its paragraph: its probabilities
are mixed with the mean of its neighbours' (a few sentences either side) and, weakly, with the
document's. The weights and the window are chosen on out-of-fold predictions of the train
split (`analyzer train`); the document's weight is capped at `MAX_CONTEXT_WEIGHT`, so a
document's mistake can no longer relabel every sentence in it.

A sentence carries a rubric element when the sentence model's detector for that element is
confident *and* the sentence itself argues for change: the evidence score is the product of
the detector's probability and the sentence's own case-for-change probability (its words
alone, neither its neighbours' nor the document's), so "our platform cuts costs" (cost words,
feature message) scores low while "every month you wait costs you a client" scores high. Each
element's threshold is the one that best finds the writers' marked sentences out of fold; a
document has an element when one of its sentences reaches it.

The case-for-change score, 0 to 100:

    score = 100 * (0.4 * P(case-for-change | document)
                   + 0.2 * why_change + 0.2 * price_of_inaction + 0.2 * future_state)

where each element's term is its best sentence's evidence score. The document's message
counts for 40%; each of the three answers a case for change gives counts for 20%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.labels import CHANGE, LABELS, RUBRIC_ELEMENTS

MESSAGE_WEIGHT = 0.4
ELEMENT_WEIGHT = 0.2
#: Sentences listed as evidence for one element, best first.
MAX_EVIDENCE = 3
#: The most a document's probabilities may weigh in a sentence's: the prior is weak by design.
MAX_CONTEXT_WEIGHT = 0.2
#: The neighbours' weight is capped too, so a sentence's own words always weigh at least 0.4:
#: in a draft that mixes messages (a case for change with a feature paragraph and a news line),
#: out-of-fold F1 on homogeneous documents kept rising with context while the feature lines
#: came out as case for change.
MAX_NEIGHBOUR_WEIGHT = 0.4


@dataclass(frozen=True, slots=True)
class RubricSettings:
    """Tuned at training time and stored in the model card."""

    context_weight: float  # share of the document's probabilities in each sentence's
    thresholds: dict[str, float]  # evidence score a sentence needs to show each element
    neighbour_weight: float = 0.0  # share of the neighbours' mean probabilities
    neighbour_window: int = 0  # neighbours on each side
    #: Evidence from the sentence's own probabilities (models since 1.2.0) or from its
    #: context-mixed ones (before).
    own_evidence: bool = False

    @classmethod
    def from_card(cls, analysis: dict[str, Any]) -> RubricSettings:
        return cls(
            context_weight=float(analysis["context_weight"]),
            thresholds={k: float(v) for k, v in analysis["thresholds"].items()},
            neighbour_weight=float(analysis.get("neighbour_weight", 0.0)),
            neighbour_window=int(analysis.get("neighbour_window", 0)),
            own_evidence=bool(analysis.get("own_evidence", False)),
        )

    def to_card(self) -> dict[str, Any]:
        return {
            "context_weight": self.context_weight,
            "neighbour_weight": self.neighbour_weight,
            "neighbour_window": self.neighbour_window,
            "own_evidence": self.own_evidence,
            "thresholds": self.thresholds,
        }


@dataclass(frozen=True, slots=True)
class ElementResult:
    present: bool
    score: float
    evidence: tuple[int, ...]


def in_context(
    sentence_probs: np.ndarray,
    document_probs: np.ndarray,
    low_signal: Sequence[bool],
    settings: RubricSettings,
    neighbours: np.ndarray | None = None,
) -> np.ndarray:
    """Each sentence's label probabilities mixed with its neighbours' and its document's.

    A sentence is read in its paragraph: "It takes four minutes." means nothing alone. The
    neighbours are the sentences within `neighbour_window` on either side that carry a message
    of their own (low-signal ones, such as headings and datelines, are skipped); pass their
    means (`neighbour_means`) when they are already computed.
    """
    if not len(sentence_probs):
        return sentence_probs
    own = 1.0 - settings.neighbour_weight - settings.context_weight
    mixed = own * sentence_probs + settings.context_weight * document_probs[np.newaxis, :]
    if settings.neighbour_weight and settings.neighbour_window:
        if neighbours is None:
            neighbours = neighbour_means(sentence_probs, low_signal, settings.neighbour_window)
        mixed += settings.neighbour_weight * neighbours
    return mixed


def neighbour_means(sentence_probs: np.ndarray, low_signal: Sequence[bool], window: int) -> np.ndarray:
    """The mean probabilities of each sentence's neighbours (its own when it has none)."""
    n = len(sentence_probs)
    signal = ~np.asarray(low_signal, dtype=bool)
    # Prefix sums over the sentences that carry a message: one pass, whatever the window.
    weighted = np.vstack([np.zeros(sentence_probs.shape[1]), np.cumsum(sentence_probs * signal[:, None], axis=0)])
    counts = np.concatenate([[0], np.cumsum(signal)])
    index = np.arange(n)
    low, high = np.maximum(index - window, 0), np.minimum(index + window + 1, n)
    totals = weighted[high] - weighted[low] - sentence_probs * signal[:, None]
    number = (counts[high] - counts[low] - signal).astype(float)
    means = totals / np.maximum(number, 1.0)[:, None]
    means[number == 0] = sentence_probs[number == 0]
    result: np.ndarray = means
    return result


def sentence_labels(blended: np.ndarray, low_signal: Sequence[bool], document_label: str) -> list[str]:
    """The label of each sentence; a low-signal one takes the document's (the guide's rule)."""
    return [
        document_label if low else LABELS[int(np.argmax(row))] for row, low in zip(blended, low_signal, strict=True)
    ]


def evidence_scores(rubric_probs: np.ndarray, change_probs: np.ndarray) -> np.ndarray:
    """sentences x elements: detector probability times the sentence's case-for-change
    probability (`change_probs`: label probabilities, one row per sentence)."""
    if not len(rubric_probs):
        return np.zeros((0, len(RUBRIC_ELEMENTS)))
    scores: np.ndarray = rubric_probs * change_probs[:, [LABELS.index(CHANGE)]]
    return scores


def detect(evidence: np.ndarray, thresholds: dict[str, float]) -> dict[str, ElementResult]:
    """Whether the document has each element, how strongly, and which sentences show it."""
    results = {}
    for column, element in enumerate(RUBRIC_ELEMENTS):
        scores = evidence[:, column] if len(evidence) else np.zeros(0)
        best = float(scores.max()) if len(scores) else 0.0
        above = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] >= thresholds[element]]
        results[element] = ElementResult(best >= thresholds[element], round(best, 4), tuple(above[:MAX_EVIDENCE]))
    return results


def case_for_change_score(document_change_prob: float, elements: dict[str, ElementResult]) -> int:
    """The 0-100 score documented at the top of this module."""
    total = MESSAGE_WEIGHT * document_change_prob + ELEMENT_WEIGHT * sum(e.score for e in elements.values())
    return round(100 * min(1.0, total))
