"""The reader's world: what the status quo costs, written once per capability, found by keywords.

Six independent editors judged every fixed frame unusable (docs/suggestions.md): a rewrite an
editor pastes opens with a concrete stake from the reader's world ("a reminder card on the
fridge is easy to forget, and every missed appointment is a chair nobody else can fill") and
leads into the writer's sentence with "so". The parser cannot know that world, so it is written
down here, in `stakes.jsonl`: for each common capability of B2B products, three stakes (why
change, the price of inaction, the future state), each a mechanism true for almost any
organisation without the capability, with no figure, name, law or trend claim the writer could
not stand behind. A stake is offered only for a sentence that contains a word of every one of
its keyword groups (lemmas), so "invoice" and "approve" must both be there for an invoice
approval stake, and only to a draft from its world: somewhere in the draft a word of each of
its `world` groups ("truck", "trailer", "yard", "dock"...), so a yard's trucks at the gate are
never put in front of a coworking space's door codes. A stake true of any organisation has no
world.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from analyzer.analysis.suggest.targets import TARGETS

STAKES_FILE: Final = Path(__file__).with_name("stakes.jsonl")
#: A single word ("payroll") matched "we'll import your payroll" to a stake about timesheets: a
#: stake needs the thing and what is done to it.
MIN_GROUPS: Final = 2
#: Words too common to say what a sentence is about: "build" and "contract" put a stake about
#: signing proposals in front of "you build next month's rota ... every contract's overtime rules".
VAGUE_KEYWORDS: Final = frozenset(
    {"build", "send", "create", "generate", "make", "get", "use", "run", "check", "see", "show", "give", "take"}
    | {"keep", "set", "add", "find", "let", "help", "work", "do", "have", "go", "come", "put", "start", "need"}
    | {"want", "include", "provide", "offer", "allow", "enable", "handle", "manage", "process", "update"}
    | {"change", "move", "open", "close", "data", "team", "time", "system", "tool", "platform", "software"}
    | {"app", "business", "company", "user", "day", "week", "month", "year", "new"}
)
#: Words every business uses say nothing about which world a draft is from.
GENERIC_WORLD: Final = VAGUE_KEYWORDS | frozenset(
    {"customer", "client", "staff", "employee", "manager", "office", "email", "phone", "call", "job", "order"}
    | {"service", "information", "document", "report", "people", "account", "cost", "money", "price"}
)
_WORD: Final = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True, slots=True)
class Stake:
    id: str
    theme: str  # the capability it is about: "appointment reminders"
    keywords: tuple[frozenset[str], ...]  # lemma groups; a sentence must have one of each
    move: str  # "why_change" | "price_of_inaction" | "future_state"
    text: str  # a clause, no final stop, to be followed by ", so <the writer's sentence>"
    world: tuple[frozenset[str], ...] = ()  # word groups a draft from the stake's world has somewhere

    def fits(self, lemmas: frozenset[str]) -> bool:
        return all(group & lemmas for group in self.keywords)

    def in_world(self, draft: DraftWords) -> bool:
        return all(any(draft.has(word) for word in group) for group in self.world)


@dataclass(frozen=True, slots=True)
class DraftWords:
    """Every word of a draft with its plain forms ("lorries" -> "lorry", "docked" -> "dock"), for
    the world test; read with a pattern, since only the few targets go through the parser."""

    forms: frozenset[str]
    text: str  # lower-cased, for the few world entries of two words ("front desk")

    @classmethod
    def of(cls, text: str) -> DraftWords:
        lowered = text.lower()
        words = set(_WORD.findall(lowered))
        words |= {part for word in words if "-" in word for part in word.split("-")}  # "cold-chain" has "chain"
        return cls(frozenset(form for word in words for form in forms(word)), lowered)

    def has(self, word: str) -> bool:
        return word in self.text if " " in word else word in self.forms


def forms(word: str) -> tuple[str, ...]:
    """The word and what it may be an inflection of; a form that is no word costs nothing."""
    forms = [word]
    for suffix, replacement in (
        ("ies", "y"),
        ("ves", "f"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)] + replacement)
    return tuple(forms)


@lru_cache(maxsize=2)
def load_stakes(path: Path = STAKES_FILE) -> tuple[Stake, ...]:
    """The library, in file order; a malformed line is an error in the package, so it raises."""
    stakes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["move"] not in TARGETS or len(row["keywords"]) < MIN_GROUPS:
            raise ValueError(f"{path.name}:{number}: a stake needs a move in {TARGETS} and {MIN_GROUPS} keyword groups")
        keywords = tuple(frozenset(word.lower() for word in group) for group in row["keywords"])
        vague = set().union(*keywords) & VAGUE_KEYWORDS
        if vague:
            raise ValueError(
                f"{path.name}:{number}: keywords too common to say what a sentence is about: {sorted(vague)}"
            )
        world = tuple(frozenset(word.lower() for word in group) for group in row.get("world", ()))
        generic = set().union(*world) & GENERIC_WORLD if world else set()
        if generic or any(not group for group in world):
            raise ValueError(
                f"{path.name}:{number}: a world group is empty or has words every business uses: {sorted(generic)}"
            )
        stakes.append(Stake(row["id"], row["theme"], keywords, row["move"], row["stake"].strip().rstrip("."), world))
    return tuple(stakes)


def stakes_for(
    lemmas: Iterable[str], draft: DraftWords | None = None, stakes: Iterable[Stake] | None = None
) -> Mapping[str, Stake]:
    """For each move, the stake that fits the sentence most specifically (most keyword groups;
    the first in the file on a tie), if any fits and the draft is from its world (`draft`;
    without it the world is not asked)."""
    found = frozenset(lemma.lower() for lemma in lemmas)
    best: dict[str, Stake] = {}
    for stake in load_stakes() if stakes is None else stakes:
        if not stake.fits(found) or (draft is not None and not stake.in_world(draft)):
            continue
        if len(stake.keywords) > len(best[stake.move].keywords if stake.move in best else ()):
            best[stake.move] = stake
    return best
