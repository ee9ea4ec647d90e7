"""Moves toward the price of inaction: what standing still costs the reader."""

from __future__ import annotations

from analyzer.analysis.suggest.grammar import cap
from analyzer.analysis.suggest.reading import only_topic
from analyzer.analysis.suggest.registry import rewriters
from analyzer.analysis.suggest.sentence import ParsedSentence
from analyzer.analysis.suggest.targets import (
    AT_RISK,
    HIDDEN_COST,
    HOURS,
    LOST_CUSTOMERS,
    STAFF_HOURS,
    WORKAROUND,
    Rewrite,
    make_rewrite,
)


@rewriters.register("feature-to-price-of-inaction.v1")
def feature_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """'X offers Y' -> what the reader's week looks like without Y."""
    if sentence.capability is not None:
        opening = f"Without {sentence.capability.text}"
    elif sentence.benefit is not None:
        opening = f"Without a way to {sentence.benefit.base}"
    else:
        return None
    return make_rewrite(
        "feature-to-price-of-inaction.v1",
        "price_of_inaction",
        f"{cap(opening)}, your team keeps {WORKAROUND} going, losing {HOURS} that should go to work "
        "your customers notice.",
        "Shows what the reader's week costs without the capability, so the feature answers a loss "
        "instead of listing a spec.",
    )


@rewriters.register("benefit-to-cost-of-delay.v1")
def benefit_to_cost_of_delay(sentence: ParsedSentence) -> Rewrite | None:
    """'X helps you do Y' -> every month without Y has a price."""
    if sentence.benefit is None:
        return None
    return make_rewrite(
        "benefit-to-cost-of-delay.v1",
        "price_of_inaction",
        f"{cap(sentence.benefit.gerund)} is not a nice-to-have: every month your team waits costs you "
        f"{HOURS} and {LOST_CUSTOMERS}.",
        "Turns the benefit into a running cost of waiting, which gives the reader a reason to act now.",
    )


@rewriters.register("price-to-price-of-inaction.v1")
def price_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """'Pricing starts at $49' -> the price set against what standing still costs."""
    if sentence.price is None:
        return None
    price = sentence.price if sentence.priced is None else f"{sentence.price} for {sentence.priced.text}"
    return make_rewrite(
        "price-to-price-of-inaction.v1",
        "price_of_inaction",
        f"Compare {price} with what standing still costs: {HOURS} of your team's time, every week, and {HIDDEN_COST}.",
        "Makes doing nothing the expensive option, so the price is weighed against the cost of the "
        "status quo rather than against zero.",
    )


@rewriters.register("topic-to-price-of-inaction.v1")
def topic_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """A sentence about X -> what ignoring X costs the reader."""
    topic = sentence.topic
    if topic is None or not only_topic(sentence):
        return None
    return make_rewrite(
        "topic-to-price-of-inaction.v1",
        "price_of_inaction",
        f"Ignoring {topic.text} costs your team {STAFF_HOURS} and {AT_RISK} for every quarter you wait.",
        "Names what the reader pays for leaving the subject alone, which turns information into a reason to act.",
    )
