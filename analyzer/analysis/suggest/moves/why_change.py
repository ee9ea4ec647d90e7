"""Why change: what is broken in the reader's world, so the way they work now no longer holds.

Only frames with a record on drafts nobody had read (docs/suggestions.md). Ten rounds of
independent editors judged every earlier frame; what stays is the one they used: the writer's
sentence as it is, and the question whose answer makes the case after it (33 of 104 verdicts
usable, 10 of 28 on batches 5 and 6). Retired in the tenth round: the library's stakes in front of
the writer's sentence (45 of 120 on the drafts the library was chosen for, 7 of 68 on drafts
written after it, 0 of 32 on batch 6: a problem from the neighbouring trade, or the reseller's
problem put to its customer), the draft's own argument moved in front of its claim (0 of 2: it
repeats a sentence the reader is about to read) and "... because [what has changed ...]" (4 of
32). The library was removed in the twelfth round, when its questions in the coaching misread
the draft as often (docs/suggestions.md; it is in the history before the fifth pass's end).
Retired after round 35 (batch 18, blind: 0 of 16 verdicts usable), on their record over every
round that judged them: the form for a draft that never speaks to its reader, "Until now, it
took [who, doing what, for how long?]" (8 of 40 usable; "breaks the news voice" of a press
release's lede), and the evergreen page's "Without X, your team has to [...]" and "Without X,
it takes [...]" (7 of 52). What stays has the best record of any frame judged, 66 of 206 (a
third; 28 of 68 on blog posts), and a draft it does not fit gets its coaching questions alone.
"""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}

# A form to fill, not a rewrite: offered only where neither the sentence nor an argument of the
# draft near it already says how the reader works today (`unless`), which the editors otherwise
# marked "repetitive". Once per draft, on its most important target, the launch line first.
frame(
    "feature-until-now-after.v1",
    "why_change",
    FEATURE | {"announcement"},
    "{original} Until now, {reader} had to «what did {they} do instead?|do this by hand».",
    "Keeps the writer's sentence as it is and asks, after it, what the reader did before.",
    needs={"fresh"},
    unless={"argued", "old_way", "invitation"},
    evergreen=False,
)
