"""The parts of a case for change a writer names in a section heading: "What waiting costs",
"Where to start", "Why now".

The rubric's detectors read sentences, and a sentence under "What waiting costs" often states
its cost as a plain fact ("A section of gilding left for eight years cost £11,400 to redo")
that the detector, trained to want the reader's stake in the sentence itself, scores under its
threshold. The element was then reported missing and the coaching asked for it: judged blind over
rounds 44 to 72, the cost questions asked of drafts with such a section were wrong 12 times of
14 ("the post already has a section called 'What doing nothing costs'"), and "Where does your
reader need to be ..." under a "Where to start" section was wrong every time it was judged. The
writer's heading is the writer's own statement of what the section argues; an editor takes it
at its word and asks about the sections that are missing, not about the ones that are there.

Only headings that name the element itself count. "What it costs" is a price list, "What
changed" a case study's result, "Why teams choose us" a feature list: none of them is matched.
A named element keeps the detector's score (the case-for-change score is the model's alone);
it is reported present, with the section's sentences as its evidence, best first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from analyzer.labels import RUBRIC_ELEMENTS
from analyzer.model.rubric import MAX_EVIDENCE, ElementResult

#: What standing still is called in a heading about its price.
_STANDING_STILL: Final = (
    r"(?:waiting|delay(?:ing)?|doing nothing|standing still|inaction|the status quo|the old way|the gap|"
    r"leaving it|putting it off|not (?:acting|changing|\w+ing)|a late \w+|an? (?:\w+ )?(?:failure|fail|refusal|"
    r"breakdown|outage|leak))"
)
#: Each element, as a heading names it. Anchored at the heading's start: a heading that only
#: mentions waiting ("Yeast doesn't wait for your schedule") names no element.
NAMED: Final = {
    "why_change": re.compile(
        r"^(?:why now|why (?:this|it) matters now|why this (?:year|season|spring|summer|autumn|winter) is different|"
        r"what(?:'s| has) (?:changed|shifted)|why the old (?:\w+ ){1,2}no longer works|"
        r"the old way no longer works)\b",
        re.IGNORECASE,
    ),
    "price_of_inaction": re.compile(
        rf"^(?:what {_STANDING_STILL} (?:really |actually )?costs?\b|"
        r"what (?:an? |the )?(?!(?:our|it|this|that|we)\b)[\w-]+(?: [\w-]+)? (?:really|actually) costs?\b|"
        r"what it costs to (?:wait|leave it|do nothing|put it off|delay|stand still)\b|"
        rf"(?:the )?(?:hidden |real |true )?(?:cost|price) of {_STANDING_STILL}\b)",
        re.IGNORECASE,
    ),
    "future_state": re.compile(
        r"^(?:where to (?:start|begin)|what good looks like|where (?:you|your [\w-]+) (?:want|need)s? to be|"
        r"what to do (?:instead|now|next|first)|(?:your |the )?first steps?)\b",
        re.IGNORECASE,
    ),
}
_MARKUP: Final = re.compile(r"^[#\s*_]+|[*_\s:.?!]+$")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the indexes of the sentences under it."""

    heading: str
    sentences: Sequence[int]


def named_element(heading: str) -> str | None:
    """The rubric element a section heading names, or None."""
    text = _MARKUP.sub("", heading)
    return next((element for element, pattern in NAMED.items() if pattern.match(text)), None)


def with_named_sections(
    elements: dict[str, ElementResult], sections: Sequence[Section], evidence: np.ndarray
) -> tuple[dict[str, ElementResult], dict[str, str]]:
    """`elements` with every missing element a section names (and has sentences under) present,
    and the headings that named them.

    `evidence` is the sentences' evidence scores, one column per element (`rubric.evidence_scores`):
    the section's sentences are listed best first. The element's score stays the detector's.
    """
    named: dict[str, str] = {}
    out = dict(elements)
    for section in sections:
        element = named_element(section.heading)
        if element is None or out[element].present or not section.sentences:
            continue
        column = RUBRIC_ELEMENTS.index(element)
        ranked = sorted(section.sentences, key=lambda i: -float(evidence[i, column]))
        out[element] = ElementResult(True, out[element].score, tuple(ranked[:MAX_EVIDENCE]))
        named[element] = section.heading.strip()
    return out, named
