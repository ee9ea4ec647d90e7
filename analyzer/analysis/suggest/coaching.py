"""Coaching questions: what a writer answers to supply a missing element of a case for change.

A rewrite can only put a question in brackets; a writer with no facts to hand needs the
questions themselves, asked about the piece's own topic ("What does a week of handling dock
doors by hand cost your customers?"). The topic is the first reader-world topic among the
targets the parser read; without one, the product the piece keeps naming; without that, the
reader's work in general.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from analyzer.labels import RUBRIC_ELEMENTS

#: For each element, questions over {topic} (a noun phrase in the reader's world).
_ON_TOPIC: Final = {
    "why_change": (
        "What has changed in the last year or two for teams that handle {topic}?",
        "Which part of handling {topic} the old way has stopped working, and since when?",
    ),
    "price_of_inaction": (
        "What does one week of handling {topic} the current way cost your reader, in hours or money?",
        "What goes wrong with {topic} when nobody acts, and how often does it happen?",
    ),
    "future_state": (
        "Where does your reader need to be with {topic} by the end of the year?",
        "What is the first step with {topic} a reader could take this month?",
    ),
}
#: The same questions about the product, when the piece has no topic of its own.
_ON_PRODUCT: Final = {
    "why_change": (
        "What has changed for the people who would use {product}, and why does their current way no longer hold?",
    ),
    "price_of_inaction": ("What does going without {product} cost a reader each week, in hours, money or customers?",),
    "future_state": (
        "Where does a reader need to be a year from now, and what first step does {product} make possible?",
    ),
}
_GENERAL: Final = {
    "why_change": ("What has changed in your reader's world that makes their current way of working fall short?",),
    "price_of_inaction": ("What does doing nothing cost your reader each week, in hours, money or customers?",),
    "future_state": ("Where does your reader need to be by the end of the year, and what is the first step?",),
}


def coaching_questions(missing: Sequence[str], topic: str | None, product: str | None) -> dict[str, list[str]]:
    """One to three questions for each missing rubric element, about the piece's topic when it has one."""
    unknown = set(missing) - set(RUBRIC_ELEMENTS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {RUBRIC_ELEMENTS}")
    questions: dict[str, list[str]] = {}
    for element in RUBRIC_ELEMENTS:
        if element not in missing:
            continue
        if topic:
            questions[element] = [q.format(topic=topic) for q in _ON_TOPIC[element]]
        elif product:
            questions[element] = [q.format(product=product) for q in _ON_PRODUCT[element]]
        else:
            questions[element] = list(_GENERAL[element])
    return questions
