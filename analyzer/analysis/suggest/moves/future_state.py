"""The future state: where the reader must get to, by when, and the first step toward it."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.moves.why_change import SAID

FEATURE = {"feature", "claim"}
RATIONALE = "Names where the reader has to get to, in the sentence's own words, so the feature is the first step."

# The library's future states are not offered as rewrites: the independent editors judged "X
# should happen, so the product does X" a restatement of the feature as a wish (6 usable of 28);
# they still ask the coaching question ("... by when should that be true for your readers?").


# The writer's sentence first, untouched, and the reader's situation after it in a sentence of
# its own: tried before the frames that put a clause in front, so most alternatives read as the
# writer's sentence followed by why it matters rather than as a preamble bolted onto it.
AFTER = "Keeps the writer's sentence as it is and adds, in a sentence of its own, the reader's situation without it."
frame(
    "capability-future-after.v1",
    "future_state",
    FEATURE,
    "{original} By «when must this be true for your team?|next year», {future}.",
    AFTER,
    sources=SAID,
)
frame(
    "capability-to-future-state.v2",
    "future_state",
    FEATURE,
    "By «when must this be true for your team?|next year», {future}, and {body}",
    RATIONALE,
    sources=SAID,
)
frame(
    "feature-first-step-after.v1",
    "future_state",
    FEATURE,
    "{original} It is the first step toward «where must your team be by next year?|where your team must be».",
    AFTER,
)
frame(
    "feature-closer-to-after.v1",
    "future_state",
    FEATURE,
    "{original} It brings your team closer to «where must they be by next year?|where they must be».",
    AFTER,
)
frame(
    "result-where-after.v1",
    "future_state",
    {"benefit"},
    "{original} Where will {measure} be for your team by «when?|next year»?",
    AFTER,
)
frame(
    "result-worth-by-when-after.v1",
    "future_state",
    {"benefit"},
    "{original} What would that be worth to your team by «when?|next year»?",
    AFTER,
)
frame(
    "price-first-step-after.v1",
    "future_state",
    {"price"},
    "{original} That is the first step toward «where must your team be by next year?|where your team must be».",
    "Keeps the price as it is and makes it, after it, the cost of a first step rather than of a product.",
)
frame(
    "launch-first-step-after.v1",
    "future_state",
    {"announcement"},
    "{stem}, and it is the first step toward «where must your readers be by the end of the year?|where they must be».",
    "Keeps the announcement as it is and makes it, after it, the first step toward where the reader has to be.",
)

frame(
    "capability-future-first-step.v2",
    "future_state",
    FEATURE,
    "{future}, and the first step is already here: {body}",
    RATIONALE,
    sources=SAID,
)
frame(
    "capability-future-goal.v2",
    "future_state",
    FEATURE,
    "The goal is simple: {future}; {body}",
    RATIONALE,
    sources=SAID,
)
frame(
    "result-set-the-goal.v2",
    "future_state",
    {"benefit"},
    "Set {measure} as the number to move by «which quarter?|then», because {lead}",
    "Turns the result into a goal with a date, which is where a case for change ends.",
)
frame(
    "result-where-to-be.v1",
    "future_state",
    {"benefit"},
    "Decide where your team needs to be by «when?|then», because {lead}",
    "Turns the result into a goal with a date, which is where a case for change ends.",
)
frame(
    "price-first-step.v1",
    "future_state",
    {"price"},
    "The first step toward «where must your team be by next year?|that goal» is a small one: {lead}",
    "Makes the price the cost of a first step toward a goal, not of a product.",
)
frame(
    "launch-future-state.v1",
    "future_state",
    {"announcement"},
    "{future}, and that is where this starts: {lead}",
    "Presents the announcement as the first step toward where the reader has to be.",
)
frame(
    "launch-first-step.v1",
    "future_state",
    {"announcement"},
    "Getting to «where must your team be by the end of the year?|that goal» starts here: {lead}",
    "Presents the announcement as the first step toward where the reader has to be.",
)
