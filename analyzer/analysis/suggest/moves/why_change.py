"""Moves toward why change: what has shifted in the reader's world, so the current way no longer holds."""

from __future__ import annotations

from analyzer.analysis.suggest.grammar import cap
from analyzer.analysis.suggest.reading import any_topic, only_topic
from analyzer.analysis.suggest.registry import rewriters
from analyzer.analysis.suggest.sentence import ParsedSentence
from analyzer.analysis.suggest.targets import RECENT_CHANGE, SHIFT, YEARS_AGO, Rewrite, make_rewrite


@rewriters.register("topic-to-why-change.v1")
def topic_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """A sentence about X -> X in the reader's world is not what it was."""
    topic = sentence.topic
    if topic is None or not only_topic(sentence):
        return None
    was = "they were" if topic.plural else "it was"
    return make_rewrite(
        "topic-to-why-change.v1",
        "why_change",
        f"{cap(topic.text)} {topic.be} not what {was} {YEARS_AGO}: {SHIFT} means the way your team "
        f"handles {topic.pronoun} today no longer keeps up.",
        "Puts the shift in the reader's world first, so the current way of working is what needs defending.",
    )


@rewriters.register("news-to-why-change.v1")
def news_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """Company news (a hire, a grant, an office) -> the shift in the reader's world behind it.

    The last resort for statements whose subject is a person or a name: it takes the first
    plain noun phrase anywhere in the sentence ("a community garden", "risk management").
    """
    if sentence.topic is not None or not only_topic(sentence) or sentence.doc is None:
        return None
    topic = any_topic(sentence.doc)
    if topic is None:
        return None
    if topic.plural:
        text = (
            f"Across your industry, {topic.text} are changing: {SHIFT} means what worked {YEARS_AGO} "
            "no longer does, and every quarter of catching up costs more."
        )
    else:
        text = (
            f"For your team, the news is what changed around {topic.text}: {SHIFT} means the way you "
            f"handle it today will not hold for long."
        )
    return make_rewrite(
        "news-to-why-change.v1",
        "why_change",
        text,
        "Turns an announcement into the shift it answers, so the reader asks what it means for them.",
    )


@rewriters.register("capability-to-why-change.v1")
def capability_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """'Introducing X' -> X matters because the reader's world moved."""
    capability = sentence.capability
    if capability is None:
        return None
    if sentence.launch:
        matters = "they matter" if capability.plural else "it matters"
        text = (
            f"{cap(capability.text)} {capability.be} new, but the reason {matters} is not: {RECENT_CHANGE} "
            "has left the way your team works today behind."
        )
    else:
        verb = "matter" if capability.plural else "matters"
        text = (
            f"{cap(capability.text)} {verb} now because {RECENT_CHANGE} has left the way your team works today behind."
        )
    return make_rewrite(
        "capability-to-why-change.v1",
        "why_change",
        text,
        "Ties the capability to a change in the reader's market, so it answers 'why now' instead of 'what's new'.",
    )


@rewriters.register("old-way-to-why-change.v1")
def old_way_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """'Unlike legacy tools, X ...' -> the legacy tools made sense once; now they cost more."""
    old = sentence.old_way
    if old is None:
        return None
    cost, save = ("cost", "save") if old.plural else ("costs", "saves")
    they = "they" if old.plural else "it"
    return make_rewrite(
        "old-way-to-why-change.v1",
        "why_change",
        f"{cap(old.text)} made sense {YEARS_AGO}; since {SHIFT}, {they} {cost} your team more than {they} {save}.",
        "Argues against the reader's current way of working before the product enters, which is what a "
        "case for change does.",
    )


@rewriters.register("question-to-why-change.v1")
def question_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """A question -> the answer has changed, because the reader's world has."""
    if sentence.kind != "question":
        return None
    if sentence.situation is not None:
        text = (
            f"If {sentence.situation}, the ground has shifted: {SHIFT} means the way you handle it today "
            "will not hold for long."
        )
    elif sentence.topic is not None:
        text = (
            f"The question of {sentence.topic.text} has a new answer: {SHIFT} means the way your team "
            f"handles {sentence.topic.pronoun} today no longer works."
        )
    else:
        return None
    return make_rewrite(
        "question-to-why-change.v1",
        "why_change",
        text,
        "Turns an open question into a pressing one by naming what changed for the reader.",
    )


@rewriters.register("benefit-to-why-change.v1")
def benefit_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """'X lets you do Y' -> doing Y used to be optional; the shift made it the bar."""
    if sentence.benefit is None:
        return None
    return make_rewrite(
        "benefit-to-why-change.v1",
        "why_change",
        f"{cap(sentence.benefit.gerund)} used to be optional; since {SHIFT}, teams that still cannot are "
        "falling behind.",
        "Recasts the benefit as a new standard set by a change in the market, so standing still means losing ground.",
    )
