"""What a rewrite needs from its sentence: the sentence as it will be pasted, its topic and its reader.

A rewrite keeps the original whole (same subject, verb, object and numbers) and puts the
reader's situation before it. From the parse it needs only three things: the sentence ready to
follow a clause (`lead`), the thing in the reader's world it is about (`topic`: "dock doors",
"detention charges", never the product's name) and who does the work (`people`: "drivers",
"front-desk staff"). spaCy's small English parser reads the targets only, a few per document,
in one batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from analyzer.analysis.suggest.lexicon import PEOPLE, PRODUCT_NOUNS, VAGUE_NOUNS
from analyzer.analysis.suggest.parse import clean, parser
from analyzer.analysis.suggest.phrases import MAX_TOPIC_WORDS, noun_phrase

#: Pipes the slots never read: entity types come from the tagger's PROPN, lemmas from the tagger.
_DISABLED = ("ner", "lemmatizer")
#: Placeholders are the writer's to fill: a sentence's own brackets become parentheses.
_TRAILING = re.compile(r"[\s:;,\u2014\u2013-]+$")
#: Nouns that name the offering or a vague thing: a rewrite about the reader's world needs neither.
_NOT_TOPIC = PRODUCT_NOUNS | VAGUE_NOUNS | frozenset(
    """update release version feature features plan plans price pricing cost charge tool tools software
    platform system app product way ability option support access time""".split()
)


@dataclass(frozen=True, slots=True)
class Slots:
    """One target sentence, read for the rewrite moves."""

    kind: str  # the editor's kind: announcement, feature, benefit, price or claim
    original: str  # the sentence without bullet, dateline or Markdown, as the writer will paste it
    lead: str  # `original` ready to follow a clause: first letter lowered unless it starts a name
    topic: str | None  # what in the reader's world the sentence is about ("dock doors")
    plural: bool  # `topic` takes a plural verb
    people: str | None  # who does the work in the sentence ("drivers"), when it says
    figures: tuple[str, ...]  # numbers the sentence already has


def read_slots(sentences: Sequence[str], kinds: Sequence[str]) -> list[Slots | None]:
    """The slots of each target sentence, parsed in one batch; None when it cannot be read."""
    originals = [_original(s) for s in sentences]
    docs = parser().pipe(originals, disable=list(_DISABLED))
    return [_slots(doc, text, kind) for doc, text, kind in zip(docs, originals, kinds, strict=True)]


def _original(sentence: str) -> str:
    text = clean(sentence)
    text = _TRAILING.sub("", text)
    if not text.endswith((".", "!", "?")):
        text += "."
    return text


def _slots(doc: Doc, text: str, kind: str) -> Slots | None:
    sents = list(doc.sents)
    if len(text.split()) < 4 or text.endswith("?") or not sents:
        return None
    root = max(sents, key=len).root
    topic = _topic(root)
    return Slots(
        kind=kind,
        original=text,
        lead=_lead(doc, text),
        topic=topic[0] if topic else None,
        plural=topic[1] if topic else False,
        people=_people(root),
        figures=tuple(t.text for t in doc if t.like_num and any(ch.isdigit() for ch in t.text)),
    )


def _lead(doc: Doc, text: str) -> str:
    """The sentence lowered at its first letter, unless that word is a name, an acronym or "I"."""
    first = doc[0]
    keep = first.pos_ == "PROPN" or first.text == "I" or any(ch.isupper() for ch in first.text[1:])
    if not keep and len(doc) > 1 and doc[1].pos_ == "PROPN" and first.text[:1].isupper() and first.pos_ != "DET":
        keep = True  # "Kiln CI 4.12": a name of several words
    return text if keep or not text[:1].isalpha() else text[:1].lower() + text[1:]


def _topic(root: Token) -> tuple[str, bool] | None:
    """The first reader-world noun phrase among the object, passive subject, subject and prepositions' objects."""
    heads: list[Token] = []
    for dep in ("dobj", "nsubjpass", "nsubj", "attr"):
        heads += [c for c in root.children if c.dep_ == dep]
    heads += [g for c in root.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    heads += [g for c in root.children if c.dep_ == "conj" for g in c.children if g.dep_ == "dobj"]
    for head in heads:
        if head.pos_ != "NOUN" or head.lemma_.lower() in _NOT_TOPIC or head.lower_ in _NOT_TOPIC:
            continue
        if head.lemma_.lower() in PEOPLE or head.lower_ in PEOPLE:
            continue
        if any(t.pos_ == "PROPN" or t.like_num for t in head.subtree if t.i <= head.i):
            continue  # "Yardstack's map", "40 integrations": the vendor's story, not the reader's world
        phrase = noun_phrase(head, max_words=MAX_TOPIC_WORDS, count=False)
        if phrase is None:
            continue
        words = [w for w in phrase.text.split() if w.lower() not in {"the", "a", "an", "any", "every", "each"}]
        if not words or any(not w[:1].isalpha() for w in words):
            continue
        text = " ".join(words)
        plural = phrase.plural or head.tag_ == "NNS"
        return (text if not _is_name(text) else text, plural)
    return None


def _is_name(text: str) -> bool:
    return text[:1].isupper() and not text.isupper()


def _people(root: Token) -> str | None:
    """The sentence's subject when it names people who do the work ("Drivers check in ...")."""
    subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.pos_ != "NOUN":
        return None
    if subject.lemma_.lower() not in PEOPLE and subject.lower_ not in PEOPLE:
        return None
    words = [t.text for t in subject.subtree if t.dep_ in {"compound", "amod"} or t is subject]
    text = " ".join(words)
    return text[:1].lower() + text[1:] if not text[1:2].isupper() else text
