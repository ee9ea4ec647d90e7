"""What a rewrite aims at, and what it carries: the rubric target, its text, the writer's placeholders.

A rewrite argues one of the three elements of a case for change (`TARGETS`). Facts the tool
cannot know go into visible [bracketed placeholders], read off the text so the two never
disagree; a rewrite never invents a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

TARGETS: Final = ("why_change", "price_of_inaction", "future_state")

PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")


@dataclass(frozen=True, slots=True)
class Rewrite:
    strategy: str  # registry name, e.g. "feature-to-price-of-inaction.v1"
    target: str  # "why_change" | "price_of_inaction" | "future_state"
    text: str
    rationale: str  # one sentence for the writer: why this reads as a case for change
    placeholders: tuple[str, ...]


def make_rewrite(strategy: str, target: str, text: str, rationale: str) -> Rewrite:
    """A Rewrite whose placeholders are read off its text, so the two cannot disagree."""
    placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    return Rewrite(strategy, target, text, rationale, placeholders)


#: Placeholders: facts only the writer knows.
HOURS: Final = "[N hours a week]"
WORKAROUND: Final = "[the manual workaround]"
YEAR: Final = "[year]"
SHIFT: Final = "[what has shifted in your market]"
RECENT_CHANGE: Final = "[a recent change in your market]"
YEARS_AGO: Final = "[N years ago]"
FIRST_STEP: Final = "[a first step your team can take this quarter]"
OUTCOME: Final = "[the outcome your team must reach]"
LOST_CUSTOMERS: Final = "[the customers who will not wait]"
HIDDEN_COST: Final = "[the errors and rework that come with it]"
AT_RISK: Final = "[what it puts at risk]"
STAFF_HOURS: Final = "[N staff hours]"
READY: Final = "[the state you need to be in]"
