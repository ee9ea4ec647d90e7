"""Which sentences to rewrite, as an editor chooses them: the few that carry the piece.

An editor rewrites the launch or announcement line, the two or three features the piece is
about, its strongest result figure and its price: three to six sentences in a feature piece
of fifteen to twenty, and in a piece that already argues for change only a bare product
sentence. Everything else is left alone (see `kinds`). Company news is never chosen unless
the caller asks for it (`include_news`), and then only after every other target.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from analyzer.analysis.suggest.kinds import (
    ANNOUNCEMENT,
    BENEFIT,
    BULLET,
    CLAIM,
    FEATURE,
    HEADING,
    NEWS,
    PRICE,
    Line,
    is_product_sentence,
    mentions,
    product_names,
)
from analyzer.analysis.suggest.news import is_news_headline
from analyzer.labels import CHANGE

#: How much an editor wants each kind rewritten, before the sentence's own merits.
_PRIORITY: Final = {ANNOUNCEMENT: 1.0, BENEFIT: 0.9, PRICE: 0.45, FEATURE: 0.55, CLAIM: 0.5, NEWS: 0.45}
#: A second sentence of these kinds is worth much less: one launch line, one headline figure.
_REPEAT_PENALTY: Final = {ANNOUNCEMENT: 0.6, BENEFIT: 0.5, PRICE: 0.15, FEATURE: 0.05, CLAIM: 0.2, NEWS: 0.0}
#: Targets per sentence of the draft: about one in three, at least three, never more than six
#: (one in four found 0.57 of the dev drafts' targets at 0.92 precision, one in three 0.61 at 0.92).
_SHARE: Final = 0.35
_MIN_TARGETS: Final = 3
_MAX_TARGETS: Final = 6
#: Below this an extra sentence is not worth the writer's time.
_FLOOR: Final = 0.4
#: Bare product sentences rewritten in a piece the model reads as arguing for change: two found
#: three more of the 40 dev drafts' targets than one, with no more false positives (case studies
#: and webinar pages that argue first and then pitch are read as case for change).
_CHANGE_CAP: Final = 2
#: The nth sentence of a kind is less likely to carry the piece than the first.
_ORDINAL_PENALTY: Final = (0.0, 0.05, 0.12, 0.25, 0.3)
_SHORT: Final = 10
#: The first sentence this long is the piece's opening, whose subject says what the piece is.
_OPENING_WORDS: Final = 6
#: "The two or three features the piece is really about" (the editor's first rule of thumb).
_MAX_FEATURES: Final = 2
#: Kinds whose length says how much of the piece they carry (a price's does not).
_JUDGED_BY_LENGTH: Final = frozenset({FEATURE, CLAIM, NEWS})
_LONG: Final = 15
#: A feature or claim shorter than this is a detail an editor leaves alone (see `_worth_rewriting`).
#: Fifteen on the first 25 dev drafts; on all 40, eleven finds two more targets at no cost in precision.
_MIN_CLAIM_WORDS: Final = 11
#: A count of the organisations or people a company works for, for `_SOCIAL_PROOF`.
_COUNT: Final = (
    r"(?:\d[\d,.]*\+?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|dozens of|hundreds of)"
)
_ORGANISATIONS: Final = (
    r"(?:customers|clients|companies|businesses|firms|shops|stores|gyms|clinics|hospitals|practices|agencies|"
    r"schools|restaurants|sites|locations|branches|depots|warehouses|museums|galleries|farms|hotels|venues|"
    r"members|patients|homes|households|councils|districts|plants|mills)"
)
#: "More than 40 retail chains run Shelfcast", "used by 2,000 teams", "Belaylog runs the business
#: side of more than 180 climbing gyms": a count of customers.
_SOCIAL_PROOF: Final = re.compile(
    r"^(?:more than |over |nearly |almost |some )?[\d,.]+\+? (?:[\w-]+ ){0,6}(?:run|use|rely on|trust|choose)\b|"
    r"\b(?:used|trusted|chosen) by (?:more than |over )?[\d,.]+|"
    r"\b(?:runs|powers|serves) (?:[\w'-]+ ){0,5}(?:more than|over|nearly|almost) [\d,.]+\+? (?:[\w-]+ ){0,2}"
    r"(?:customers|companies|teams|businesses|firms|shops|gyms|clinics|stores|sites|practices|agencies)\b|"
    # a company's size told by what it runs or whom it works for, at the start of a case study or
    # an About-like paragraph: "Lakeshore Kidney Care runs eleven outpatient dialysis clinics",
    # "Calder Recycling collects commercial waste from 2,300 businesses" (batches 5, 6 and 18)
    rf"^(?-i:[A-Z][\w'&.-]* (?:[A-Z][\w'&.-]* ){{0,3}}(?:[a-z]+s,? (?:and )?){{1,4}})(?:[\w'-]+ ){{0,6}}?"
    rf"(?:(?:for|from|to|across) )?(?:about |around |some |more than |over |nearly |almost )?{_COUNT} "
    rf"(?:[a-z-]+ ){{0,3}}{_ORGANISATIONS}\b",
    re.IGNORECASE,
)


#: Given the candidates' indexes, their chances of carrying the piece (`ranker.ClaimRanker`).
Rank = Callable[[Sequence[int]], Sequence[float]]


def choose_targets(
    lines: Sequence[Line],
    kinds: Sequence[str],
    document_label: str,
    limit: int,
    include_news: bool = False,
    rank: Rank | None = None,
) -> list[int]:
    """Indexes of the sentences to rewrite, most important first, at most `limit`.

    With `rank`, the first (the main claim) is the candidate it ranks highest; the rest follow
    the rules' order.
    """
    scored = candidates(lines, kinds, document_label, include_news)
    if not scored or (not include_news and _is_news(lines, kinds)):
        return []
    cap = max(_MIN_TARGETS, min(_MAX_TARGETS, round(len(lines) * _SHARE)))
    if document_label == CHANGE:
        cap = _CHANGE_CAP  # the piece already argues: touch its bare product sentences only
    chosen: list[int] = []
    seen: dict[str, int] = {}
    if rank is not None and limit > 0 and len(scored) > 1:  # one candidate leaves nothing to rank
        chances = rank([i for _, i in scored])
        first = scored[max(range(len(scored)), key=lambda k: (chances[k], -k))][1]
        chosen.append(first)
        seen[kinds[first]] = 1
    while len(chosen) < min(limit, cap):
        best = None
        for score, i in scored:
            if i in chosen or (kinds[i] == FEATURE and seen.get(FEATURE, 0) >= _MAX_FEATURES):
                continue
            adjusted = score - _REPEAT_PENALTY[kinds[i]] * seen.get(kinds[i], 0)
            if best is None or adjusted > best[0]:
                best = (adjusted, i)
        if best is None or best[0] < _FLOOR:
            break
        chosen.append(best[1])
        seen[kinds[best[1]]] = seen.get(kinds[best[1]], 0) + 1
    return chosen


def candidates(
    lines: Sequence[Line], kinds: Sequence[str], document_label: str, include_news: bool = False
) -> list[tuple[float, int]]:
    """(the rules' score, index) of every sentence the rules allow as a target, in the draft's order.

    Only those the rules would choose on their own (scored at least `_FLOOR`), so a ranker can
    reorder the rules' targets but never add one they rule out.
    """
    names = product_names("", lines)
    wanted = dict(_PRIORITY)
    if not include_news:
        del wanted[NEWS]
    scored = []
    ordinals: dict[str, int] = {}
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind not in wanted:
            continue
        if document_label == CHANGE and not (kind == FEATURE and is_product_sentence(line.text, names)):
            continue  # a piece that already argues: only a bare product sentence
        ordinal = ordinals[kind] = ordinals.get(kind, -1) + 1
        if not _worth_rewriting(line, kind, names):
            continue
        score = wanted[kind] + _merit(line, ordinal, names, by_length=kind in _JUDGED_BY_LENGTH)
        if score >= _FLOOR:
            scored.append((score, i))
    return scored


def _worth_rewriting(line: Line, kind: str, names: frozenset[str]) -> bool:
    """A feature or claim an editor leaves alone whatever else the piece holds.

    On the first 25 dev drafts an editor rewrote 5 of 35 features or claims under fifteen words (a
    short one is a detail, not the piece's claim; on all 40 dev drafts the line is at eleven
    words), none of the sentences counting the customers who run the product (social proof, which
    a case for change quotes as it is), and one of two claims that do not name the product. A
    full-sentence bullet is no detail by itself: release notes are lists, and on the dev drafts of
    all 18 batches an editor rewrote 33 of 95 such bullets (35%, against 57% of the features of
    eleven words or more outside a list), so a bullet ranks lower (`_merit`) but can be chosen.
    """
    if kind not in {FEATURE, CLAIM}:
        return True
    text = BULLET.sub("", line.text)
    if len(text.split()) < _MIN_CLAIM_WORDS:
        return False
    if kind == CLAIM and not mentions(text, names):
        return False  # a claim that never names the product reads as context, not as the piece's claim
    return not _SOCIAL_PROOF.search(text)


def _merit(line: Line, ordinal: int, names: frozenset[str], by_length: bool = True) -> float:
    """What makes one sentence carry more of the piece than another of its kind.

    On the evaluation set's dev drafts an editor rewrote 95% of the first feature sentences,
    79% of the second, 65% of the third and a third of the rest; 89% of those of fifteen
    words or more, a quarter of those of ten to fourteen and none shorter.
    """
    text = BULLET.sub("", line.text)
    words = len(text.split())
    merit = -_ORDINAL_PENALTY[min(ordinal, len(_ORDINAL_PENALTY) - 1)]
    if not by_length:
        pass  # a price or a headline figure is short by nature
    elif words < _SHORT:
        merit -= 0.3
    elif words < _LONG:
        merit -= 0.15
    else:
        merit += 0.05
    if mentions(text, names):
        merit += 0.05  # names the product: the piece is about it
    if BULLET.match(line.text):
        merit -= 0.1  # a full-sentence bullet can be a target, rarely the one that matters
    return merit


def opening(lines: Sequence[Line], kinds: Sequence[str]) -> int | None:
    """The index of the piece's opening: its first sentence of six words or more that is no heading."""
    return next(
        (
            i
            for i, (line, k) in enumerate(zip(lines, kinds, strict=True))
            if k != HEADING and len(line.text.split()) >= _OPENING_WORDS
        ),
        None,
    )


def _is_news(lines: Sequence[Line], kinds: Sequence[str]) -> bool:
    """A piece meant to inform (an event, a hire, a funding round, an award), even if it names the product.

    Its title or first sentence is news, or it has no launch and no result and is mostly news.
    """
    first = opening(lines, kinds)
    if (first is not None and kinds[first] == NEWS) or any(is_news_headline(line.text) for line in lines[:1]):
        return True
    news = kinds.count(NEWS)
    return news >= 2 and not ({ANNOUNCEMENT, BENEFIT} & set(kinds)) and news >= kinds.count(FEATURE)
