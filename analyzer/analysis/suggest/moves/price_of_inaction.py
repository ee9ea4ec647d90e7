"""The price of inaction: what doing nothing costs the reader per week, month or quarter."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}
RATIONALE = "Puts a running cost on the reader's situation without it, so the feature answers a loss."

# The reader's world from the library (`stakes`), in front of the writer's sentence, joined the
# way editors join it: tried first, because it is the only kind of rewrite the independent editors
# would paste; the frames below are what a sentence no stake fits still gets.
STAKE_KINDS = {"feature", "claim", "announcement"}  # a price line or a result figure is no capability
frame(
    "stake-cost-so.v1",
    "price_of_inaction",
    STAKE_KINDS,
    "{stake_cost}, {so_which} {lead}",
    "Opens with what the status quo costs in the reader's world, then the writer's sentence as the answer.",
)
frame(
    "stake-cost-which-is-why.v1",
    "price_of_inaction",
    STAKE_KINDS,
    "{stake_cost}, which is why {lead}",
    "Opens with what the status quo costs in the reader's world, then the writer's sentence as the answer.",
)


# The writer's sentence first, untouched, and the reader's situation after it in a sentence of
# its own: tried before the frames that put a clause in front, so most alternatives read as the
# writer's sentence followed by why it matters rather than as a preamble bolted onto it.
AFTER = "Keeps the writer's sentence as it is and adds, in a sentence of its own, the reader's situation without it."
# "{original} Every week that {now} costs you [how many hours a week does that take?]." is retired:
# every one the independent editors judged was clumsy (two rounds: "every week that ... costs you
# [hours a week]" says the week twice and prices in hours what may cost money).
frame(
    "feature-week-without-after.v1",
    "price_of_inaction",
    FEATURE,
    "{original} Every week without it costs your team «how many hours, or how much money?|time and money».",
    AFTER,
)
frame(
    "feature-week-without-it-after.v1",
    "price_of_inaction",
    FEATURE,
    "{original} Doing without it costs your team «how many hours a week?|time each week».",
    AFTER,
)
frame(
    "result-still-at-the-old-figure-after.v1",
    "price_of_inaction",
    {"benefit"},
    "{original} For a team still at {before}, {measure} cost{m_s} «how much each month?|time every month».",
    AFTER,
)
frame(
    "result-quarter-without-after.v1",
    "price_of_inaction",
    {"benefit"},
    "{original} Every quarter you wait, {measure} cost{m_s} you «how much did {m_it} cost you last "
    "quarter?|money each quarter».",
    AFTER,
)
frame(
    "result-doing-nothing-after.v1",
    "price_of_inaction",
    {"benefit"},
    "{original} Doing nothing costs «what does the current way cost your reader each quarter?|money every quarter».",
    AFTER,
)
frame(
    "price-standing-still-after.v1",
    "price_of_inaction",
    {"price"},
    "{original} Standing still has a price too: «what does a month of the current way cost your reader?|a monthly "
    "cost».",
    "Keeps the price as it is and sets it, after it, against what standing still costs.",
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
    "capability-week-of-situation.v1",
    "price_of_inaction",
    FEATURE,
    "Every week that {now} costs you «how many hours a week does that take?|time each week», {so} {body}",
    RATIONALE,
)
frame(
    "capability-pay-for-situation.v1",
    "price_of_inaction",
    FEATURE,
    "As long as {now}, you pay for it in «what does that cost you each month?|hours and money»; {body}",
    RATIONALE,
)
frame(
    "capability-one-bad-week.v1",
    "price_of_inaction",
    FEATURE,
    "When {now}, one bad week costs «what did the last one cost you?|more than it should», {so} {body}",
    RATIONALE,
)
frame(
    "feature-cost-of-one-miss.v2",
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
)
# A result: what the status quo costs, with the sentence's own "before" figure where it has one.
frame(
    "result-cost-at-the-old-figure.v1",
    "price_of_inaction",
    {"benefit"},
    "At {before}, {measure} cost{m_s} your team «what does that add up to each month?|time every month», while {lead}",
    "Puts a price on the status quo's own figure, so doing nothing has a cost the reader can check.",
)
frame(
    "result-status-quo-cost.v2",
    "price_of_inaction",
    {"benefit"},
    "{measure} left as {m_it} {m_be} cost{m_s} you «how much did {m_it} cost you last quarter?|money each quarter», "
    "while {lead}",
    "Turns the result into what the status quo costs each quarter, so doing nothing has a price.",
)
frame(
    "result-doing-nothing.v1",
    "price_of_inaction",
    {"benefit"},
    "Doing nothing has a price, «what does the current way cost you each quarter?|a steady cost», while {lead}",
    "Turns the result into what the status quo costs each month, so doing nothing has a price.",
)
# A price: set against what standing still costs, not against zero.
frame(
    "price-against-standing-still.v2",
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
)
frame(
    "launch-cost-of-situation.v1",
    "price_of_inaction",
    {"announcement"},
    "For as long as {now}, your team pays «how much does that cost each month?|a monthly cost», which is why {lead}",
    "Puts a price on waiting, so the announcement reads as a reason to act now.",
)
frame(
    "launch-cost-of-waiting.v1",
    "price_of_inaction",
    {"announcement"},
    "Every week your team waits costs «what does the current way lose you each week?|something», which is why {lead}",
    "Puts a price on waiting, so the announcement reads as a reason to act now.",
)
