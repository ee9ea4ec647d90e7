"""Regular expressions that skip the regex engine when a text cannot match.

The sentence kinds run about forty patterns over every sentence of every draft, and most of them
are alternations that start with `\\b` (`\\b(?:available|included|...)`): Python's engine has no
literal to scan for, so it tries every branch at every position, which cost a third of an
analysis without suggestions. Every match of such a pattern contains one of a few literal strings
("available", "is included in", ...). `guarded` reads those strings from the pattern's own parse
and tests them with `in`, which is fast, before it runs the pattern. The answer is always the
pattern's own: the guard only ever skips a search that would have failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import product
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Final

#: A guard of more strings than this costs about what the pattern does: the pattern runs alone.
MAX_NEEDLES: Final = 40
#: Largest set of strings one stretch of a pattern is expanded into ("(?:is|are) (?:a|an)").
_MAX_EXPANSION: Final = 64
#: Past this length a needle is rare enough: a shorter set of needles is then the better guard.
_LONG_ENOUGH: Final = 4

Strings = frozenset[str]


class GuardedPattern:
    """A compiled pattern whose searches first check that the text has one of its needles."""

    __slots__ = ("_fold", "needles", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.needles = needles(regex)
        self._fold = bool(regex.flags & re.IGNORECASE)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    @property
    def flags(self) -> int:
        return self.regex.flags

    def could_match(self, text: str) -> bool:
        """False only if no match is possible; True when the pattern has no needles to test."""
        if self.needles is None:
            return True
        if self._fold:
            # Case-blind matching pairs "i" with the dotless i (U+0131), which casefold() keeps apart.
            text = text.casefold().replace("\u0131", "i")
        return any(needle in text for needle in self.needles)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.could_match(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.regex.match(text) if self.could_match(text) else None

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.could_match(text) else []

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.could_match(text) else iter(())

    def sub(self, repl: str, text: str) -> str:
        return self.regex.sub(repl, text) if self.could_match(text) else text

    def __repr__(self) -> str:
        return f"guarded({self.regex.pattern!r}, needles={self.needles!r})"


def guarded(pattern: str, flags: int = 0) -> GuardedPattern:
    """`re.compile(pattern, flags)`, guarded by the literal strings every match contains."""
    return GuardedPattern(re.compile(pattern, flags))


def needles(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of `regex` contains (case-folded for a case-blind
    pattern), or None when there is no short list of them worth testing."""
    found = _required(list(sre_parse.parse(regex.pattern, regex.flags)))
    if found is None:
        return None
    if regex.flags & re.IGNORECASE:
        if any(ch.lower() != ch.upper() and not ch.isascii() for needle in found for ch in needle):
            return None  # a cased letter outside ASCII: case-blind equality is not casefold's there
        found = frozenset(needle.casefold() for needle in found)
    kept = {n for n in found if not any(other != n and other in n for other in found)}  # "in all" covers "in all of"
    if len(kept) > MAX_NEEDLES or any(_in_most_texts(n) for n in kept):
        return None
    return tuple(sorted(kept))


def _exact(item: tuple[Any, Any]) -> Strings | None:
    """Every string one parsed item can match, if they are few; zero-width items match ""."""
    op, arg = item
    if op is sre.LITERAL:
        return frozenset({chr(arg)})
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset({""})
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = arg
        return None if add_flags & re.IGNORECASE else _exact_sequence(body)
    if op is sre.BRANCH:
        alternatives = [_exact_sequence(branch) for branch in arg[1]]
        if any(a is None for a in alternatives):
            return None
        union = frozenset().union(*alternatives)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_EXPANSION else None
    if op is sre.IN and all(o is sre.LITERAL for o, _ in arg) and len(arg) <= 8:
        return frozenset(chr(a) for _, a in arg)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] == 0 and arg[1] == 1:
        once = _exact_sequence(arg[2])
        return None if once is None else once | {""}
    return None


def _exact_sequence(items: Any) -> Strings | None:
    strings: Strings = frozenset({""})
    for item in items:
        each = _exact(item)
        if each is None:
            return None
        strings = _joined(strings, each)
        if len(strings) > _MAX_EXPANSION:
            return None
    return strings


def _joined(heads: Strings, tails: Strings) -> Strings:
    return frozenset(a + b for a, b in product(heads, tails))


def _required(items: Any) -> Strings | None:
    """A set of strings one of which every match of the sequence `items` contains, or None.

    A stretch of items with few exact strings ("by " then "eye" or "hand") gives its expansion;
    a group, an alternation or a repeat of at least one gives what its own body requires. Of all
    these candidate sets the best guard is kept: longest shortest needle (up to `_LONG_ENOUGH`),
    then fewest needles.
    """
    best: Strings | None = None

    def consider(candidate: Strings | None) -> None:
        nonlocal best
        if candidate and "" not in candidate and (best is None or _quality(candidate) > _quality(best)):
            best = candidate

    stretch: Strings = frozenset({""})
    for item in items:
        each = _exact(item)
        consider(each)
        if each is not None:
            longer = _joined(stretch, each)
            if len(longer) <= _MAX_EXPANSION:
                stretch = longer
                consider(stretch)  # every part of a stretch is in the match: "free " of "free updates for all"
                continue
        consider(stretch)
        stretch = each if each is not None else frozenset({""})
        if each is None:
            consider(_required_of(item))
    consider(stretch)
    return best


def _required_of(item: tuple[Any, Any]) -> Strings | None:
    op, arg = item
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = arg
        return None if add_flags & re.IGNORECASE else _required(body)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            required = _required(branch)
            if required is None:
                return None
            union |= required
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
        return _required(arg[2])
    return None


def _quality(strings: Strings) -> tuple[int, int, int]:
    shortest = min(len(s) for s in strings)
    return min(shortest, _LONG_ENOUGH), -len(strings), shortest


def _in_most_texts(needle: str) -> bool:
    """Blank space alone is in every text; any other character may be rare ("%", "x" in "3x")."""
    return needle.isspace()
