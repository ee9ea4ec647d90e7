"""Why change: what is broken in the reader's world, so the way they work now no longer holds.

Only frames with a record: five rounds of independent editors judged every alternative of the
earlier frames (docs/suggestions.md), and a frame no editor would use in six or more verdicts
was retired ("It comes at a time when [...]": 2 of 44; "Without it, ...": 0 of 8).
"""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

FEATURE = {"feature", "claim"}

# The draft's own argument (`reasons`), moved in front of the claim it explains: what editors who
# never saw the engine did first. Tried before the library, which knows the draft's world less well.
STAKE_KINDS = {"feature", "claim", "announcement"}  # a price line or a result figure is no capability
DRAFT = "Moves the draft's own argument in front of the claim it explains; cut it where it stood."
frame("draft-why-so.v1", "why_change", STAKE_KINDS, "{draft_why}, {so_which} {lead}", DRAFT)

# The reader's world from the library (`stakes`), in front of the writer's sentence, joined the
# way editors join it: tried first, the kind of rewrite the independent editors would paste
# (40 of 86 judged usable); the frames after it are what a sentence no stake fits still gets.
STAKE = "Opens with what is broken in the reader's world without it, then the writer's sentence as the answer."
frame("stake-why-so.v1", "why_change", STAKE_KINDS, "{stake_why}, {so_which} {lead}", STAKE)
frame("stake-why-which-is-why.v1", "why_change", STAKE_KINDS, "{stake_why}, which is why {lead}", STAKE)

# The writer's sentence as it is, and the question whose answer makes the case, after it: a
# form to fill, not a rewrite (18 of 60 judged usable once filled, where "your team" fits).
frame(
    "feature-until-now-after.v1",
    "why_change",
    FEATURE,
    "{original} Until now, your team had to «what did they do instead?|do this by hand».",
    "Keeps the writer's sentence as it is and asks, after it, what the reader did before.",
)
frame(
    "launch-because-after.v1",
    "why_change",
    {"announcement"},
    "{stem}, because «what has changed for your readers this year?|their work has changed».",
    "Keeps the announcement as it is and gives it the reason it matters now, after it.",
)
