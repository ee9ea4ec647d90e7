"""Coaching questions: what a writer answers to supply a missing element of a case for change.

A rewrite can only put a question in brackets; a writer with no facts to hand needs the
questions themselves, asked about the piece's own subject. `Focus` is what the parse of the
targets found the piece is about: its main topic in the reader's world (the target topic the
draft mentions most, "supplier invoices"), the reader's situation without the product ("a pull
request still rebuilds what main already built"), the measure its result moved and that
measure's old figure ("median pipeline time", "14 minutes"), and the product it keeps naming.
Each missing element gets the questions its facts allow, most specific first, at most three;
without any, questions about the product; without that, about the reader's work in general.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from analyzer.labels import RUBRIC_ELEMENTS

#: Questions per rubric element; each needs the fields it names.
_QUESTIONS: Final = {
    "why_change": (
        "What has changed for your readers that makes it a problem that {now}?",
        "What has changed in the last year or two for teams that handle {topic}?",
        "Which part of handling {topic} the old way has stopped working, and since when?",
    ),
    "price_of_inaction": (
        "What does {measure} at {before} cost your reader each month, in hours, money or customers?",
        "What does it cost your reader each week that {now}, in hours or money?",
        "What goes wrong with {topic} when nobody acts, and how often does it happen?",
        "What would your reader lose each quarter if {measure} stayed where {measure_is}?",
    ),
    "future_state": (
        "{future}: by when must that be true, and what first step could your reader take this month?",
        "Where does your reader need to be with {topic} by the end of the year?",
        "What should {measure} be a year from now, and who decides that?",
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
MAX_QUESTIONS: Final = 3
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Focus:
    """What the piece is about, as the parse of its targets found it (every field optional)."""

    topic: str | None = None  # "supplier invoices"
    product: str | None = None  # "Tallyflow"
    now: str | None = None  # "a pull request still rebuilds what main already built"
    future: str | None = None  # "a pull request should never rebuild what main already built"
    measure: str | None = None  # "median pipeline time"
    measure_plural: bool = False  # "no-shows are", "pipeline time is"
    before: str | None = None  # "14 minutes"


def coaching_questions(missing: Sequence[str], focus: Focus) -> dict[str, list[str]]:
    """One to three questions for each missing rubric element, about the piece's own subject."""
    unknown = set(missing) - set(RUBRIC_ELEMENTS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {RUBRIC_ELEMENTS}")
    fields = {
        "topic": focus.topic,
        "now": focus.now,
        "future": focus.future,
        "measure": focus.measure,
        "before": focus.before,
        "measure_is": "they are" if focus.measure_plural else "it is",
    }
    questions: dict[str, list[str]] = {}
    for element in RUBRIC_ELEMENTS:
        if element not in missing:
            continue
        asked = [
            _sentence(q.format(**fields))
            for q in _QUESTIONS[element]
            if all(fields.get(name) for name in _FIELD.findall(q))
        ][:MAX_QUESTIONS]
        if not asked and focus.product:
            asked = [q.format(product=focus.product) for q in _ON_PRODUCT[element]]
        questions[element] = asked or list(_GENERAL[element])
    return questions


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
