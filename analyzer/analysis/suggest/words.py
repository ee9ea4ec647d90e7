"""Words by their plain forms, without the parser: "lorries" is a lorry, "docked" a dock.

Every sentence of a draft may need comparing, and the parser is kept for the few targets, so a
word is compared with the forms it may be an inflection of; a form that is no word costs
nothing. Words every business uses say nothing about what a sentence is about.
"""

from __future__ import annotations

import re
from typing import Final

#: Too common to say what a sentence is about ("team", "customer", "send", "data").
COMMON_WORDS: Final = frozenset(
    {"build", "send", "create", "generate", "make", "get", "use", "run", "check", "see", "show", "give", "take"}
    | {"keep", "set", "add", "find", "let", "help", "work", "do", "have", "go", "come", "put", "start", "need"}
    | {"want", "include", "provide", "offer", "allow", "enable", "handle", "manage", "process", "update"}
    | {"change", "move", "open", "close", "data", "team", "time", "system", "tool", "platform", "software"}
    | {"app", "business", "company", "user", "day", "week", "month", "year", "new"}
    | {"customer", "client", "staff", "employee", "manager", "office", "email", "phone", "call", "job", "order"}
    | {"service", "information", "document", "report", "people", "account", "cost", "money", "price"}
)
#: A word, hyphenated or with an apostrophe, lower-cased.
WORD: Final = re.compile(r"[a-z]+(?:['\u2019-][a-z]+)*")

_SUFFIXES: Final = (
    ("ies", "y"),
    ("ves", "f"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
)


def forms(word: str) -> tuple[str, ...]:
    """The word and what it may be an inflection of."""
    found = [word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            found.append(word[: -len(suffix)] + replacement)
    return tuple(found)
