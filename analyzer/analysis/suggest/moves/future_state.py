"""The future state: where the reader must get to, by when, and the first step toward it."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}
RATIONALE = "Names where the reader has to get to, so the feature becomes the first step of their plan."

frame(
    "feature-first-step.v1",
    "future_state",
    FEATURE,
    "The first step toward «where does your team need to be by the end of the year?|that goal» is taking {topic} off "
    "{people}'s plate, and {lead}",
    RATIONALE,
)
frame(
    "feature-by-when.v1",
    "future_state",
    FEATURE,
    "By «when must this be running smoothly?|then», {topic} should need no one chasing {them}, {so} {lead}",
    RATIONALE,
)
frame(
    "feature-goal-to-reach.v1",
    "future_state",
    FEATURE,
    "To reach «what result does your team need this year?|that result», {people} must stop spending time on {topic}, "
    "{so} {lead}",
    RATIONALE,
)
frame(
    "feature-where-to-get.v1",
    "future_state",
    FEATURE,
    "Getting to «where must your team be by next year?|that point» starts with closing this gap, {so} {lead}",
    RATIONALE,
    needs_topic=False,
)
frame(
    "result-set-the-goal.v1",
    "future_state",
    {"benefit"},
    "Set {topic} as the number to move by «which quarter?|then», because {lead}",
    "Turns the result into a goal with a date, which is where a case for change ends.",
)
frame(
    "result-where-to-be.v1",
    "future_state",
    {"benefit"},
    "Decide where your team needs to be by «when?|then», because {lead}",
    "Turns the result into a goal with a date, which is where a case for change ends.",
    needs_topic=False,
)
frame(
    "price-first-step.v1",
    "future_state",
    {"price"},
    "The first step toward «where must your team be by next year?|that goal» is a small one: {lead}",
    "Makes the price the cost of a first step toward a goal, not of a product.",
    needs_topic=False,
)
frame(
    "launch-first-step.v1",
    "future_state",
    {"announcement"},
    "Getting to «where must your team be by the end of the year?|that goal» starts here: {lead}",
    "Presents the announcement as the first step toward where the reader has to be.",
    needs_topic=False,
)
frame(
    "launch-ready-for.v1",
    "future_state",
    {"announcement"},
    "To be ready for «what is coming for your team next year?|what comes next», {topic} can no longer wait, which is "
    "why {lead}",
    "Presents the announcement as the first step toward where the reader has to be.",
)
