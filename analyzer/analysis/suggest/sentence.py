"""What a move reads: the parts of a sentence the dependency parse found (every one may be missing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from analyzer.analysis.suggest.grammar import third_person


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase from the sentence, cased for the middle of a sentence."""

    text: str
    plural: bool

    @property
    def be(self) -> str:
        return "are" if self.plural else "is"

    @property
    def pronoun(self) -> str:
        return "them" if self.plural else "it"


@dataclass(frozen=True, slots=True)
class VerbPhrase:
    """A verb phrase from the sentence with its verbs in base form ("cut costs in half")."""

    base: str
    gerund: str

    @property
    def third_person_base(self) -> str:
        """`base` for a third-person subject ("teams that ... their phone")."""
        return third_person(self.base)


@dataclass(frozen=True, slots=True)
class ParsedSentence:
    """What the dependency parse says a sentence is about; every field may be missing."""

    text: str
    kind: str  # "statement" | "question" | "imperative" | "fragment"
    actor: Phrase | None  # the product or company the sentence is about
    capability: Phrase | None  # what the offering has or does, as a noun phrase
    benefit: VerbPhrase | None  # what the reader gets done with it
    action: VerbPhrase | None  # an imperative call to action ("join us at booth 412")
    old_way: Phrase | None  # the status quo the sentence contrasts with ("legacy tools")
    situation: str | None  # the reader's situation a question asks about ("you are tired of X")
    price: str | None  # "$49 per user per month", or a sum with `priced` saying what it buys
    priced: Phrase | None  # what the price buys ("a single-battery package")
    quantities: tuple[str, ...]
    topic: Phrase | None  # the subject matter, when there is no capability
    launch: bool  # the sentence announces something new
    doc: Doc | None = field(default=None, compare=False, repr=False)
