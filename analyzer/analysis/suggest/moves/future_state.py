"""Moves toward the future state: where the reader must get to by when, and the first step."""

from __future__ import annotations

from analyzer.analysis.suggest.grammar import cap
from analyzer.analysis.suggest.reading import only_topic
from analyzer.analysis.suggest.registry import rewriters
from analyzer.analysis.suggest.sentence import ParsedSentence
from analyzer.analysis.suggest.targets import FIRST_STEP, OUTCOME, READY, YEAR, Rewrite, make_rewrite


@rewriters.register("capability-to-future-state.v1")
def capability_to_future_state(sentence: ParsedSentence) -> Rewrite | None:
    """'X includes Y' -> by [year] the reader needs Y; here is the first step."""
    if sentence.capability is None:
        return None
    return make_rewrite(
        "capability-to-future-state.v1",
        "future_state",
        f"By {YEAR}, your team will need {sentence.capability.text} just to keep pace; the first step is {FIRST_STEP}.",
        "Describes where the reader has to be and how to start, so the capability becomes part of their "
        "plan rather than a spec.",
    )


@rewriters.register("benefit-to-future-state.v1")
def benefit_to_future_state(sentence: ParsedSentence) -> Rewrite | None:
    """'X helps you do Y' -> teams that do Y set the pace; start here."""
    if sentence.benefit is None:
        return None
    return make_rewrite(
        "benefit-to-future-state.v1",
        "future_state",
        f"Teams that {sentence.benefit.third_person_base} will set the pace by {YEAR}; for yours, the first "
        f"step is {FIRST_STEP}.",
        "Paints the state the reader must reach and the first move toward it, with the benefit as the "
        "standard to meet.",
    )


@rewriters.register("topic-to-future-state.v1")
def topic_to_future_state(sentence: ParsedSentence) -> Rewrite | None:
    """A sentence about X -> X will look different by [year]; the state to reach and how to start."""
    topic = sentence.topic
    if topic is None or not only_topic(sentence):
        return None
    return make_rewrite(
        "topic-to-future-state.v1",
        "future_state",
        f"{cap(topic.text)} will look different by {YEAR}; to be ready, your team must get to {READY}, "
        f"starting with {FIRST_STEP}.",
        "Gives the reader a destination and a first step, so the subject becomes a plan instead of news.",
    )


@rewriters.register("cta-to-first-step.v1")
def cta_to_first_step(sentence: ParsedSentence) -> Rewrite | None:
    """'Join us at booth 412' -> the visit as a first step toward where the reader must be."""
    if sentence.action is None:
        return None
    return make_rewrite(
        "cta-to-first-step.v1",
        "future_state",
        f"{cap(sentence.action.gerund)} is a first step toward where your team has to be by {YEAR}: {OUTCOME}.",
        "Gives the call to action a destination, so the reader acts to reach a state rather than to attend an event.",
    )
