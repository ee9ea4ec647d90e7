"""Suggestions for a document: its targets, the alternatives that have a record, honestly scored.

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

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np

from analyzer.analysis.suggest import moves  # noqa: F401  (registers the frames)
from analyzer.analysis.suggest.argued import argued_targets, complaint
from analyzer.analysis.suggest.choose import choose_targets
from analyzer.analysis.suggest.coaching import SERVES_CUSTOMERS, Focus
from analyzer.analysis.suggest.frame import INVITATION, NEWS_SAID, SPEAKS_TO_A_TEAM, SPEAKS_TO_READER, Built, rewriters
from analyzer.analysis.suggest.headline import headline
from analyzer.analysis.suggest.kinds import (
    ANNOUNCEMENT,
    BENEFIT,
    DATELINE_PREFIX,
    FEATURE,
    NEWS,
    PRICE,
    Line,
    announces,
    capitalized_inside,
    main_name,
    product_names,
    read_kinds,
)
from analyzer.analysis.suggest.parse import clean
from analyzer.analysis.suggest.slots import Slots, read_targets
from analyzer.analysis.suggest.targets import TARGETS, Rewrite
from analyzer.analysis.suggest.wellformed import looks_well_formed
from analyzer.labels import CHANGE, LABELS
from analyzer.labels import FEATURE as PITCH

if TYPE_CHECKING:
    from analyzer.analysis.suggest.ranker import ClaimRanker

#: Alternatives per target: one per rubric move that has a frame with a record; a target no frame
#: fits is dropped (ten rounds of editors judged the frames that made up a second alternative
#: unusable nine times in ten: docs/suggestions.md).
MIN_ALTERNATIVES: Final = 1
#: A rewrite goes to one of the two sentences that carry the piece, or to none: when neither takes
#: a frame, the third target is a detail (on the dev drafts of all 17 batches, 0 of 2 suggestions
#: that fell that far were on a sentence the editor chose; the draft still gets its questions).
REWRITE_DEPTH: Final = 2
#: A rewrite goes only to a target the claim ranker gives at least this chance that an editor
#: rewrites it; the writer still gets the coaching. The first chance at which the rules'
#: candidates, each batch held out in turn on the dev split, were an editor's target at least 0.85
#: of the time: 0.8 for claim-ranker 1.1.0 on batches 1 to 33 (0.880 of 167; 0.843 at 0.75, 0.690
#: at 0.5), 0.75 for 1.0.0 on batches 1 to 25. Read again for 1.2.0 (batches 1 to 37): 0.847 of
#: 163 at 0.8, 0.923 of 104 at 0.85. Kept at 0.8, half a candidate under the rule, because the
#: floor it serves holds: target precision on all 744 drafts is 1.000 dev and 0.962 test (25/26).
#: `benchmarks/claims.py` prints the table; read it again whenever the ranker is retrained. Without
#: the ranker, or with a single candidate (`_chosen`), every target may take one.
REWRITE_CHANCE: Final = 0.8
#: The piece's main claim is named, and quoted by the coaching, only where the claim ranker reads
#: it as more likely an editor's target than not. Below that the ranker has found no sentence the
#: piece rests on (a story, a reopening, a tub's dimensions) and its best guess misleads: quoted
#: claims under 0.5, by a ranker that never read their draft, were judged useful 6 times of 52
#: over rounds 44 to 58 (wrong 43; at 0.5 to 0.6, 18 of 32), and 0 of 12 on batches 34 and 35,
#: judged with the gate off before it was set. The writer gets the general questions instead.
CLAIM_CHANCE: Final = 0.5
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
    alternatives: tuple[Alternative, ...]  # one per move a frame with a record fits, the first the one to show


class GainChecker(Protocol):
    """What `suggest` needs of the independent check: a name and case-for-change probabilities."""

    name: str

    def change_probability(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Advice:
    """A document's suggestions, and what coaching needs to ask about its subject."""

    suggestions: list[Suggestion]
    focus: Focus  # what the piece is about, as the parse of its targets found it
    main_claim: int | None = None  # the first target, if the ranker trusts it (`CLAIM_CHANCE`): where the work starts


def unparsed_advice(
    lines: Sequence[Line],
    *,
    text: str = "",
    headings: Sequence[tuple[int, int]] = (),
    document_label: str = "",
    include_news: bool = False,
    ranker: ClaimRanker | None = None,
    title: str | None = None,
) -> Advice:
    """What a document gets when no rewrites are asked for: its main claim and the draft's own
    complaint for the coaching, read by patterns alone (the parser is never loaded)."""
    if not lines:
        return Advice([], Focus())
    kinds = read_kinds(text, lines, headings)
    chosen, chances = _chosen(lines, kinds, document_label, include_news, ranker)
    names = product_names(text, lines)
    focus = Focus(
        complaint=complaint(lines, kinds, chosen, names),
        claim=_claim(lines, kinds, chosen, chances, document_label),
        customers=bool(SERVES_CUSTOMERS.search(text or " ".join(line.text for line in lines))),
        headline=_headline(title, lines, kinds, document_label),
    )
    return Advice([], focus, _main_claim(chosen, chances))


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
    ranker: ClaimRanker | None = None,
    title: str | None = None,
) -> Advice:
    """The rewrites an editor would offer for a document's sentences, most important target first.

    `lines` are the document's sentences with their offsets into `text` and the sentence model's
    labels; `headings` the character spans of its headings; `title` the one its markup gave;
    `missing` the rubric elements the document lacks, whose moves come first. The same input
    always gives the same output.
    """
    unknown = set(missing) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {TARGETS}")
    product = main_name(lines)
    if max_suggestions <= 0 or not lines:
        return Advice([], Focus())
    kinds = read_kinds(text, lines, headings)
    # Every target the editor's rules allow, most important first: a target no frame fits gives
    # way to the next, so "the one suggestion" of an audit is the first that has alternatives.
    chosen, chances = _chosen(lines, kinds, document_label, include_news, ranker)
    whole = text or " ".join(line.text for line in lines)
    customers = bool(SERVES_CUSTOMERS.search(whole))
    if not chosen:
        return Advice([], Focus(customers=customers, headline=_headline(title, lines, kinds, document_label)))
    main_claim = _main_claim(chosen, chances)
    names = product_names(text, lines)
    # A salutation or a dateline on the launch line stays as written, in front of every rewrite.
    greetings = {i: _greeting(lines[i].text) for i in chosen}
    rewritable = _rewritable(chosen, chances)
    needed = _to_parse(chosen, kinds, rewritable)
    parsed = read_targets(
        [lines[i].text[len(greetings[i]) :] for i in needed],
        [_buildable(kinds[i]) for i in needed],
        names,
        capitalized_inside(lines),
        product,
    )
    by_index = dict(zip(needed, parsed, strict=True))
    read = [by_index.get(i) for i in chosen]
    titles = [text[start:end] for start, end in headings]
    argued = argued_targets(lines, kinds, chosen, names, titles)
    team = bool(SPEAKS_TO_A_TEAM.search(whole))
    read = [
        replace(slots, argued=i in argued, team=team) if slots is not None else None
        for i, slots in zip(chosen, read, strict=True)
    ]
    focus = replace(
        _focus(read, chosen),
        complaint=complaint(lines, kinds, chosen, names),
        claim=_claim(lines, kinds, chosen, chances, document_label),
        customers=customers,
        headline=_headline(title, lines, kinds, document_label),
    )
    used: set[str] = set()
    order = _move_order(missing)
    second_person = bool(SPEAKS_TO_READER.search(whole))
    launch = announces(whole, kinds)
    planned: list[tuple[int, Slots, list[Built]]] = []
    read_at = dict(zip(chosen, read, strict=True))
    for index in rewritable:
        slots, rank = read_at[index], chosen.index(index)
        if slots is None:
            continue
        # Rotate which move leads, so five suggestions do not all open with the same argument.
        moves_here = order[rank % len(order) :] + order[: rank % len(order)] if not missing else order
        built = [
            _finished(b, greetings[index], slots.original)
            for b in _alternatives(slots, moves_here, used, second_person=second_person, launch=launch)
        ]
        if len(built) >= MIN_ALTERNATIVES:  # a target dropped for want of alternatives uses up no frame
            used.update(b.rewrite.strategy for b in built)
            planned.append((index, slots, built))
            if len(planned) == max_suggestions:
                break
    if not planned:
        return Advice([], focus, main_claim)
    return Advice(_scored(planned, lines, scorer, check), focus, main_claim)


#: A salutation the sentence splitter leaves on the launch line ("Hi Dana, today we ..."): the
#: letter's greeting, not part of the claim, so it is kept as written in front of the rewrite.
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b[^,.!?:;\n]{0,60}[,!:]\s+)"
    r"(?=[A-Z\u2018\u201c'\"])",
    re.IGNORECASE,
)


def _chosen(
    lines: Sequence[Line], kinds: Sequence[str], document_label: str, include_news: bool, ranker: ClaimRanker | None
) -> tuple[list[int], dict[int, float]]:
    """The rules' targets, the ranker's choice of main claim first, and the ranker's chance for each.

    Only targets the ranker compared have a chance: a draft with a single candidate has nothing
    to compare, and that candidate is its claim. Nor has news asked for with `include_news`: the
    ranker never learned it, and the user asked for it by name.
    """
    if ranker is None:
        return choose_targets(lines, kinds, document_label, len(lines), include_news=include_news), {}
    names = product_names("", lines)
    read: dict[int, float] = {}

    def rank(indexes: Sequence[int]) -> Sequence[float]:
        chances = ranker.chances(lines, kinds, names, document_label, indexes)
        read.update((i, chance) for i, chance in zip(indexes, chances, strict=True) if kinds[i] != NEWS)
        return chances

    return choose_targets(lines, kinds, document_label, len(lines), include_news=include_news, rank=rank), read


def _main_claim(chosen: Sequence[int], chances: Mapping[int, float]) -> int | None:
    """The first target, where the ranker reads it as more likely an editor's than not (`CLAIM_CHANCE`)."""
    if not chosen or chances.get(chosen[0], 1.0) < CLAIM_CHANCE:
        return None
    return chosen[0]


def _claim(
    lines: Sequence[Line],
    kinds: Sequence[str],
    chosen: Sequence[int],
    chances: Mapping[int, float],
    document_label: str,
) -> str | None:
    """The claim the coaching quotes, without salutation, dateline, bullet or label.

    In a piece the model reads as a feature pitch it is a feature, a launch or a result, and "what
    do your readers do without this" asks about it. In one that announces, only a claim that says
    what is new ("today introduced the Northfork Horizon", "from this month every car we restore
    gets a build book"): its first target is as often the story's opening ("Every spring our
    ecologists field the same questions") or a trend ("the majority of their plans have had to
    shift"). In one that argues, never: the claim is the argument itself.

    Never a price: "what do your readers do today without this" asked of "Logo sculptures start at
    $650" was wrong for every judge of rounds 44 and 47. Where the main claim is a price, the
    target the ranker gives the best chance after it is quoted instead (in the rules' order
    without a ranker). On the 31 drafts of batches 1 to 27 that were asked only the general
    questions because their main claim was a price, that sentence was an editor's target 23 times
    of 30 (one had none); quoted claims that were an editor's target were judged useful 122 times
    of 162 over rounds 44 to 50.
    """
    if document_label == CHANGE:
        return None
    quoted = [i for i in chosen if kinds[i] != PRICE and not _ONE_OFF_PRICE.search(lines[i].text.lower())]
    if not quoted:
        return None
    first = chosen[0] if chosen[0] in quoted else max(quoted, key=lambda i: chances.get(i, 0.0))
    if chances.get(first, 1.0) < CLAIM_CHANCE:
        return None
    sentence = lines[first].text
    if document_label != PITCH and not (NEWS_SAID.search(sentence) and not INVITATION.search(sentence)):
        return None
    return clean(sentence[len(_greeting(sentence)) :]) or None


#: A price without a unit, which the kinds read as a feature ("A standard service ... costs £145 plus
#: VAT", "Re-tubing a 5.5 m RIB costs from £3,950", "Unlimited swims from May to September, for
#: £149."): quoted as the claim in rounds 67 and 68, wrong or generic for every judge; and, said
#: with "is", "are" or "pay" ("Sample cards ... are £4.50 including postage", "members pay £149 for
#: the kit"), in rounds 77 to 80. Of the 323 sentences of the evaluation set's 1,032 drafts it
#: matches, 305 are an editor's price ("is", "are" and "pay" added 89 of them, and 2 lines an
#: editor left alone: "Card readers are $149 each, and you keep them."). Not a kind of its own:
#: the claim ranker learned the kinds as they are, and fed these as prices it named an editor's
#: target as the main claim 213 times of 280 on the test split, against 219 of 282 (retrained on
#: them, 0.692 of 334 first targets against 0.702 before).
_ONE_OFF_PRICE: Final = re.compile(
    r"\bcosts? (?:from |just |only )?[$\u00a3\u20ac]\s?\d|"
    r"\b(?:is|are|pay) (?:just |only |from )?[$\u00a3\u20ac]\s?\d[\d,.]*+(?!\s?(?:m|bn|k|million|billion)\b)|"
    r"(?<!down )(?<!up )\b(?:from|for) [$\u00a3\u20ac]\s?\d[\d,.]*\.?$|"
    r"[$\u00a3\u20ac]\s?\d.*\b(?:plus|\+|inc\.?|incl\.?|including|ex\.?|excluding|exc\.?) vat\b"
)


def _greeting(sentence: str) -> str:
    """The salutation or dateline opening `sentence`, with its space, or ""."""
    found = _GREETING.match(sentence) or DATELINE_PREFIX.match(sentence)
    return found.group(0) if found and found.end() < len(sentence) else ""


def _finished(built: Built, greeting: str, original: str) -> Built:
    """`built` as the writer will see it: the salutation or dateline back in front.

    After a salutation a clause put in front goes on as the letter's sentence ("Hi Dana, if
    ..."); the writer's own sentence keeps its casing, and after a dateline the story starts
    with a capital.
    """
    r = built.rewrite
    text, filled = r.text, built.filled
    if (
        greeting
        and not DATELINE_PREFIX.match(greeting)
        and not text.startswith(original)
        and text[:2] != "I "
        and not text[1:2].isupper()
    ):
        text, filled = text[:1].lower() + text[1:], filled[:1].lower() + filled[1:]
    if not greeting and text == r.text:
        return built
    shift = len(greeting)
    placeholders = tuple(replace(p, start=p.start + shift, end=p.end + shift) for p in r.placeholders)
    return Built(replace(r, text=greeting + text, placeholders=placeholders), greeting + filled)


def _headline(title: str | None, lines: Sequence[Line], kinds: Sequence[str], document_label: str) -> str | None:
    """The headline the coaching may quote: a feature pitch's only. Company news has no status quo
    for "what does it cost your readers to leave things as they are" (`coaching._ON_HEADLINE`)."""
    return headline(title, lines, kinds) if document_label == PITCH else None


def _buildable(kind: str) -> str:
    """News asked for with `include_news` is rewritten like a claim about the product."""
    return kind if kind in {ANNOUNCEMENT, FEATURE, BENEFIT, PRICE, "claim"} else "claim"


def _rewritable(chosen: Sequence[int], chances: Mapping[int, float]) -> list[int]:
    """The targets that may take a rewrite: the first `REWRITE_DEPTH`, less those the ranker gives
    under `REWRITE_CHANCE`."""
    return [i for i in chosen[:REWRITE_DEPTH] if chances.get(i, 1.0) >= REWRITE_CHANCE]


def _to_parse(chosen: Sequence[int], kinds: Sequence[str], rewritable: Sequence[int]) -> list[int]:
    """The targets whose parse is read: those that may take a rewrite, and every result, whose
    measure the coaching asks about (`_focus`). The parser is the costliest step of a suggestion,
    and most targets need neither."""
    return [i for i in chosen if i in rewritable or _buildable(kinds[i]) == BENEFIT]


def _focus(read: list[Slots | None], chosen: Sequence[int]) -> Focus:
    """What the piece's first result measures, and that measure's old figure."""
    in_order = [s for _, s in sorted(zip(chosen, read, strict=True), key=lambda pair: pair[0]) if s is not None]
    measured = next((s for s in in_order if s.measure), None)
    return Focus(measure=measured.measure if measured else None, before=measured.before if measured else None)


def _move_order(missing: Sequence[str]) -> list[str]:
    """The moves the document lacks first (in rubric order), then the rest."""
    return [m for m in TARGETS if m in missing] + [m for m in TARGETS if m not in missing]


def _alternatives(
    slots: Slots, order: Sequence[str], used: Set[str], *, second_person: bool = True, launch: bool = True
) -> list[Built]:
    """One alternative per move, from the first frame of that move not yet used in the document.

    A draft that never speaks to its reader (a press release, a case study told in the third
    person) gets no frame that does: the editors judged "your team" in such a draft off-voice
    (its own third-person forms were retired after round 35). A page that announces nothing gets
    only the frames for evergreen copy, and a launch only the others.
    """
    found: list[Built] = []
    for move in order:
        for name in rewriters.names():
            frame = rewriters.get(name)
            if frame.move != move or name in used:
                continue
            if frame.evergreen is not None and frame.evergreen == launch:
                continue
            if not second_person and frame.addresses_reader:
                continue
            built = frame.build(slots)
            if built is not None and looks_well_formed(built.rewrite.text):
                found.append(built)
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
