"""Sentences with no message of their own: datelines, contact lines, navigation, fragments.

The annotation guide gives such a sentence its document's label; the analysis and the tuning
of the rubric both ask this one question of every sentence.
"""

from __future__ import annotations

import re

from analyzer.text.nlp import Parsed

#: Sentences with fewer alphabetic words than this say nothing of their own (datelines,
#: contact lines, "Learn more"): they take the document's label, as the guide asks.
LOW_SIGNAL_WORDS = 4
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()-]{7,}\d|^\s*(tel|phone|email|fax)\b", re.IGNORECASE)


def is_low_signal(sentence: Parsed) -> bool:
    """A dateline, contact line, navigation text or a fragment too short to carry a message."""
    words = sum(1 for w in sentence.words if w[:1].isalpha())
    return words < LOW_SIGNAL_WORDS or (words < 12 and bool(_CONTACT.search(sentence.text)))
