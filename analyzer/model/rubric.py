"""The case-for-change rubric: why change, the price of inaction, the future state.

A sentence carries a rubric element when the sentence model's detector for that element is
confident *and* the sentence is part of a case for change: the evidence score is the product
of the two probabilities, so "our platform cuts costs" (cost words, feature message) scores
low while "every month you wait costs you a client" scores high. A document has an element
when its best evidence reaches the element's threshold, tuned by cross-validation on the
train split (`analyzer train`).

The case-for-change score, 0 to 100:

    score = 100 * (0.4 * P(case-for-change | document)
                   + 0.2 * why_change + 0.2 * price_of_inaction + 0.2 * future_state)

where each element's term is its best sentence's evidence score. The document's message
counts for 40%; each of the three answers a case for change gives counts for 20%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analyzer.labels import CHANGE, LABELS, RUBRIC_ELEMENTS

MESSAGE_WEIGHT = 0.4
ELEMENT_WEIGHT = 0.2
#: Sentences listed as evidence for one element, best first.
MAX_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class RubricSettings:
    """Tuned at training time and stored in the model card."""

    context_weight: float  # share of the document's probabilities in each sentence's
    thresholds: dict[str, float]  # evidence score a document needs to have each element


@dataclass(frozen=True, slots=True)
class ElementResult:
    present: bool
    score: float
    evidence: tuple[int, ...]


def blend(sentence_probs: np.ndarray, document_probs: np.ndarray, context_weight: float) -> np.ndarray:
    """Each sentence's label probabilities, pulled toward its document's.

    A sentence is read in its document: "It takes four minutes." means nothing alone.
    """
    return (1.0 - context_weight) * sentence_probs + context_weight * document_probs[np.newaxis, :]


def sentence_labels(blended: np.ndarray, low_signal: Sequence[bool], document_label: str) -> list[str]:
    """The label of each sentence; a low-signal one takes the document's (the guide's rule)."""
    return [
        document_label if low else LABELS[int(np.argmax(row))] for row, low in zip(blended, low_signal, strict=True)
    ]


def evidence_scores(rubric_probs: np.ndarray, blended: np.ndarray) -> np.ndarray:
    """sentences x elements: detector probability times the sentence's case-for-change probability."""
    if not len(rubric_probs):
        return np.zeros((0, len(RUBRIC_ELEMENTS)))
    scores: np.ndarray = rubric_probs * blended[:, [LABELS.index(CHANGE)]]
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
