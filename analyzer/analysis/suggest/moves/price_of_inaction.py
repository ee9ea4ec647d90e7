"""The price of inaction: what doing nothing costs the reader per day, week, order or season."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}
RATIONALE = "Puts a running cost on the reader's situation without it, so the feature answers a loss."

frame(
    "feature-cost-by-hand.v1",
    "price_of_inaction",
    FEATURE,
    "Handling {topic} by hand costs {people} «how many hours a week does it take today?|time each week», {so} {lead}",
    RATIONALE,
)
frame(
    "feature-cost-of-working-around.v1",
    "price_of_inaction",
    FEATURE,
    "Every week spent working around {topic} is «what does that week cost you?|a cost», {so} {lead}",
    RATIONALE,
)
frame(
    "feature-cost-of-one-miss.v1",
    "price_of_inaction",
    FEATURE,
    "One mistake with {topic} can cost you «what did the last one cost?|something», {so} {lead}",
    RATIONALE,
)
frame(
    "feature-cost-of-standing-still.v1",
    "price_of_inaction",
    FEATURE,
    "Standing still costs your team «how many hours a week go to the workaround?|time each week», {so} {lead}",
    RATIONALE,
    needs_topic=False,
)
frame(
    "result-status-quo-cost.v1",
    "price_of_inaction",
    {"benefit"},
    "Each month you leave {topic} as {it} {be} costs you «how much {be} {it} costing you a month today?|this much», "
    "and {lead}",
    "Turns the result into what the status quo costs each month, so doing nothing has a price.",
)
frame(
    "result-doing-nothing.v1",
    "price_of_inaction",
    {"benefit"},
    "Doing nothing has a price, «what does the current way cost you each quarter?|a steady cost», while {lead}",
    "Turns the result into what the status quo costs each month, so doing nothing has a price.",
    needs_topic=False,
)
frame(
    "price-against-standing-still.v1",
    "price_of_inaction",
    {"price"},
    "Set against «what {do} {topic} cost you each month today?|the current cost», {lead}",
    "Weighs the price against what standing still costs, not against zero.",
)
frame(
    "price-month-of-waiting.v1",
    "price_of_inaction",
    {"price"},
    "Set against «what does a month of the current way cost you?|the current cost», {lead}",
    "Weighs the price against what standing still costs, not against zero.",
    needs_topic=False,
)
frame(
    "launch-cost-of-waiting.v1",
    "price_of_inaction",
    {"announcement"},
    "Every week your team waits costs «what does the current way lose you each week?|something», which is why {lead}",
    "Puts a price on waiting, so the announcement reads as a reason to act now.",
    needs_topic=False,
)
frame(
    "launch-cost-of-topic.v1",
    "price_of_inaction",
    {"announcement"},
    "Handling {topic} the current way costs «how many hours a week?|time each week», which is why {lead}",
    "Puts a price on waiting, so the announcement reads as a reason to act now.",
)
