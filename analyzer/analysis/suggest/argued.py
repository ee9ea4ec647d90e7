"""What the draft already argues: the reader's way today, said near the claim it explains.

A form that asks "Until now, your team had to [what did they do instead?]" after a feature is
the one rewrite independent editors used (docs/suggestions.md), and they marked it "repetitive"
wherever the draft already says how the reader works today: "the intro already says teachers
mark every section by hand". Such a draft has an argument sentence (`kinds.ARGUMENT`: the
reader's way today, what readers told the writer, a sentence the model reads as arguing) that
shares a content word with the target, in the target's section or close to it; the form is not
offered there. Moving that argument to the claim was tried too, and judged repetitive as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from spacy.lang.en.stop_words import STOP_WORDS

from analyzer.analysis.suggest.kinds import ARGUMENT, HEADING, Line
from analyzer.analysis.suggest.words import COMMON_WORDS, WORD, forms

#: How far (sentences) an argument may sit from its target outside the target's own section.
NEAR: Final = 3


def argued_targets(
    lines: Sequence[Line], kinds: Sequence[str], targets: Sequence[int], names: frozenset[str] = frozenset()
) -> frozenset[int]:
    """The targets whose reader's way today an argument of the draft already states.

    Words are compared by their plain forms ("pallets": pallet), without the parser: an
    argument shares two content words with the target, or one and sits in its section or
    within `NEAR` sentences of it.
    """
    arguments = [i for i, kind in enumerate(kinds) if kind == ARGUMENT]
    if not arguments or not targets:
        return frozenset()
    named = frozenset(word for name in names for word in WORD.findall(name.lower()))
    said = {i: _content(lines[i].text, named) for i in [*arguments, *targets]}
    sections = _sections(kinds)
    return frozenset(
        t
        for t in targets
        if any(
            (shared := _shared(said[a], said[t])) >= 2
            or (shared and (sections[a] == sections[t] or abs(a - t) <= NEAR))
            for a in arguments
        )
    )


def _content(text: str, names: frozenset[str]) -> dict[str, frozenset[str]]:
    """The sentence's content words, each with its plain forms."""
    words = {w for w in WORD.findall(text.lower()) if len(w) > 3 and w not in STOP_WORDS and w not in names}
    plain = {w: frozenset(forms(w)) for w in words}
    return {w: found for w, found in plain.items() if not found & COMMON_WORDS}


def _shared(first: dict[str, frozenset[str]], second: dict[str, frozenset[str]]) -> int:
    """How many words of `first` are, in some form, words of `second`."""
    theirs = frozenset().union(*second.values()) if second else frozenset()
    return sum(bool(mine & theirs) for mine in first.values())


def _sections(kinds: Sequence[str]) -> list[int]:
    """Each sentence's section: how many headings come before it."""
    sections, current = [], 0
    for kind in kinds:
        current += kind == HEADING
        sections.append(current)
    return sections
