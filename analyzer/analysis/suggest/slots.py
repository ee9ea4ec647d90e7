"""What a rewrite needs from its sentence: the sentence as it will be pasted, and a result's measure.

A rewrite keeps the original whole (same subject, verb, object and numbers) and puts what the
writer must supply after it. From the parse it needs the sentence ready to follow a clause
(`lead`), the figures it already has and, for a result, what moved and from where ("detention
charges", "from 14 minutes"), so a question can put the old figure to work. spaCy's small
English parser reads the targets only, a few per document, in one batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from spacy.tokens import Doc, Token

from analyzer.analysis.suggest.kinds import BENEFIT, named_subject
from analyzer.analysis.suggest.lexicon import COMMON_CAPITALS, NOT_READER_TOPIC, PEOPLE, PRODUCT_NOUNS, VAGUE_NOUNS
from analyzer.analysis.suggest.parse import clean, parser
from analyzer.text.guarded import guarded

#: Longest topic, in words, that still reads as the subject of a clause.
MAX_TOPIC_WORDS = 4
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
    figures: tuple[str, ...]  # numbers the sentence already has
    measure: str | None = None  # what a result moved ("detention charges", "median pipeline time")
    measure_plural: bool = False
    before: str | None = None  # the status quo's own figure ("14 minutes" in "from 14 minutes to 6")
    product: str | None = None  # the name the draft mentions most ("Yardstack"), for "Without Yardstack, ..."
    argued: bool = False  # the draft already says how the reader works today, near it (see `argued`)
    team: bool = False  # the draft speaks to a team ("your team", "your staff"), not to one reader


def read_targets(
    sentences: Sequence[str],
    kinds: Sequence[str],
    names: frozenset[str] = frozenset(),
    capitals: frozenset[str] | None = None,
    product: str | None = None,
) -> list[Slots | None]:
    """The slots of each target sentence, parsed in one batch; None where it cannot be read.

    `names` are the draft's own names (see `kinds.product_names`); `capitals` the words it
    capitalizes inside a sentence (`kinds.capitalized_inside`): a sentence that starts with one
    keeps its capital after the clause put before it, any other first word is lowered. Without
    `capitals` the tagger's proper nouns keep theirs. `product` is the name the draft mentions
    most, which a recast sentence may name ("with Hireloop, they pick ...").
    """
    originals = [_original(s) for s in sentences]
    readable = [k for k, text in enumerate(originals) if _parseable(text)]
    docs = dict(zip(readable, parser().pipe([originals[k] for k in readable]), strict=True))
    return [
        _slots(docs[k], originals[k], kinds[k], names, capitals, product) if k in docs else None
        for k in range(len(originals))
    ]


def _parseable(text: str) -> bool:
    """Short enough for the parser: spaCy's tokenizer is quadratic in the length of a run of non-space."""
    return len(text) <= _MAX_CHARS and not _LONG_RUN.search(text)


def _original(sentence: str) -> str:
    text = clean(sentence)
    text = _TRAILING.sub("", text)
    if not text.endswith((".", "!", "?")):
        text += "."
    return text


def _slots(
    doc: Doc,
    text: str,
    kind: str,
    names: frozenset[str],
    capitals: frozenset[str] | None,
    product: str | None,
) -> Slots | None:
    sents = list(doc.sents)
    if len(text.split()) < 4 or text.endswith("?") or not sents:
        return None
    if len(sents) != 1 or not _clause(sents[0].root):
        return None  # a fragment, an imperative or two sentences: a clause before it would not read
    root = sents[0].root
    lead = _lead(doc, text, names, capitals)
    measure = _measure(root, names) if kind == BENEFIT else None
    before = _BEFORE.search(text) if kind == BENEFIT and measure is not None else None
    if before is not None and not _from_the_root(doc, before.start("before"), root):
        before = None  # "wrote off €38,000, down from €410,000": not the figure of what the result measures
    return Slots(
        kind=kind,
        original=text,
        lead=lead,
        figures=tuple(t.text for t in doc if t.like_num and any(ch.isdigit() for ch in t.text)),
        measure=measure[0] if measure else None,
        measure_plural=measure[1] if measure else False,
        before=before.group("before").rstrip(".,") if before else None,
        product=product,
    )


#: "from 14 minutes to 6 minutes", "down from 10 minutes", "from €410,000": the status quo's own figure.
_BEFORE = guarded(
    r"\b(?:down |up )?from (?P<before>(?:[$\u00a3\u20ac]?\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s(?:hours?|minutes?|days?|weeks?|months?|seconds?|ms|%|per ?cent)(?: \d+ minutes)?)?)"
)
#: Verbs whose subject is what a result moved: "median pipeline time fell from 14 minutes to 6".
_MOVED: Final = frozenset({"fall", "drop", "rise", "grow", "shrink", "go", "come", "decline", "improve", "climb"})


def _measure(root: Token, names: frozenset[str]) -> tuple[str, bool] | None:
    """What a result sentence says moved: the subject of "fell", the object of "cut", or "on shipping".

    "collected client documents 9 days faster": what moved is the time it takes, not the documents.
    """
    if any(c.lower_ in _SPEED for c in root.subtree if c.dep_ in {"advmod", "acomp", "npadvmod", "amod"}):
        obj = next((c for c in root.children if c.dep_ == "dobj"), None)
        if obj is None or obj.pos_ != "NOUN" or any(t.like_num or t.text in names for t in obj.subtree):
            return None
        words = "".join(t.text_with_ws for t in obj.subtree).strip()
        if len(words.split()) > _MAX_MEASURE_WORDS or any(ch.isupper() for ch in words):
            return None
        return (f"the time it takes to {root.lemma_.lower()} {words}", False)
    if root.lemma_.lower() in _MOVED:
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.pos_ != "NOUN":
            return None
        kept = [
            t
            for t in subject.subtree
            if not (t.dep_ == "det" and t.i == subject.left_edge.i) and not t.like_num and t.lower_ not in _VENDOR
        ]
        if len(kept) != len(list(subject.subtree)) - (subject.left_edge.dep_ == "det") or len(kept) > 7:
            kept = [
                t for t in subject.subtree if (t.i <= subject.i and t.dep_ in {"compound", "amod"}) or t.i == subject.i
            ]
        text = _joined(kept)
        if not text or any(n in text for n in names) or any(ch.isupper() for ch in text[1:]):
            return None
        return (text[:1].lower() + text[1:], subject.tag_ == "NNS")
    heads = [c for c in root.children if c.dep_ == "dobj"]
    heads += [g for c in root.children if c.dep_ == "prep" and c.lower_ == "on" for g in c.children if g.dep_ == "pobj"]
    for head in heads:
        lemma = head.lemma_.lower() if head.lemma_ else head.lower_
        compound = any(c.dep_ == "compound" for c in head.children)  # "first response time" is a measure
        if head.pos_ != "NOUN" or ({lemma, head.lower_} & (_NOT_TOPIC | PEOPLE) and not compound):
            continue
        found = _noun_words(head)
        if found is not None and found[0] not in _NOT_TOPIC:  # "time", once its modifiers are gone
            return found
    return None


_VENDOR = frozenset({"our", "we", "us", "own"})
_SPEED = frozenset({"faster", "quicker", "sooner"})
_MAX_MEASURE_WORDS = 5
_DETERMINERS = frozenset({"the", "a", "an", "our", "your", "its", "their", "this", "these", "every", "each"})


def _joined(tokens: list[Token]) -> str:
    """Tokens as the text had them: "mix-ups found in audits", not "mix - ups found in audits"."""
    out = ""
    for k, token in enumerate(tokens):
        out += token.text
        if k + 1 < len(tokens):
            out += token.whitespace_ if tokens[k + 1].i == token.i + 1 else " "
    return out.strip()


def _from_the_root(doc: Doc, offset: int, root: Token) -> bool:
    """Is the "from" before the figure at `offset` attached to the sentence's main verb?"""
    figure = next((t for t in doc if t.idx == offset), None)
    preposition = next((t for t in reversed(doc[: figure.i]) if t.lower_ == "from"), None) if figure else None
    return preposition is not None and preposition.head.i == root.i


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


def _lead(doc: Doc, text: str, names: frozenset[str], capitals: frozenset[str] | None = None) -> str:
    """The sentence lowered at its first letter, unless that word is a name, an acronym or "I"."""
    first = doc[0]
    if first.text == "I" or any(ch.isupper() or ch.isdigit() for ch in first.text[1:]):
        return text  # "I", "iOS", "EG-400"
    if capitals is not None:
        # The draft itself says which words are names: those it capitalizes inside a sentence.
        following = doc[1] if len(doc) > 1 else None
        before_name = (
            following is not None
            and (following.text[:1].isupper() or following.like_num)
            and first.lower_ not in COMMON_CAPITALS | _DETERMINERS
        )
        # "Closewise matches ...": a singular name doing something; "Client portals send" is a plural noun.
        verb = next((t for t in doc[1:4] if t.pos_ != "ADV"), None)  # "Closewise now matches"
        acting = first.tag_ == "NNP" and verb is not None and verb.tag_ in {"VBZ", "VBD"}
        keep = first.text in names or first.text in capitals or before_name or acting  # "Kiln CI", "Yardstack 2"
        return text if keep or not text[:1].isalpha() else text[:1].lower() + text[1:]
    # A name is followed by a verb, a number or another capitalized word; "Dock doors" and
    # "National regulators" start with a common word, whatever the small tagger says.
    following = doc[1] if len(doc) > 1 else None
    modifies = following is not None and following.pos_ == "NOUN" and following.text.islower()
    named = first.text in names or first.pos_ == "PROPN" or named_subject(text)
    keep = named and not modifies and first.lower_ not in COMMON_CAPITALS
    return text if keep or not text[:1].isalpha() else text[:1].lower() + text[1:]


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
    start = min((m.i for m in modifiers), default=head.i)
    if any(t.is_punct for t in head.doc[start : head.i]):
        # "non-revenue water", "column-level lineage": a hyphenated modifier the parse cut apart
        # is kept whole, or the noun would lose what it is ("water").
        span = head.doc[start : head.i + 1]
        if all(t.is_alpha or t.text == "-" for t in span) and len(span.text.split()) <= MAX_TOPIC_WORDS:
            return (span.text.lower(), head.tag_ in {"NNS", "NNPS"})
        kept = []
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
