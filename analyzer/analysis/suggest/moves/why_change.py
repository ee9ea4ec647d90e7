"""Why change: what has moved in the reader's world, so the way they work now no longer holds."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}
RATIONALE = "Names the shift in the reader's world first, so the feature answers a change rather than adding a spec."

frame(
    "feature-set-up-before-the-shift.v1",
    "why_change",
    FEATURE,
    "The way most teams handle {topic} was set up before «what has changed in your customers' expectations?|that "
    "change», {so} {lead}",
    RATIONALE,
)
frame(
    "feature-harder-as-you-grow.v1",
    "why_change",
    FEATURE,
    "As «what has grown or changed in your work this year?|the work changes», {topic} get{s} harder to keep on top "
    "of, {so} {lead}",
    RATIONALE,
)
frame(
    "feature-stopped-keeping-up.v1",
    "why_change",
    FEATURE,
    "Handling {topic} the old way stopped keeping up when «what changed for your team?|things changed», {so} {lead}",
    RATIONALE,
)
frame(
    "feature-since-the-shift.v1",
    "why_change",
    FEATURE,
    "Since «what changed in your market this year?|that change», the way your team works today no longer keeps up, "
    "{so} {lead}",
    RATIONALE,
    needs_topic=False,
)
frame(
    "result-stakes-rose.v1",
    "why_change",
    {"benefit"},
    "{Topic} matter{s} more now that «what raised the stakes for your team this year?|things have changed», and {lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
)
frame(
    "result-bar-moved.v1",
    "why_change",
    {"benefit"},
    "What your customers will accept has moved since «what did they start expecting?|then», and {lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
    needs_topic=False,
)
frame(
    "launch-needs-have-changed.v1",
    "why_change",
    {"announcement"},
    "What teams like yours need has changed since «what shifted in your market this year?|then», which is why {lead}",
    "Opens the announcement with the shift that makes it matter now, not with what is new.",
    needs_topic=False,
)
frame(
    "launch-built-for-an-older-world.v1",
    "why_change",
    {"announcement"},
    "Most ways of handling {topic} were built before «what has changed since then?|the change», which is why {lead}",
    "Opens the announcement with the shift that makes it matter now, not with what is new.",
)
