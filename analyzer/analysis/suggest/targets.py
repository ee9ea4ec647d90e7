"""What a rewrite aims at, and what it carries: the rubric move, its text, the writer's placeholders.

A rewrite argues one of the three elements of a case for change (`TARGETS`). A fact only the
writer has goes into a [bracketed question] the writer answers in place ("[how many hours a
week does it take today?]"), read off the text with its offsets so the two never disagree; a
rewrite never invents a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

TARGETS: Final = ("why_change", "price_of_inaction", "future_state")

#: A placeholder as every surface finds it (the schema's rule, for text from older models too).
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,200}\]")
#: At most this many placeholders in one rewrite: more reads as a form, not a sentence.
MAX_PLACEHOLDERS: Final = 2


@dataclass(frozen=True, slots=True)
class Placeholder:
    start: int  # offsets into the rewrite's text, brackets included
    end: int
    question: str  # the input's label: "How many hours a week does it take today?"


@dataclass(frozen=True, slots=True)
class Rewrite:
    strategy: str  # registry name of the builder, e.g. "feature-cost-by-hand.v1"
    target: str  # "why_change" | "price_of_inaction" | "future_state"
    text: str
    rationale: str  # one sentence for the writer: what the rewrite does
    placeholders: tuple[Placeholder, ...]

    @property
    def bracketed(self) -> tuple[str, ...]:
        """The placeholders as they appear in the text (the schema's older `placeholders` field)."""
        return tuple(self.text[p.start : p.end] for p in self.placeholders)


def make_rewrite(strategy: str, target: str, text: str, rationale: str) -> Rewrite:
    """A Rewrite whose placeholders are read off its text, so the two cannot disagree."""
    found = tuple(Placeholder(m.start(), m.end(), _question(m.group(0)[1:-1])) for m in PLACEHOLDER.finditer(text))
    if len(found) > MAX_PLACEHOLDERS:
        raise ValueError(f"{strategy}: {len(found)} placeholders in one rewrite; at most {MAX_PLACEHOLDERS}")
    return Rewrite(strategy, target, text, rationale, found)


def _question(inside: str) -> str:
    return inside[:1].upper() + inside[1:]


def fill(text: str, stand_in: str = "this") -> str:
    """`text` with every placeholder replaced by a neutral stand-in, as the scorer reads it.

    The stand-in says nothing for or against a case for change, so the score moves only for the
    words the rewrite itself adds (see `score.NEUTRAL`).
    """
    return PLACEHOLDER.sub(stand_in, text)
