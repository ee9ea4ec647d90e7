"""A rewrite move's builder: the reader's situation as a clause, then the writer's own sentence.

An editor keeps the original inside the rewrite (same subject, verb, object and numbers) and
adds, before it, the clause that makes it matter to the reader: the situation without it, what
the status quo costs, what has shifted, where the reader must get to. A `Frame` is one such
clause with its joint ("so", "which is why", a colon). Its slots come from the sentence's parse
(`slots.Slots`): the topic in the reader's world, who does the work, the verb forms the topic
needs. Facts only the writer has are «question|stand-in» markers: the text shows the question
in brackets for the writer to answer; the scorer reads the neutral stand-in instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.analysis.suggest.registry import Registry
from analyzer.analysis.suggest.slots import Slots
from analyzer.analysis.suggest.targets import Rewrite, make_rewrite

_MARKER = re.compile(r"\u00ab([^|\u00bb]+)\|([^\u00bb]+)\u00bb")


@dataclass(frozen=True, slots=True)
class Built:
    """A rewrite and the text the scorer reads: its placeholders filled by neutral stand-ins."""

    rewrite: Rewrite
    filled: str


@dataclass(frozen=True, slots=True)
class Frame:
    name: str  # versioned registry name
    move: str  # the rubric element it argues
    kinds: frozenset[str]  # the sentence kinds it fits
    clause: str  # str.format pattern over `_fields`, with «question|stand-in» markers
    rationale: str
    needs_topic: bool = True

    def build(self, slots: Slots) -> Built | None:
        if slots.kind not in self.kinds or (self.needs_topic and slots.topic is None):
            return None
        marked = self.clause.format(**_fields(slots))
        text = _MARKER.sub(lambda m: f"[{m.group(1)}]", marked)
        filled = _MARKER.sub(lambda m: m.group(2), marked)
        return Built(make_rewrite(self.name, self.move, text, self.rationale), filled)


def _fields(slots: Slots) -> dict[str, str]:
    topic = slots.topic or ""
    plural = slots.plural
    people = slots.people or "your team"
    return {
        "lead": slots.lead,
        # The joint: "so", unless the sentence already turns on its own "so".
        "so": "and" if re.search(r"\bso\b", slots.lead) else "so",
        "topic": topic,
        "Topic": topic[:1].upper() + topic[1:],
        "people": people,
        "People": people[:1].upper() + people[1:],
        "s": "" if plural else "s",  # "dock doors get" / "the queue gets"
        "be": "are" if plural else "is",
        "do": "do" if plural else "does",
        "it": "they" if plural else "it",
        "them": "them" if plural else "it",
        "people_s": "" if slots.people else "s",  # "drivers spend" / "your team spends"
    }


#: Every frame, by name, in the order the moves modules register them.
rewriters: Registry[Frame] = Registry("rewriters")


def frame(name: str, move: str, kinds: set[str], clause: str, rationale: str, *, needs_topic: bool = True) -> Frame:
    """Register a frame under `name`; the moves modules declare theirs with this."""
    made = Frame(name, move, frozenset(kinds), clause, rationale, needs_topic)
    rewriters.register(name)(made)
    return made
