"""The price of inaction: what the reader's way today costs, per week, month or quarter.

Only frames with a record (see `why_change`): "Standing still has a price too: [...]" (1 of 32),
"Doing without it costs your team [...]" (0 of 38) and the other fixed sentences after a price or
a result were retired.
"""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.moves.why_change import DRAFT, FEATURE, STAKE_KINDS

frame("draft-cost-so.v1", "price_of_inaction", STAKE_KINDS, "{draft_cost}, {so_which} {lead}", DRAFT)
STAKE = "Opens with what the reader's way today costs, then the writer's sentence as the answer."
frame("stake-cost-so.v1", "price_of_inaction", STAKE_KINDS, "{stake_cost}, {so_which} {lead}", STAKE)
frame("stake-cost-which-is-why.v1", "price_of_inaction", STAKE_KINDS, "{stake_cost}, which is why {lead}", STAKE)

frame(
    "feature-week-without-after.v1",
    "price_of_inaction",
    FEATURE,
    "{original} Every week without it costs your team «how many hours, or how much money?|time and money».",
    "Keeps the writer's sentence as it is and asks, after it, what a week without it costs.",
)
frame(
    "launch-month-without-after.v1",
    "price_of_inaction",
    {"announcement"},
    "{original} Every month without it costs teams like yours «what does the current way cost each month?|a monthly "
    "cost».",
    "Keeps the announcement as it is and puts a price on waiting after it.",
)
frame(
    "launch-cost-of-situation.v1",
    "price_of_inaction",
    {"announcement"},
    "For as long as {now}, your team pays «how much does that cost each month?|a monthly cost», which is why {lead}",
    "Puts a price on the situation the piece's own feature ends, so the announcement reads as a reason to act now.",
)
# A result: what the status quo costs at the sentence's own "before" figure.
frame(
    "result-cost-at-the-old-figure.v1",
    "price_of_inaction",
    {"benefit"},
    "At {before}, {measure} cost{m_s} your team «what does that add up to each month?|time every month», while {lead}",
    "Puts a price on the status quo's own figure, so doing nothing has a cost the reader can check.",
)
