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

from analyzer.analysis.suggest.kinds import named_subject
from analyzer.analysis.suggest.lexicon import COMMON_CAPITALS, NOT_READER_TOPIC, PEOPLE, PRODUCT_NOUNS, VAGUE_NOUNS
from analyzer.analysis.suggest.parse import clean, parser

#: Longest topic, in words, that still reads as the subject of a clause.
MAX_TOPIC_WORDS = 4
#: Pipes the slots never read: entity types come from the tagger's PROPN, lemmas from the tagger.
_DISABLED = ("ner", "lemmatizer")
#: Placeholders are the writer's to fill: a sentence's own brackets become parentheses.
_MAX_CHARS = 600
_LONG_RUN = re.compile(r"\S{65}")
_TRAILING = re.compile(r"[\s:;,\u2014\u2013-]+$")
#: Nouns that name the offering or a vague thing: a rewrite about the reader's world needs neither.
_NOT_TOPIC = PRODUCT_NOUNS | VAGUE_NOUNS | NOT_READER_TOPIC


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


def read_slots(
    sentences: Sequence[str], kinds: Sequence[str], names: frozenset[str] = frozenset()
) -> list[Slots | None]:
    """The slots of each target sentence, parsed in one batch; None when it cannot be read.

    `names` are the draft's own names (see `kinds.product_names`): a sentence that starts with
    one keeps its capital after the clause put before it.
    """
    originals = [_original(s) for s in sentences]
    readable = [k for k, text in enumerate(originals) if _parseable(text)]
    docs = dict(zip(readable, parser().pipe([originals[k] for k in readable], disable=list(_DISABLED)), strict=True))
    return [_slots(docs[k], originals[k], kinds[k], names) if k in docs else None for k in range(len(originals))]


def _parseable(text: str) -> bool:
    """Short enough for the parser: spaCy's tokenizer is quadratic in the length of a run of non-space."""
    return len(text) <= _MAX_CHARS and not _LONG_RUN.search(text)


def _original(sentence: str) -> str:
    text = clean(sentence)
    text = _TRAILING.sub("", text)
    if not text.endswith((".", "!", "?")):
        text += "."
    return text


def _slots(doc: Doc, text: str, kind: str, names: frozenset[str]) -> Slots | None:
    sents = list(doc.sents)
    if len(text.split()) < 4 or text.endswith("?") or not sents:
        return None
    if len(sents) != 1 or not _clause(sents[0].root):
        return None  # a fragment, an imperative or two sentences: a clause before it would not read
    root = sents[0].root
    topic = _topic(root, names)
    return Slots(
        kind=kind,
        original=text,
        lead=_lead(doc, text, names),
        topic=topic[0] if topic else None,
        plural=topic[1] if topic else False,
        people=_people(root),
        figures=tuple(t.text for t in doc if t.like_num and any(ch.isdigit() for ch in t.text)),
    )


def _clause(root: Token) -> bool:
    """A full clause: a verb (or a copula) at the root, with its own subject.

    The small parser roots some sentences at a noun ("Closewise matches bank, card and ..."
    parsed as a compound); a finite verb elsewhere then still makes it a sentence.
    """
    if root.pos_ not in {"VERB", "AUX"}:
        return any(t.tag_ in {"VBZ", "VBP", "VBD", "MD"} for t in root.sent)
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"}]
    if len(subjects) != 1:
        return False  # none, or "Everything a clinic manager needs": a relative clause, not a sentence
    # "Everything a clinic manager needs ...": an object before its subject is a relative clause.
    return not any(c.dep_ == "dobj" and c.i < subjects[0].i for c in root.children)


def _lead(doc: Doc, text: str, names: frozenset[str]) -> str:
    """The sentence lowered at its first letter, unless that word is a name, an acronym or "I"."""
    first = doc[0]
    if first.text == "I" or any(ch.isupper() or ch.isdigit() for ch in first.text[1:]):
        return text  # "I", "iOS", "EG-400"
    # A name is followed by a verb, a number or another capitalized word; "Dock doors" and
    # "National regulators" start with a common word, whatever the small tagger says.
    following = doc[1] if len(doc) > 1 else None
    modifies = following is not None and following.pos_ == "NOUN" and following.text.islower()
    named = first.text in names or first.pos_ == "PROPN" or named_subject(text)
    keep = named and not modifies and first.lower_ not in COMMON_CAPITALS
    return text if keep or not text[:1].isalpha() else text[:1].lower() + text[1:]


def _topic(root: Token, names: frozenset[str]) -> tuple[str, bool] | None:
    """The first reader-world noun: the object, the passive subject, the subject, a few prepositions' objects."""
    heads: list[Token] = []
    for dep in ("dobj", "nsubjpass", "nsubj", "attr"):
        heads += [c for c in root.children if c.dep_ == dep]
    heads += [
        g
        for c in root.children
        if c.dep_ == "prep" and c.i > root.i and c.lower_ in _TOPIC_PREPOSITIONS
        for g in c.children
        if g.dep_ == "pobj"
    ]
    heads += [g for c in root.children if c.dep_ == "conj" for g in c.children if g.dep_ == "dobj"]
    for head in heads:
        lemma = head.lemma_.lower() if head.lemma_ else head.lower_
        if head.pos_ != "NOUN" or {lemma, head.lower_} & (_NOT_TOPIC | PEOPLE):
            continue
        if head.text in names or (head.text[:1].isupper() and head.i > 0):
            continue  # the product's own name, tagged a noun
        if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children) or head.head.dep_ == "neg":
            continue  # "needs no new sensors": what the reader will not have to handle
        found = _noun_words(head)
        if found is not None:
            return found
    return None


#: Prepositions whose object can be the topic ("saved 14% on shipping"); "from their phones" cannot.
_TOPIC_PREPOSITIONS = frozenset({"on", "for", "across", "between", "about", "into", "of"})
_PLURAL_DETERMINERS = frozenset({"every", "each", "any", "all"})


def _noun_words(head: Token) -> tuple[str, bool] | None:
    """The head noun with its compounds and plain adjectives, fitted to the middle of a rewrite.

    No numbers, comparatives or names ("31% fewer no-shows" -> "no-shows"); "every trailer"
    becomes "trailers"; a singular noun keeps "the".
    """
    modifiers = [c for c in head.children if c.dep_ in {"compound", "amod"} and c.i < head.i]
    if any(m.pos_ == "PROPN" for m in modifiers):
        return None  # "Yardstack's map", "Google Calendar": the vendor's world, not the reader's
    kept = [m for m in modifiers if m.tag_ not in {"JJR", "JJS"} and not m.like_num and m.lower_ not in {"new", "more"}]
    kept = [m for m in kept if not any(c.like_num for c in m.subtree)]
    if kept and kept[0].i != min(m.i for m in modifiers) and len(kept) != len(modifiers):
        kept = [m for m in kept if m.i > max(x.i for x in modifiers if x not in kept)]
    if any(t.is_punct for t in head.doc[min((m.i for m in modifiers), default=head.i) : head.i]):
        kept = []  # "column-level lineage": a hyphenated modifier the parse cut apart
    doc = head.doc
    noun = head.text
    if head.i >= 2 and doc[head.i - 1].text == "-" and not doc[head.i - 1].whitespace_:
        noun = f"{doc[head.i - 2].text}-{noun}"  # "no-shows", split by the tokenizer
        kept = [m for m in kept if m.i < head.i - 2]
    words = [t.text for t in sorted(kept, key=lambda t: t.i)] + [noun]
    determiner = next((c for c in head.children if c.dep_ in {"det", "poss"}), None)
    plural = head.tag_ in {"NNS", "NNPS"}
    if determiner is not None and determiner.lower_ in _PLURAL_DETERMINERS and not plural:
        words[-1] = _plural(head.text)
        plural = True
    text = " ".join(words)
    if not plural and determiner is not None and determiner.lower_ in {"the", "our", "its", "your", "their", "this"}:
        text = f"the {text}"
    if len(text.split()) > MAX_TOPIC_WORDS or not text[:1].isalpha() or any(ch.isupper() for ch in text[1:]):
        return None
    return (text[:1].lower() + text[1:], plural)


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in set("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


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
