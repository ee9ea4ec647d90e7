"""The future state: where the reader must get to, in the sentence's own words, and by when."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.moves.why_change import GROUNDED

FEATURE = {"feature", "claim"}
RATIONALE = "Names where the reader has to get to, in the sentence's own words, so the feature is the first step."

frame(
    "capability-should-never.v1",
    "future_state",
    FEATURE,
    "{future}, {so} {body}",
    "Sets the standard the reader should hold, in the sentence's own words, and the feature meets it.",
    sources=GROUNDED,
)
frame(
    "capability-future-goal.v2",
    "future_state",
    FEATURE,
    "The goal is simple: {future}; {body}",
    RATIONALE,
    sources=GROUNDED,
)
frame(
    "capability-to-future-state.v2",
    "future_state",
    FEATURE,
    "By «when must this be true for your team?|next year», {future}, and {body}",
    RATIONALE,
    sources=GROUNDED,
)
frame(
    "capability-future-after.v1",
    "future_state",
    FEATURE,
    "{original} By «when must this be true for your team?|next year», {future}.",
    "Keeps the writer's sentence as it is and adds, in a sentence of its own, where the reader has to be.",
    sources=GROUNDED,
)
frame(
    "result-down-from-the-old-figure.v1",
    "future_state",
    {"benefit"},
    "{original} Where will your team's {measure} be by «when?|next year», if {m_it} {m_be} still at {before}?",
    "Keeps the result as it is and asks, after it, where the reader's own figure has to go.",
)
frame(
    "launch-future-state.v1",
    "future_state",
    {"announcement"},
    "{future}, and that is where this starts: {lead}",
    "Presents the announcement as the first step toward where the reader has to be.",
    sources=GROUNDED,
)
