"""Coaching questions: what a writer answers to supply a missing element of a case for change.

A rewrite can only put a question in brackets; a writer with no facts to hand needs the
questions themselves, asked about the piece's own subject. `Focus` is what the draft and the
parse of its targets give: the draft's own complaint about the reader's way today, quoted
("Most finance teams still reconcile payments in spreadsheets"), the measure its result moved
and that measure's old figure ("median pipeline time", "14 minutes"), and its main claim,
quoted. Each missing element gets the questions its facts allow, most specific first, at
most three; without any, the same questions of the piece's headline, and without a headline
none: a question that could be asked of any draft only repeats the checklist (`_GENERAL`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from analyzer.labels import RUBRIC_ELEMENTS
from analyzer.text.guarded import guarded

#: Questions per rubric element; each needs the fields it names. Independent editors judged every
#: question of the test drafts (round 6) and of batch 6 (round 12, docs/suggestions.md): those
#: built on the draft's own complaint ("a recall still takes an afternoon to check") or its own
#: figures were the useful ones; a topic word taken from the product copy ("teams that handle
#: setup") and a stake quoted from the library ("van routes planned from a wall map", asked of a
#: ready-mix concrete release: 29 of 34 verdicts wrong) misread the draft, so neither is asked,
#: nor is the product's name alone ("What does going without X cost ...": 48 of 48 generic). No
#: question names a fixed period: "each month" and "by the end of the year" fit a ski resort, a
#: roofer who works after storms or an audit cycle badly (every coaching round's editors said so),
#: so the writer says the stretch that fits their trade. A feature pitch's main claim is quoted
#: back ("\u201cRaisers now log each outing ...\u201d What do your readers do today without this?"):
#: the writer sees the sentence the piece rests on, and nothing is misread into it. The quote
#: replaced a paraphrase of who the claim says can now do what ("Before supervisors could plan a
#: drop": they always could), which editors found useful 14 times of 64 over rounds 44 to 49, so
#: it is no longer asked. The future state is the state the reader's world demands (LABELS.md: "the
#: state the reader has to reach ... and the first step toward it"), not where the product gets
#: them: "Where does this get your readers, by when, and what is their first step?" was wrong 30
#: times of 30 in rounds 61 and 62, most often because the draft already says it (its results, an
#: order-by date, its call to action). Its successor set the product aside ("Setting the product
#: aside, where must your readers get to in the next few years to keep up, and what is their first
#: step?") and was useful 4 times of 40 over rounds 63 to 68 (wrong 17; "pen owners have nothing to
#: keep up with", "a platform step is not a five-year plan"), 0 of 8 once asked only of businesses,
#: so the main claim is asked about why and what it costs, never where it leads. The one on the
#: complaint ("Where should your readers be instead ...") was wrong 6 of 6 in rounds 61 and 62 and
#: 43 of 70 over rounds 44 to 60. The future state falls to the general question, generic 83 times
#: and wrong 17 of 100 over rounds 61 to 68.
_QUESTIONS: Final = {
    "why_change": (
        "{complaint} What has changed that makes this a problem your readers must solve now, not next year?",
        "{claim} What do your readers do today without this, and why does that way no longer hold?",
    ),
    "price_of_inaction": (
        "{complaint} What does that cost your readers{counted}?",
        "What does {measure} at {before} cost your reader{counted}?",
        "{claim} What does going without this cost your readers{counted}?",
    ),
    "future_state": (),
}

#: The reader's situation a target states ("... that makes it a problem that young horses are still
#: jolted into a trot?", "... should never need a rail made to order: by when must that be
#: true ...?") is no longer asked: it came from a side feature as often as from the piece's point,
#: and turned the product's quality into the reader's problem ("the surface binds without water
#: and still freeze solid"). Judged blind it was useful 11 times of 32 over rounds 44 to 70, 1 of
#: 16 in rounds 69 and 70, where the claim's future state had left it the only question to ask.
#: What a reader's standing still is counted in. Customers only for readers who have their own
#: (a draft that speaks of "your clients", "your shop", or to contractors, retailers, clinics): 21
#: verdicts of rounds 44 to 56 said "customers" fits an expectant parent, a dog owner, a cricketer
#: or a holidaymaker badly, while time and money fit every reader.
COSTS: Final = {True: "hours, money or customers", False: "time or money"}
#: How the cost questions ask it counted. A business that serves customers counts it over its
#: trading rhythm; other readers (a couple booking one wedding cake, the buyer of a £640 sundial, a
#: sensitive-skin soap buyer) spend once, and "in a typical week or season" asked of them was
#: wrong for 24 verdicts of rounds 62 to 80 whose note named the period ("a weekly or seasonal
#: cost does not fit a couple hiring a marquee once").
COUNTED: Final = {True: f" in a typical week or season, in {COSTS[True]}", False: f", in {COSTS[False]}"}
#: A draft whose readers serve customers of their own: "your" before a business's noun, or readers
#: named as businesses. "Our customers" is not one: there the customers are the readers.
SERVES_CUSTOMERS: Final = guarded(
    r"\byour (?:\w+ )?(?:customers?|clients?|patients?|guests?|diners|shoppers|tenants|passengers|buyers|teams?|"
    r"staff|crews?|employees|business|shop|store|practice|firm|company|fleet|sales|margins?|revenue|clinic|"
    r"dealership|plant|warehouse|depot|sites?|orders|operations?)\b|"
    r"\b(?:B2B|businesses|companies|firms|contractors|operators|retailers|wholesalers|distributors|manufacturers|"
    r"suppliers|dealers|stockists|practices|clinics|agencies|fleets|teams|employers)\b",
    re.IGNORECASE,
)
#: What follows the quoted main claim, for counting the questions it gives (`benchmarks/coaching.py`).
CLAIM_QUESTION_ENDINGS: Final = tuple(
    q.split("claim} ", 1)[1].format(counted=counted)
    for qs in _QUESTIONS.values()
    for q in qs
    if q.startswith("{claim} ")
    for counted in COUNTED.values()
)
#: A main claim longer than this is a paragraph, not a sentence to quote back.
MAX_CLAIM_WORDS: Final = 40
#: The general questions, retired in the eighteenth pass. They asked what the rubric's own
#: description of the element already says ("Where does your reader need to be, by when, and what
#: is the first step?"), of every draft alike: over every coaching round that judged them they were
#: useful 0 times of 1,286 verdicts (generic 1,238, wrong 44, most often "asks what the draft
#: already says"), against the issue's "specific to the document's own topic". An element with
#: nothing in the draft to ask about now gets no question; the checklist still names it missing,
#: with its description. Kept to read the sheets of the rounds that judged them.
_GENERAL: Final = {
    "why_change": ("What has changed in your reader's world that makes their current way of working fall short?",),
    "price_of_inaction": ("What does doing nothing cost your reader in a typical week or season, in {costs}?",),
    "future_state": ("Where does your reader need to be, by when, and what is the first step?",),
}
#: Where nothing in the body can be quoted, the headline can: it says what the piece is about in
#: the writer's own words (a new blind, a living tray of microgreens), which every general
#: question ignored ("says nothing about the new Sowerby Bridge market or its traders": every
#: judge of rounds 57 to 60 gave the general questions "generic", 0 useful of 212). Asked only of
#: a feature pitch (`score.suggest` gives no headline otherwise): of company news (a restored
#: ring of bells, a workshop's move, an award) "what does it cost your readers to leave things
#: as they are" has no status quo to count: in rounds 61 and 62 those two questions were wrong 17
#: times of 30 on pieces the model reads as awareness, 2 of 14 on feature pitches (useful 11). No
#: future state: the draft answered it (wrong 22 of 24, above).
_ON_HEADLINE: Final = {
    "why_change": (
        "Your headline says {headline}: why does that matter to your readers now, and what has changed for them?",
    ),
    "price_of_inaction": (
        "Your headline says {headline}: what does it cost your readers, in {costs}, to leave things as they are?",
    ),
    "future_state": (),
}
#: The retired general questions, for reading the judged sheets (`benchmarks/coaching.py`).
GENERAL_QUESTIONS: Final = frozenset(
    q.format(costs=costs) for questions in _GENERAL.values() for q in questions for costs in COSTS.values()
)
#: What follows the quoted headline, for counting the questions it gives (`benchmarks/coaching.py`).
HEADLINE_QUESTION_ENDINGS: Final = tuple(
    q.split("{headline}")[1].format(costs=costs) for qs in _ON_HEADLINE.values() for q in qs for costs in COSTS.values()
)
MAX_QUESTIONS: Final = 3
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Focus:
    """What the piece is about, as the parse of its targets found it (every field optional)."""

    measure: str | None = None  # "median pipeline time"
    before: str | None = None  # "14 minutes"
    complaint: str | None = None  # the draft's own sentence about the reader's way today, quoted
    claim: str | None = None  # the main claim's sentence, quoted after the draft's complaint
    customers: bool = False  # the readers serve customers of their own (`SERVES_CUSTOMERS`)
    headline: str | None = None  # the piece's title, quoted when nothing in its body can be


def coaching_questions(missing: Sequence[str], focus: Focus) -> dict[str, list[str]]:
    """One to three questions for each missing rubric element the draft gives something to ask
    about, about the piece's own subject; an element it gives nothing for is left out."""
    unknown = set(missing) - set(RUBRIC_ELEMENTS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {RUBRIC_ELEMENTS}")
    fields = {
        "measure": None if _bare(focus.measure) else focus.measure,
        "before": focus.before,
        "complaint": f"\u201c{focus.complaint}\u201d" if focus.complaint else None,
        "claim": _quoted_claim(focus.claim),
        "costs": COSTS[focus.customers],
        "counted": COUNTED[focus.customers],
        "headline": f"\u201c{focus.headline}\u201d" if focus.headline else None,
    }
    questions: dict[str, list[str]] = {}
    for element in RUBRIC_ELEMENTS:
        if element not in missing:
            continue
        here = fields if element != "price_of_inaction" else {**fields, **_without_their_cost(focus)}
        asked = _asked(_QUESTIONS[element], here)[:MAX_QUESTIONS] or _asked(_ON_HEADLINE[element], here)
        if asked:
            questions[element] = asked
    return questions


#: Time lost or saved, counted per period: "We used to lose an hour a week looking for keys", "cut
#: the time spent on stock from around three hours a week to under one". Asked what that costs,
#: every judge of round 78 called it asking what the draft already says; over rounds 44 to 80 the
#: cost question on such a sentence was wrong 5 times of 6.
_STATES_ITS_COST: Final = re.compile(
    r"\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|half an?|\d+(?:\.\d+)?) "
    r"(?:hours?|minutes?|days?|mornings?|afternoons?|evenings?) (?:a|per|each|every) "
    r"(?:week|month|year|day|season|shift|job|fortnight)\b",
    re.IGNORECASE,
)


def _without_their_cost(focus: Focus) -> dict[str, str | None]:
    """The quoted sentences that count their own cost in time, left out of the cost question."""
    return {
        field: None
        for field, sentence in (("complaint", focus.complaint), ("claim", focus.claim))
        if sentence and _STATES_ITS_COST.search(sentence)
    }


#: A measure that says nothing without what it measures: "average time" [from finished segment to
#: payment], asked as "What does average time at 52 days cost ...?" (round 32: "garbled figure").
_BARE_MEASURE: Final = re.compile(r"^(?:the )?(?:(?:average|median|mean|typical|total) )?(?:time|rate|number|count)$")


def _bare(measure: str | None) -> bool:
    return measure is not None and bool(_BARE_MEASURE.match(measure))


#: A claim that cannot be quoted alone: it opens or ends on a word pointing back at an earlier
#: sentence ("This year we've brought together three people who can answer them"), or tells what
#: happened in a past year ("In 2024 we developed 31,212 rolls of film"), and "what do your readers
#: do without this" has no "this" to ask about.
_NOT_QUOTABLE: Final = re.compile(
    r"^(?:it|they|these|those|this|that)\b(?! (?:year|month|week|season|spring|summer|autumn|fall|winter)\b)|"
    r"\b(?:it|them|these|those)[.!?]?$|^(?:in|by|during) (?:\w+ )?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _quoted_claim(claim: str | None) -> str | None:
    """The main claim in quotation marks, ending on its own stop; a paragraph-long one is not quoted."""
    if not claim or len(claim.split()) > MAX_CLAIM_WORDS or _NOT_QUOTABLE.search(claim):
        return None
    claim = claim.strip()
    return f"\u201c{claim if claim[-1] in '.!?' else claim + '.'}\u201d"


def _asked(templates: Sequence[str], fields: dict[str, str | None]) -> list[str]:
    """The templates whose fields the piece fills, filled."""
    return [_sentence(q.format(**fields)) for q in templates if all(fields.get(name) for name in _FIELD.findall(q))]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
