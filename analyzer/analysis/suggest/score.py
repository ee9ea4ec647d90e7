"""Suggestions for a document: its targets, two or three alternatives each, honestly scored.

`suggest` chooses the sentences an editor would rewrite (`choose`), reads them with the parser
(`slots`), and builds for each one alternative per rubric move from the frames that fit its
kind (`moves/`), never the same frame twice in a document. Each alternative is scored by the
sentence model on its text with the placeholders filled by neutral stand-ins, so the number
shown is the number of a sentence the writer could publish; an independent check model (see
`check`) gives its own view of the same gain. Scores rank nothing: the order comes from the
editor's rules (the move the document lacks first), so the engine cannot learn to please the
classifier it is graded by.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np

from analyzer.analysis.suggest import moves  # noqa: F401  (registers the frames)
from analyzer.analysis.suggest.choose import choose_targets
from analyzer.analysis.suggest.frame import Built, rewriters
from analyzer.analysis.suggest.kinds import (
    ANNOUNCEMENT,
    BENEFIT,
    FEATURE,
    PRICE,
    Line,
    main_name,
    product_names,
    read_kinds,
)
from analyzer.analysis.suggest.slots import Slots, read_slots
from analyzer.analysis.suggest.targets import TARGETS, Rewrite
from analyzer.analysis.suggest.wellformed import looks_well_formed
from analyzer.labels import CHANGE, LABELS

#: Alternatives per target: one per rubric move, at least two or the target is dropped.
MIN_ALTERNATIVES: Final = 2
#: Both models must see at least this gain in case-for-change probability to agree on a gain.
AGREEMENT_MARGIN: Final = 0.02

#: texts -> probabilities, one column per label in `analyzer.labels.LABELS` order.
Scorer = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True, slots=True)
class Check:
    """The independent check model's view of one alternative's gain."""

    model: str
    gain: float
    agrees: bool


@dataclass(frozen=True, slots=True)
class Alternative:
    rewrite: Rewrite
    scores_after: dict[str, float]  # the sentence model on the text with neutral stand-ins
    gain: float  # scores_after[case-for-change] minus the original's
    check: Check | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    sentence: int  # index of the sentence in the document
    original: str
    kind: str  # the editor's kind of the sentence: announcement, feature, benefit, price or claim
    alternatives: tuple[Alternative, ...]  # two or three, each a different move, the first the one to show


class GainChecker(Protocol):
    """What `suggest` needs of the independent check: a name and case-for-change probabilities."""

    name: str

    def change_probability(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Advice:
    """A document's suggestions, and what coaching needs to ask about its topic."""

    suggestions: list[Suggestion]
    topic: str | None  # the first reader-world topic among the targets ("dock doors")
    product: str | None  # the name the draft mentions most


def suggest(
    lines: Sequence[Line],
    scorer: Scorer,
    *,
    text: str = "",
    headings: Sequence[tuple[int, int]] = (),
    document_label: str = "",
    missing: Sequence[str] = (),
    max_suggestions: int = 5,
    include_news: bool = False,
    check: GainChecker | None = None,
) -> Advice:
    """The rewrites an editor would offer for a document's sentences, most important target first.

    `lines` are the document's sentences with their offsets into `text` and the sentence model's
    labels; `headings` the character spans of its headings; `missing` the rubric elements the
    document lacks, whose moves come first. The same input always gives the same output.
    """
    unknown = set(missing) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {TARGETS}")
    product = main_name(lines)
    if max_suggestions <= 0 or not lines:
        return Advice([], None, product)
    kinds = read_kinds(text, lines, headings)
    chosen = choose_targets(lines, kinds, document_label, max_suggestions, include_news=include_news)
    if not chosen:
        return Advice([], None, product)
    names = product_names(text, lines)
    read = read_slots([lines[i].text for i in chosen], [_buildable(kinds[i]) for i in chosen], names)
    read = _with_document_topic(read)
    topic = next((s.topic for s in read if s is not None and s.topic and s.kind != ANNOUNCEMENT), None)
    used: set[str] = set()
    order = _move_order(missing)
    planned: list[tuple[int, Slots, list[Built]]] = []
    for rank, (index, slots) in enumerate(zip(chosen, read, strict=True)):
        if slots is None:
            continue
        # Rotate which move leads, so five suggestions do not all open with the same argument.
        moves_here = order[rank % len(order) :] + order[: rank % len(order)] if not missing else order
        built = _alternatives(slots, moves_here, used)
        if len(built) >= MIN_ALTERNATIVES:
            planned.append((index, slots, built))
    if not planned:
        return Advice([], topic, product)
    return Advice(_scored(planned, lines, scorer, check), topic, product)


def _buildable(kind: str) -> str:
    """News asked for with `include_news` is rewritten like a claim about the product."""
    return kind if kind in {ANNOUNCEMENT, FEATURE, BENEFIT, PRICE, "claim"} else "claim"


def _with_document_topic(read: list[Slots | None]) -> list[Slots | None]:
    """A price or an announcement borrows the topic of the piece's first feature or result."""
    topic = next((s for s in read if s is not None and s.topic and s.kind in {FEATURE, BENEFIT, "claim"}), None)
    if topic is None:
        return read
    out: list[Slots | None] = []
    for slots in read:
        if slots is not None and slots.kind in {PRICE, ANNOUNCEMENT} and slots.topic is None:
            slots = Slots(
                slots.kind, slots.original, slots.lead, topic.topic, topic.plural, slots.people, slots.figures
            )
        out.append(slots)
    return out


def _move_order(missing: Sequence[str]) -> list[str]:
    """The moves the document lacks first (in rubric order), then the rest."""
    return [m for m in TARGETS if m in missing] + [m for m in TARGETS if m not in missing]


def _alternatives(slots: Slots, order: Sequence[str], used: set[str]) -> list[Built]:
    """One alternative per move, from the first frame of that move not yet used in the document."""
    found: list[Built] = []
    for move in order:
        for name in rewriters.names():
            frame = rewriters.get(name)
            if frame.move != move or name in used:
                continue
            built = frame.build(slots)
            if built is not None and looks_well_formed(built.rewrite.text):
                found.append(built)
                used.add(name)
                break
    return found


def _scored(
    planned: list[tuple[int, Slots, list[Built]]],
    lines: Sequence[Line],
    scorer: Scorer,
    check: GainChecker | None,
) -> list[Suggestion]:
    """Score every original and every filled-in alternative in two batches, one per model."""
    change = LABELS.index(CHANGE)
    texts = [slots.original for _, slots, _ in planned] + [b.filled for _, _, built in planned for b in built]
    probabilities = np.asarray(scorer(texts), dtype=float)
    if probabilities.shape != (len(texts), len(LABELS)):
        raise ValueError(f"the scorer returned shape {probabilities.shape}; expected ({len(texts)}, {len(LABELS)})")
    checked = check.change_probability(texts) if check is not None else None
    suggestions = []
    k = len(planned)
    for n, (index, slots, built) in enumerate(planned):
        before = probabilities[n, change]
        alternatives = []
        for b in built:
            row = probabilities[k]
            gain = float(row[change] - before)
            verdict = None
            if check is not None and checked is not None:
                check_gain = float(checked[k] - checked[n])
                agrees = (gain > AGREEMENT_MARGIN) == (check_gain > AGREEMENT_MARGIN)
                verdict = Check(check.name, check_gain, agrees)
            alternatives.append(
                Alternative(b.rewrite, {label: float(p) for label, p in zip(LABELS, row, strict=True)}, gain, verdict)
            )
            k += 1
        suggestions.append(Suggestion(index, lines[index].text, slots.kind, tuple(alternatives)))
    return suggestions
