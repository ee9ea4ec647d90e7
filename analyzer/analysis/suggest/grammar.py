"""English for templates: -ing forms, indefinite articles, third person, capitals, quotes."""

from __future__ import annotations

import re
from itertools import pairwise

from analyzer.analysis.suggest.lexicon import DOUBLE_FINAL

QUOTES = '"“”'


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
    if cvc or verb in DOUBLE_FINAL:
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


def third_person(text: str) -> str:
    """Second person to third: 'your calendar' -> 'their calendar', for 'teams that ...'."""
    swaps = {"your": "their", "yours": "theirs", "you": "them", "yourself": "themselves"}
    return re.sub(r"\b(your|yours|you|yourself)\b", lambda m: swaps[m.group(1)], text)


def cap(text: str) -> str:
    """Capitalize the first letter of a sentence; '$49 per seat' and 'iPhone' are left alone."""
    if not text or not text[0].isalpha() or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].upper() + text[1:]
