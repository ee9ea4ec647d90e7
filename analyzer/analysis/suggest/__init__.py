"""Suggested rewrites, as far as independent editors would use them: the few sentences that carry
the piece, chosen as an editor chooses them, and on the most important one the question a writer
answers to make the case, in the place the answer goes.

`kinds` sorts every sentence as an editor does (heading, dateline, schedule, call to action,
news as `news` reads it, quote... or one of the five kinds worth rewriting) and `choose` picks
the targets; `slots` reads each target with spaCy's small parser (loaded on the first request,
for the targets only); `argued` says where the draft already states the reader's way
today; `moves/` holds the frames, only those independent editors used on drafts nobody had
read, registered in `frame` under versioned names; `score` builds the alternatives and scores
them honestly; `coaching` asks the questions a writer answers to supply a missing element;
`check` is the independent model that checks the gain; `wellformed` says whether a rewrite is
one or two sentences to paste.
"""

from analyzer.analysis.suggest.frame import Frame, rewriters
from analyzer.analysis.suggest.kinds import TARGET_KINDS, Line
from analyzer.analysis.suggest.parse import parser
from analyzer.analysis.suggest.score import Alternative, Check, GainChecker, Scorer, Suggestion, suggest
from analyzer.analysis.suggest.targets import TARGETS, Placeholder, Rewrite, fill

__all__ = [
    "TARGETS",
    "TARGET_KINDS",
    "Alternative",
    "Check",
    "Frame",
    "GainChecker",
    "Line",
    "Placeholder",
    "Rewrite",
    "Scorer",
    "Suggestion",
    "fill",
    "parser",
    "rewriters",
    "suggest",
]
