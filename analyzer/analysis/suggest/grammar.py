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
    if verb.startswith("re") and len(verb) > 4 and gerund(verb[2:]).endswith(verb[-1] * 2 + "ing"):
        return verb + verb[-1] + "ing"  # "rerun" -> "rerunning", as "run" -> "running"
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


#: Past participles that do not end in -ed, for the verbs product copy uses.
_IRREGULAR_PARTICIPLES = {
    "build": "built",
    "bring": "brought",
    "buy": "bought",
    "catch": "caught",
    "do": "done",
    "draw": "drawn",
    "feed": "fed",
    "find": "found",
    "get": "got",
    "give": "given",
    "hold": "held",
    "keep": "kept",
    "know": "known",
    "lay": "laid",
    "lead": "led",
    "make": "made",
    "pay": "paid",
    "put": "put",
    "read": "read",
    "run": "run",
    "say": "said",
    "see": "seen",
    "sell": "sold",
    "send": "sent",
    "set": "set",
    "show": "shown",
    "spend": "spent",
    "split": "split",
    "take": "taken",
    "tell": "told",
    "think": "thought",
    "write": "written",
}


def participle(verb: str) -> str:
    """The past participle of a base-form verb: match -> matched, pick -> picked, send -> sent."""
    if verb in _IRREGULAR_PARTICIPLES:
        return _IRREGULAR_PARTICIPLES[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return verb[:-1] + "ied"
    doubled = gerund(verb)  # "submitting": the -ing form already knows when the consonant doubles
    if doubled.endswith(verb[-1] * 2 + "ing") and not verb.endswith(verb[-1] * 2):
        return verb + verb[-1] + "ed"
    return verb + "ed"
