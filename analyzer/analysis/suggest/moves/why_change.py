"""Why change: what the reader still puts up with today, in the sentence's own words, so the feature answers it."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.situation import BY_HAND, NO_LONGER, WITHOUT

FEATURE = {"feature", "claim"}
RATIONALE = "Opens with the reader's situation without it, in the sentence's own words, so the feature answers it."

#: The situations a frame may build on: what the sentence itself says the reader does today
#: ("a pull request still rebuilds what main already built", "dock doors are still assigned by
#: hand", "telling a customer from a bot still needs a CAPTCHA"). Two independent editors judged
#: every alternative built on anything less unusable (round 3, docs/suggestions.md): a feature
#: negated ("without it, clients can't confirm on their phone") says nothing, the product's verb
#: read as the reader's chore ("knowing your services still falls to your team") says something
#: false, and a fixed sentence with a question after any sentence ("Until now, your team had to
#: [...]") leaves the whole argument to the writer. Those frames are retired, not demoted.
GROUNDED = {NO_LONGER, WITHOUT, BY_HAND}

frame(
    "capability-if-still.v1",
    "why_change",
    FEATURE,
    "If {now}, {body}",
    "Opens with the reader's situation, in the sentence's own words, as a condition the reader recognises.",
    sources=GROUNDED,
)
frame("capability-to-situation.v1", "why_change", FEATURE, "Today, {now}; {body}", RATIONALE, sources=GROUNDED)
frame(
    "capability-to-situation-which-is-why.v1",
    "why_change",
    FEATURE,
    "Right now {now}, which is why {body}",
    RATIONALE,
    sources=GROUNDED,
)
frame(
    "capability-without-it-after.v1",
    "why_change",
    FEATURE,
    "{original} Without {product}, {now}.",
    "Keeps the writer's sentence as it is and adds, in a sentence of its own, the reader's situation without it.",
    sources=GROUNDED,
)
# An announcement: the situation of the piece's own main feature, which is why it matters now.
frame(
    "launch-if-still.v1",
    "why_change",
    {"announcement"},
    "If {now}, this is for you: {lead}",
    "Opens the announcement with the reader's situation that its main feature ends.",
    sources=GROUNDED,
)
