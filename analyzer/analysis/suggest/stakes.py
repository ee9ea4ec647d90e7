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
approval stake.
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True, slots=True)
class Stake:
    id: str
    theme: str  # the capability it is about: "appointment reminders"
    keywords: tuple[frozenset[str], ...]  # lemma groups; a sentence must have one of each
    move: str  # "why_change" | "price_of_inaction" | "future_state"
    text: str  # a clause, no final stop, to be followed by ", so <the writer's sentence>"

    def fits(self, lemmas: frozenset[str]) -> bool:
        return all(group & lemmas for group in self.keywords)


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
        stakes.append(Stake(row["id"], row["theme"], keywords, row["move"], row["stake"].strip().rstrip(".")))
    return tuple(stakes)


def stakes_for(lemmas: Iterable[str], stakes: Iterable[Stake] | None = None) -> Mapping[str, Stake]:
    """For each move, the stake that fits the sentence most specifically (most keyword groups;
    the first in the file on a tie), if any fits."""
    found = frozenset(lemma.lower() for lemma in lemmas)
    best: dict[str, Stake] = {}
    for stake in load_stakes() if stakes is None else stakes:
        if stake.fits(found) and len(stake.keywords) > len(best[stake.move].keywords if stake.move in best else ()):
            best[stake.move] = stake
    return best
