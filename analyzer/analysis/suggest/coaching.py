"""Coaching questions: what a writer answers to supply a missing element of a case for change.

A rewrite can only put a question in brackets; a writer with no facts to hand needs the
questions themselves, asked about the piece's own subject. `Focus` is what the parse of the
targets found: the reader's situation the draft itself states ("a pull request still rebuilds
what main already built"), the measure its result moved and that measure's old figure ("median
pipeline time", "14 minutes"), the stakes from the reader's world its first fitting target has
(see `stakes`), and the product it keeps naming. Each missing element gets the questions its
facts allow, most specific first, at most three; without any, questions about the product;
without that, about the reader's work in general.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from analyzer.labels import RUBRIC_ELEMENTS

#: Questions per rubric element; each needs the fields it names. Two independent editors judged
#: every question of the test drafts (docs/suggestions.md): those built on the draft's own
#: complaint ("a recall still takes an afternoon to check"), on its own figures, or on the
#: reader's world from the library of stakes were the useful ones; a topic word taken from the
#: product copy ("teams that handle setup", "handling the threshold the old way") was wrong or
#: generic more often than not, so no question is built on a topic word any more.
_QUESTIONS: Final = {
    "why_change": (
        "What has changed for your readers that makes it a problem that {now}?",
        "Does this hold for your readers: \u201c{stake_why}\u201d? What has made it matter more this year?",
    ),
    "price_of_inaction": (
        "What does {measure} at {before} cost your reader each month, in hours, money or customers?",
        "What does it cost your reader each week that {now}, in hours or money?",
        "\u201c{stake_cost}\u201d: what does that cost your readers each month, in hours, money or customers?",
    ),
    "future_state": (
        "{future}: by when must that be true, and what first step could your reader take this month?",
        "\u201c{stake_future}\u201d: by when should that be true for your readers, and what is the first step?",
    ),
}
#: The same questions about the product, when the piece gives nothing more specific.
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

    product: str | None = None  # "Tallyflow"
    now: str | None = None  # "a pull request still rebuilds what main already built"
    future: str | None = None  # "a pull request should never rebuild what main already built"
    measure: str | None = None  # "median pipeline time"
    before: str | None = None  # "14 minutes"
    stakes: tuple[tuple[str, str], ...] = ()  # (move, clause) from the library, for the piece's first target it fits


def coaching_questions(missing: Sequence[str], focus: Focus) -> dict[str, list[str]]:
    """One to three questions for each missing rubric element, about the piece's own subject."""
    unknown = set(missing) - set(RUBRIC_ELEMENTS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {RUBRIC_ELEMENTS}")
    stakes = dict(focus.stakes)
    fields = {
        "stake_why": _inside(stakes.get("why_change")),
        "stake_cost": _inside(stakes.get("price_of_inaction")),
        "stake_future": _inside(stakes.get("future_state")),
        "now": focus.now,
        "future": focus.future,
        "measure": focus.measure,
        "before": focus.before,
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


def _inside(clause: str | None) -> str | None:
    """A stake quoted inside a question: a clause, first letter as written, no final stop."""
    return clause.rstrip(".") if clause else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
