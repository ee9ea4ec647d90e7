"""Is a rewrite one well-formed sentence a writer can paste? The cheap guard and the parser's rule.

`looks_well_formed` is the guard every rewrite passes before it is offered (no parse: it runs on
every alternative). `problems` is the rule the benchmark judges by, with spaCy's parser: the text,
each placeholder read as the noun phrase "this", parses as one sentence, or two (the writer's
sentence and the reader's situation in a sentence of its own), each with a finite verb (a command
counts; a root misplaced by the small parser in a long sentence is not held against it); it
starts like a sentence and ends with . ! or ?; no word is doubled ("the the"); no placeholder is
empty, unclosed, or touching another. The editor's own rewrites in the evaluation set pass it
(benchmarks/rewrites.py prints their rate beside the engine's, and the share of one sentence).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Token

from analyzer.analysis.suggest.kinds import DATELINE_PREFIX
from analyzer.analysis.suggest.targets import PLACEHOLDER

#: A finite verb: present, past or a modal. The small parser often roots a long sentence at a
#: noun while tagging its verb right, so the rule asks for a finite verb, not a verbal root.
_FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})
#: The writer's sentence and the reader's situation in a sentence of its own: two at most.
MAX_SENTENCES = 2
_DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
_TOUCHING = re.compile(r"\]\s*\[")
#: A joint left hanging: "so ." or "and ,". A clause set off after "and" or "so" ("and, where a
#: floor falls short, applies ...") is English, as the editors of batches 46 and 48 wrote it.
_BROKEN_JOINT = re.compile(
    r"\s[,;:]|,,|\.\.(?!\.)|\b(?:so|and|because|while|which is why)\s*(?:[.;:]|,(?!\s*(?:where|when|if|once|"
    r"after|before|as soon as|unless|though|although|in\b)))",
    re.IGNORECASE,
)
#: "that that" and "had had" are English; a doubled article or preposition never is.
_DOUBLES_ALLOWED = frozenset({"that", "had"})


def looks_well_formed(text: str) -> bool:
    """The checks that need no parser (see `problems`)."""
    return not _surface_problems(text)


def _surface_problems(text: str) -> list[str]:
    found = []
    flat = PLACEHOLDER.sub("this", text)
    if PLACEHOLDER.match(text):  # a question the writer answers opens the sentence, capitalized
        flat = flat[:1].upper() + flat[1:]
    if "[" in flat or "]" in flat:
        found.append("a bracket that is not a placeholder")
    if _TOUCHING.search(text):
        found.append("two placeholders touching")
    if not flat[:1].isupper() and not flat[:1].isdigit() and flat[:1] not in "\"\u201c'$\u00a3\u20ac":
        found.append("does not start like a sentence")
    if not flat.rstrip("\"\u201d\u2019')").endswith((".", "!", "?")):
        found.append("does not end like a sentence")
    doubled = [m.group(1) for m in _DOUBLED.finditer(flat) if m.group(1).lower() not in _DOUBLES_ALLOWED]
    if doubled:
        found.append(f"doubled word {doubled[0]!r}")
    if _BROKEN_JOINT.search(flat):
        found.append("a dangling joint")
    return found


def problems(text: str, nlp: Language) -> list[str]:
    """Everything wrong with `text` as one sentence to paste; empty when it is well formed."""
    text = DATELINE_PREFIX.sub("", text)  # a press release's dateline, kept in front, is no sentence
    found = _surface_problems(text)
    doc = nlp(PLACEHOLDER.sub("this", text))
    sentences = list(doc.sents)
    if not 1 <= len(sentences) <= MAX_SENTENCES:
        found.append(f"{len(sentences)} sentences")
    elif not all(any(t.tag_ in _FINITE for t in sentence) or _imperative(sentence.root) for sentence in sentences):
        found.append("no finite verb")
    return found


def _imperative(root: Token) -> bool:
    """A command ("Keep the air on all year ...", "Upload tonight and hold ..."): a base-form verb at
    the root with no subject, finite in the imperative mood (the editors' own rewrites use it)."""
    return root.tag_ == "VB" and not any(c.dep_ in {"nsubj", "nsubjpass", "aux"} for c in root.children)
