"""Why change: what is broken or has moved in the reader's world, so the way they work now no longer holds."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}
RATIONALE = "Opens with the reader's situation without it, in the sentence's own words, so the feature answers it."

# The reader's situation without the capability, read off the sentence (see `situation`).
frame(
    "capability-to-situation.v1",
    "why_change",
    FEATURE,
    "Today, {now}; {body}",
    RATIONALE,
)
frame(
    "capability-to-situation-which-is-why.v1",
    "why_change",
    FEATURE,
    "Right now {now}, which is why {body}",
    RATIONALE,
)
frame(
    "capability-to-situation-what-goes-wrong.v1",
    "why_change",
    FEATURE,
    "Where {now}, «what goes wrong as a result?|work backs up»; {body}",
    RATIONALE,
)
# Without a situation in the sentence: the thing it is about, in the reader's world.
frame(
    "feature-harder-as-you-grow.v2",
    "why_change",
    FEATURE,
    "As «what has grown or changed in your work this year?|the work changes», {topic} get{s} harder to keep on top "
    "of, {so} {lead}",
    "Names the shift in the reader's world first, so the feature answers a change rather than adding a spec.",
)
frame(
    "feature-since-the-shift.v1",
    "why_change",
    FEATURE,
    "Since «what changed in your market this year?|that change», the way your team works today no longer keeps up, "
    "{so} {lead}",
    "Names the shift in the reader's world first, so the feature answers a change rather than adding a spec.",
)
frame(
    "result-stakes-rose.v2",
    "why_change",
    {"benefit"},
    "{measure} matter{m_s} more now that «what raised the stakes for your team this year?|things have changed», and "
    "{lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
)
frame(
    "result-bar-moved.v1",
    "why_change",
    {"benefit"},
    "What your customers will accept has moved since «what did they start expecting?|then», and {lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
)
# An announcement: the shift that makes it matter now, from the situation of the piece's main feature.
frame(
    "launch-shift-behind-it.v1",
    "why_change",
    {"announcement"},
    "While {now}, «what has made that matter more this year?|the pressure grows», which is why {lead}",
    "Opens the announcement with the situation that makes it matter now, not with what is new.",
)
frame(
    "launch-needs-have-changed.v1",
    "why_change",
    {"announcement"},
    "What teams like yours need has changed since «what shifted in your market this year?|then», which is why {lead}",
    "Opens the announcement with the shift that makes it matter now, not with what is new.",
)
