"""A rewrite move's builder: the writer's own sentence, and after it the question whose answer makes the case.

Eleven rounds of independent editors retired every frame that wrote the reader's situation
for the writer (docs/suggestions.md, section 4): what they used is the writer's sentence as it
stands and a form after it ("... Until now, you had to [what did you do instead?]."), or
a result's own old figure put to work. A `Frame` is one such pattern over `_fields`: the
sentence, what the draft already argues (a frame stays away where `unless` fields are filled),
the product's name, a result's measure and figure. Facts only the writer has are
«question|stand-in» markers: the text shows the question in brackets for the writer to answer;
the scorer reads the neutral stand-in instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.analysis.suggest.argued import SAYS_THE_OLD_WAY
from analyzer.analysis.suggest.kinds import named_subject, opens_with_a_release
from analyzer.analysis.suggest.registry import Registry
from analyzer.analysis.suggest.slots import Slots
from analyzer.analysis.suggest.targets import Rewrite, make_rewrite
from analyzer.text.guarded import guarded

#: Words that speak to the reader, in a draft or in a frame's own words.
SPEAKS_TO_READER = guarded(r"\byou(?:r|rs|'re|'ll|'ve)?\b", re.IGNORECASE)
#: The words a frame's {reader} and {they} take, for a draft that speaks to one reader (False)
#: or to a team (True).
READERS: dict[bool, dict[str, str]] = {
    False: {"reader": "you", "they": "you"},
    True: {"reader": "your team", "they": "they"},
}
#: A draft that speaks to a team, not to one reader: round 37's editors called "your team" the
#: wrong reader of a blog read by landowners, of a yacht owner's page, of a club secretary's.
SPEAKS_TO_A_TEAM = guarded(
    r"\byour (?:\w+ )?(?:teams?|staff|crews?|people|employees|engineers|agents|reps|colleagues|departments?)\b",
    re.IGNORECASE,
)
#: A contrast the sentence draws itself ("..., not just to the record as a whole", "... on your
#: boat, not from the class drawing"): round 39's editors read a form after it as a repeat.
_CONTRAST = guarded(r"\bnot just\b|, not (?:from|by|on|in|with|at|just)\b", re.IGNORECASE)
#: What is new, said in the sentence: "now", "today", "can now", "lets you", "introducing".
NEWS_SAID = guarded(
    r"\b(?:now|new|newly|today|tonight|this (?:week|month|season|spring|summer|autumn|fall|winter|release|update)|"
    r"can now|lets? (?:you|your|them|every|each|any)|you(?:'ll)? can|introduc\w*|launch\w*|releas\w*|automatically)\b",
    re.IGNORECASE,
)
#: An invitation to an event ("Longleaf Fire Services is hosting a free evening briefing", "In this
#: 45-minute session, two of our trainers walk through ..."): round 39's editors, "a briefing has no
#: 'instead'"; round 46's, "a webinar description" with the form after it.
INVITATION = guarded(
    r"\b(?:is hosting|are hosting|will host|join us|register (?:now|today|here|for)|save your (?:seat|spot)|"
    r"(?:free|live|online|evening|morning|lunchtime) (?:webinar|briefing|workshop|session|demo)|webinar|"
    r"in this (?:[\w-]+ )?(?:session|briefing|workshop|talk|masterclass))\b",
    re.IGNORECASE,
)
#: A place the company opens ("will open a second exhibition space in Leith", "opened a second
#: workshop"): what readers did instead of a gallery's new room is no question (round 46's
#: editors, both "no" to the form after it). The sentence can still be the piece's main claim.
#: Not an office or a branch: those are company news (`news.py`), rewritten only when the writer
#: asks for news (`include_news`), and then as they ask.
_PREMISES = guarded(
    r"\bopen(?:s|ed|ing)? (?:a|an|its|our|their) (?:new |second |third |fourth )?(?:[\w-]+ )?"
    r"(?:space|workshop|plant|gallery|studio|showroom|shop|store|kitchen|foundry|"
    r"factory|warehouse|depot|clinic|bakery|restaurant|premises)\b",
    re.IGNORECASE,
)
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
    needs: frozenset[str] = frozenset()  # the fields that must be filled for the frame to apply
    unless: frozenset[str] = frozenset()  # fields that must be empty: what the draft already says
    evergreen: bool | None = None  # only on a page that announces nothing (True), or only on one that does

    @property
    def addresses_reader(self) -> bool:
        """Do the frame's own words speak to the reader ("{reader} had to", "you pay")?"""
        own_words = re.sub(r"\{(?!reader\})\w+\}", "", self.clause).replace("{reader}", "you")
        return bool(SPEAKS_TO_READER.search(_MARKER.sub("", own_words)))

    def build(self, slots: Slots) -> Built | None:
        if slots.kind not in self.kinds:
            return None
        fields = _fields(slots)
        if any(not fields[name] for name in self.needs) or any(fields[name] for name in self.unless):
            return None
        marked = _capitalized(self.clause.format(**fields))
        text = _MARKER.sub(lambda m: f"[{m.group(1)}]", marked)
        filled = _MARKER.sub(lambda m: m.group(2), marked)
        return Built(make_rewrite(self.name, self.move, text, self.rationale), filled)


def _capitalized(text: str) -> str:
    """The rewrite starts like a sentence, whatever clause a frame opened it with."""
    return text[:1].upper() + text[1:]


def _fields(slots: Slots) -> dict[str, str]:
    """What a frame's clause may say: the writer's sentence, its result's figures, what the draft argues."""
    many = slots.measure_plural
    return {
        # The writer's sentence as it stands, and ready to follow a clause (first letter lowered
        # unless it starts a name).
        "original": slots.original,
        "lead": slots.lead,
        # The draft already says how the reader works today, near the sentence (see `argued`).
        "argued": "argued" if slots.argued else "",
        # The old way, said in the sentence itself ("... no longer rebuilds", "instead of delivered").
        "old_way": found.group(0)
        if (found := SAYS_THE_OLD_WAY.search(slots.original) or _CONTRAST.search(slots.original))
        else "",
        # The sentence is the product's news: it names the product or says what is new (round
        # 39: "no feature and no 'you' who did something instead" after a visitor blog's line).
        "fresh": "fresh" if _names_product(slots) or NEWS_SAID.search(slots.original) else "",
        # The sentence invites the reader to an event, or opens a place: it replaces nothing they did.
        "invitation": found.group(0)
        if (found := INVITATION.search(slots.original) or _PREMISES.search(slots.original))
        else "",
        # "Without Tilerun, ..." on the product's own page, when the sentence names it alone (not
        # "Saltmarsh Listen", not a plan's name); otherwise what the sentence just said ("Without this").
        "name": _named_alone(slots.product, slots.original) or "this",
        # A result's measure and its old figure: "At 14 minutes, median pipeline time costs ...".
        "measure": slots.measure or "",
        "before": slots.before or "",
        "m_s": "" if many else "s",
        # Who the form asks about: the draft's team, or its one reader ("you had to ...").
        **READERS[slots.team],
    }


def _names_product(slots: Slots) -> bool:
    """Does the sentence name the draft's product (the name it mentions most, or a name doing
    something at its start)? A place or a person named in it ("our first apprentice, Sam"; "farms
    near Dundee") says nothing new of the product."""
    if slots.product is not None and re.search(rf"\b{re.escape(slots.product)}\b", slots.original):
        return True
    return named_subject(slots.original) or opens_with_a_release(
        slots.original
    )  # "Tilerun reads ...", "Kiln CI 4.12 ..."


def _named_alone(name: str | None, sentence: str) -> str | None:
    """`name`, if the sentence names it and not as the last word of a longer name."""
    if not name:
        return None
    if name.isupper():
        return None  # "IDG", "PM": an acronym is the reader's term more often than the product's name
    found = re.search(rf"(?:(\S+)\s+)?\b{re.escape(name)}\b", sentence)
    if not found or (found.group(1) and found.group(1)[:1].isupper() and found.start(1) > 0):
        return None
    return name


#: Fields a sentence may not have; a frame using one applies only when it is there.
_OPTIONAL = frozenset({"topic", "Topic", "measure", "before", "product", "argued", "old_way", "invitation", "fresh"})

#: Every frame, by name, in the order the moves modules register them.
rewriters: Registry[Frame] = Registry("rewriters")


def frame(
    name: str,
    move: str,
    kinds: set[str],
    clause: str,
    rationale: str,
    *,
    needs: set[str] | None = None,
    unless: set[str] | None = None,
    evergreen: bool | None = None,
) -> Frame:
    """Register a frame under `name`; the moves modules declare theirs with this.

    `needs` defaults to the fields the clause uses that a sentence may lack (topic, measure,
    status-quo figure); `unless` names fields that keep the frame away when filled;
    an `evergreen` one (True) only for a page that announces nothing, (False) only for one that
    does.
    """
    used = set(re.findall(r"\{(\w+)\}", clause))
    wanted = _OPTIONAL & used if needs is None else needs
    made = Frame(
        name,
        move,
        frozenset(kinds),
        clause,
        rationale,
        frozenset(wanted),
        frozenset(unless or ()),
        evergreen,
    )
    rewriters.register(name)(made)
    return made
