"""Noun phrases rebuilt from the parse's tokens, fitted to the middle of a rewrite."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from analyzer.analysis.suggest.grammar import QUOTES, a_or_an
from analyzer.analysis.suggest.lexicon import DEFINITE, DISTRIBUTIVE, FOREIGN_PRONOUNS, QUANTIFIERS


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase from the sentence, cased for the middle of a sentence."""

    text: str
    plural: bool


# Longest capability or topic phrase (in words) a template takes before it reads as a list.
MAX_NOUN_WORDS = 10
MAX_TOPIC_WORDS = 5
MAX_VERB_WORDS = 12

_DROP_ALWAYS = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})


def child_of(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def noun_phrase(
    head: Token, max_words: int = MAX_NOUN_WORDS, keep_determiner: bool = False, count: bool = True
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
        if count_words(tokens) <= max_words:
            break
        dropped.update(c.i for c in extra)
        tokens = _collect(head, dropped)
    if not tokens or not _contiguous(tokens):
        return None
    tokens = _strip_parentheses(tokens)
    if not tokens or count_words(tokens) > max_words:
        return None
    plural = head.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" and c.i not in dropped for c in head.children)
    words = [_sentence_initial(t, t.text) if t.i == t.sent.start else t.text for t in tokens]
    # The determiner: the rewrite no longer speaks for the vendor ("our", "its", "Acme's").
    article = ""
    first = tokens[0]
    # "a win or a gripe" and "a few numbers" keep their "a"; "no surprises" cannot follow "without".
    listing = (head.tag_ in {"NN", "NNP"} and plural) or head.tag_ in {"NNS", "NNPS"}
    if first.lower_ in DISTRIBUTIVE and not keep_determiner:
        return None
    if not keep_determiner and listing and first.lower_ in {"a", "an", "the"} and first.dep_ != "poss":
        pass
    elif not keep_determiner and first.dep_ in {"det", "amod"} and first.lower_ in QUANTIFIERS and plural:
        tokens, words = tokens[1:], words[1:]  # "most software positions" -> "software positions"
    elif not keep_determiner:
        if first.dep_ == "poss" and first.pos_ == "PROPN" and len(tokens) > 2 and tokens[1].tag_ == "POS":
            tokens, words, article = tokens[2:], words[2:], "the"
        elif first.dep_ in {"det", "poss"} and first.lower_ in DEFINITE:
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
    if any(t.lower_ in FOREIGN_PRONOUNS and t.pos_ == "PRON" and t.dep_ != "poss" for t in tokens):
        return None
    if any(t.dep_ == "poss" and t.lower_ in {"my", "his", "her", "their"} for t in tokens):
        return None
    if any(t.lower_ == "own" for t in tokens):
        return None  # "its own language" has no owner once "its" is gone
    if any(t.tag_ in {"VBZ", "VBD", "VBP", "MD"} for t in tokens):
        return None  # a clause the parser folded into the phrase
    text = tidy(join_tokens(tokens, words))
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


def _contiguous(tokens: Sequence[Token]) -> bool:
    """No words missing inside the phrase: a gap there means the parser joined what does not belong."""
    kept = {t.i for t in tokens}
    doc = tokens[0].doc
    return all(doc[i].is_punct or doc[i].is_space for i in range(tokens[0].i, tokens[-1].i + 1) if i not in kept)


def join_tokens(tokens: Sequence[Token], words: Sequence[str] | None = None) -> str:
    """Tokens back to text (or `words` in their place), with the original spacing where adjacent."""
    words = [t.text for t in tokens] if words is None else words
    parts = []
    for k, (token, word) in enumerate(zip(tokens, words, strict=True)):
        adjacent = k + 1 < len(tokens) and tokens[k + 1].i == token.i + 1
        parts.append(word + (token.whitespace_ if adjacent else " "))
    return "".join(parts)


def tidy(text: str) -> str:
    """Normalize spacing and strip the punctuation a phrase should not end on."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?%)])", r"\1", text)
    text = re.sub(r"([($])\s+", r"\1", text)
    text = re.sub(r"(,\s*){2,}", ", ", text)
    abbreviation = re.search(r"\b(?:[A-Za-z]\.){2,}$", text)  # "9 p.m.", "the U.S."
    text = text.strip(" ,;:-\u2013\u2014!?" if abbreviation else " ,;:-\u2013\u2014.!?")
    if sum(text.count(q) for q in QUOTES) % 2:
        text = text.translate({ord(q): None for q in QUOTES}).strip()
    return text


def _sentence_initial(token: Token, word: str) -> str:
    """Lowercase a sentence-initial word unless it is a name or has capitals inside ('RFIs', 'iOS')."""
    named = token.pos_ == "PROPN" or token.ent_type_ in _NAME_ENTITIES
    if named or any(ch.isupper() for ch in word[1:]) or word == "I":
        return word
    return word[:1].lower() + word[1:]


_NAME_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "LOC", "PRODUCT", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW"})


def count_words(tokens: Sequence[Token]) -> int:
    """Words as a reader counts them: 'real-time' is one, a lone comma none."""
    return len([w for w in join_tokens(tokens).split() if any(ch.isalnum() for ch in w)])
