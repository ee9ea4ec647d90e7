"""The draft's own argument, put in front of the claim it explains.

Editors who never saw the engine took the reason from the draft before inventing one: a draft
that says "paper temperature logs get filled in at the end of a shift, and the claim arrives six
weeks later asking for a reading nobody took" three sentences after the feature that ends it
already has its why; the editor moves it to the feature ("A claim that arrives six weeks later
asking for a reading nobody took is a claim you pay, so Rimewell records ..."). No library knows
the draft's world as well as the draft does.

A reason is an argument sentence of the draft (`kinds.ARGUMENT`: the reader's way today, what
readers told the writer, a sentence the model reads as arguing) that shares a content word with a
target in the same section or close to it, in the draft's voice, not the company's ("we", "our").
The argument is moved whole, and opens one rewrite at most: the target it shares most with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from spacy.tokens import Doc

from analyzer.analysis.suggest.kinds import ARGUMENT, HEADING, Line
from analyzer.analysis.suggest.parse import clean, parser
from analyzer.analysis.suggest.stakes import GENERIC_WORLD

#: A reason an editor would put in front of a sentence: long enough to say something, short
#: enough that with the writer's sentence it is still one to read.
MIN_WORDS: Final = 6
MAX_WORDS: Final = 30
#: How far (sentences) an argument may sit from its target outside the target's own section.
NEAR: Final = 3
#: The company's voice: a reason is the reader's world, not the vendor's story.
_COMPANY_VOICE: Final = re.compile(r"\b(?:we|we're|we've|our|ours|us|i|i'm|my)\b", re.IGNORECASE)
#: A clause that opens with a word pointing back at the sentence before it cannot be moved.
_POINTS_BACK: Final = frozenset({"it", "this", "that", "they", "these", "those", "there", "which", "such"})
#: "When a gauge fails, ...": a sentence that opens on a condition reads badly with "so" after it.
_SUBORDINATORS: Final = frozenset(
    {"when", "whenever", "if", "because", "while", "since", "although", "though", "unless", "until", "once", "as"}
    | {"after", "before", "by"}
)
#: What the status quo costs: the reason argues the price of inaction.
_COST: Final = re.compile(
    r"\b(?:cost|costs|costing|pay|pays|paid|paying|lose|loses|lost|losing|charge[sd]?|fines?|penalt\w*|"
    r"wast\w*|spoil\w*|writ\w* off|demurrage|overtime|refund\w*|money|revenue|margin)\b",
    re.IGNORECASE,
)
_CONTENT_POS: Final = frozenset({"NOUN", "VERB", "ADJ", "PROPN"})


@dataclass(frozen=True, slots=True)
class Reason:
    source: int  # the argument sentence's index in the draft
    clause: str  # opens the rewrite: no final stop
    move: str  # "why_change", or "price_of_inaction" when it names what the status quo costs


def draft_reasons(
    lines: Sequence[Line], kinds: Sequence[str], targets: Sequence[int], names: frozenset[str] = frozenset()
) -> dict[int, Reason]:
    """For each target an argument of the draft explains, that argument as the clause to open it."""
    arguments = [i for i, kind in enumerate(kinds) if kind == ARGUMENT and _movable(lines[i].text)]
    if not arguments or not targets:
        return {}
    docs = list(parser().pipe([clean(lines[i].text) for i in [*arguments, *targets]]))
    said = dict(zip([*arguments, *targets], (_content(doc, names) for doc in docs), strict=True))
    clauses = {i: clause for i, doc in zip(arguments, docs, strict=False) if (clause := _clause(doc)) is not None}
    sections = _sections(kinds)
    pairs = []
    for a in clauses:
        for t in targets:
            shared = len(said[a] & said[t])
            close = sections[a] == sections[t] or abs(a - t) <= NEAR
            if shared >= 2 or (shared and close):
                pairs.append((-shared, abs(a - t), a, t))
    found: dict[int, Reason] = {}
    taken: set[int] = set()
    for _, _, a, t in sorted(pairs):
        if a in taken or t in found:
            continue
        clause = clauses[a]
        found[t] = Reason(a, clause, "price_of_inaction" if _COST.search(clause) else "why_change")
        taken.add(a)
    return found


def _movable(text: str) -> bool:
    words = text.split()
    return (
        MIN_WORDS <= len(words) <= MAX_WORDS
        and text.rstrip().endswith(".")
        and not _COMPANY_VOICE.search(text)
        and not text.lstrip().startswith(("\u201c", '"'))
    )


def _clause(doc: Doc) -> str | None:
    """The argument as the clause to open a rewrite; None when it cannot stand first.

    The whole sentence: of "A, and B" the consequence B alone lost what it was about ("the clinic
    only finds out at the next appointment"), so nothing is cut.
    """
    sents = list(doc.sents)
    if len(sents) != 1:
        return None
    root = sents[0].root
    subjects = [child for child in root.children if child.dep_ in {"nsubj", "nsubjpass", "expl"}]
    if root.pos_ not in {"VERB", "AUX"} or not subjects:
        return None  # a fragment or an imperative: nothing to put in front of a sentence
    if doc[0].lower_ in _POINTS_BACK | _SUBORDINATORS or doc[0].dep_ == "mark" or subjects[0].lower_ in _POINTS_BACK:
        return None  # "It shifts ...", "When they change, ...": it leans on the sentence before it
    if len([t for t in doc if not t.is_punct]) > MAX_WORDS:
        return None
    text = doc.text.rstrip(" .!;:,")
    first = doc[0]
    keep_capital = first.pos_ == "PROPN" or first.text.isupper()
    return text if keep_capital else text[:1].lower() + text[1:]


def _content(doc: Doc, names: frozenset[str]) -> frozenset[str]:
    lowered = {name.lower() for name in names}
    return frozenset(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in _CONTENT_POS
        and t.is_alpha
        and len(t) > 2
        and not t.is_stop
        and t.lower_ not in lowered
        and t.lemma_.lower() not in GENERIC_WORLD
    )


def _sections(kinds: Sequence[str]) -> list[int]:
    """Each sentence's section: how many headings come before it."""
    sections, current = [], 0
    for kind in kinds:
        current += kind == HEADING
        sections.append(current)
    return sections
