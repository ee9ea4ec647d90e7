"""Suggested rewrites: a feature or awareness sentence turned into a case for change.

A writer learns more from their own sentence turned around than from a rule about it. Each
strategy reads what the dependency parse says the sentence is about (the capability, the
actor, the benefit, any price or old way it names) and rebuilds it with the reader's world
as the subject: what doing nothing costs, what has shifted, what the reader must reach.

Strategies are registered under versioned names, spaCy style: a changed strategy gets a new
name, so a suggestion made with an old one can be reproduced. Facts the tool cannot know go
into visible [bracketed placeholders]; a rewrite never invents a number.

The parser (spaCy's small English model, `requirements-parser.txt`) is loaded on the first
rewrite request, once per process: classification never needs it.

`parse` reads a sentence (`reading` and `phrases` do the work, `lexicon` holds the word lists,
`grammar` the English); `moves/` holds the strategies, one module per rubric target
(`targets`), registered in `registry`; `score` proposes, scores and ranks the rewrites.
"""

from analyzer.analysis.suggest.grammar import a_or_an, gerund
from analyzer.analysis.suggest.parse import parser
from analyzer.analysis.suggest.registry import Registry, Rewriter, rewriters
from analyzer.analysis.suggest.score import MAX_CANDIDATES, Scorer, Suggestion, propose, suggest
from analyzer.analysis.suggest.targets import TARGETS, Rewrite

__all__ = [
    "MAX_CANDIDATES",
    "TARGETS",
    "Registry",
    "Rewrite",
    "Rewriter",
    "Scorer",
    "Suggestion",
    "a_or_an",
    "gerund",
    "parser",
    "propose",
    "rewriters",
    "suggest",
]
