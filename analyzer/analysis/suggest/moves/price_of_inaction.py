"""The price of inaction: what the reader's situation today costs, per week, month or quarter."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.moves.why_change import GROUNDED

FEATURE = {"feature", "claim"}
RATIONALE = "Puts a running cost on the reader's situation without it, so the feature answers a loss."

frame(
    "capability-if-still-costs.v1",
    "price_of_inaction",
    FEATURE,
    "If {now}, that costs you «how much each week?|time every week»; {body}",
    RATIONALE,
    sources=GROUNDED,
)
frame(
    "capability-pay-for-situation.v1",
    "price_of_inaction",
    FEATURE,
    "As long as {now}, you pay for it in «what does that cost you each month?|hours and money»; {body}",
    RATIONALE,
    sources=GROUNDED,
)
frame(
    "capability-one-bad-week.v1",
    "price_of_inaction",
    FEATURE,
    "When {now}, one bad week costs «what did the last one cost you?|more than it should», {so} {body}",
    RATIONALE,
    sources=GROUNDED,
)
# A result: what the status quo costs, at the sentence's own "before" figure.
frame(
    "result-cost-at-the-old-figure.v1",
    "price_of_inaction",
    {"benefit"},
    "At {before}, {measure} cost{m_s} your team «what does that add up to each month?|time every month», while {lead}",
    "Puts a price on the status quo's own figure, so doing nothing has a cost the reader can check.",
)
frame(
    "result-still-at-the-old-figure-after.v1",
    "price_of_inaction",
    {"benefit"},
    "{original} For a team still at {before}, {measure} cost{m_s} «how much each month?|time every month».",
    "Keeps the result as it is and prices, after it, the status quo's own figure.",
)
frame(
    "launch-cost-of-situation.v1",
    "price_of_inaction",
    {"announcement"},
    "For as long as {now}, you pay «how much does that cost each month?|a monthly cost», which is why {lead}",
    "Puts a price on waiting, so the announcement reads as a reason to act now.",
    sources=GROUNDED,
)
