"""Why change: what is broken or has moved in the reader's world, so the way they work now no longer holds."""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame
from analyzer.analysis.suggest.situation import BY_HAND, NO_LONGER, WITHOUT

FEATURE = {"feature", "claim"}
RATIONALE = "Opens with the reader's situation without it, in the sentence's own words, so the feature answers it."

# The reader's world from the library (`stakes`), in front of the writer's sentence, joined the
# way editors join it: tried first, because it is the only kind of rewrite the independent editors
# would paste; the frames below are what a sentence no stake fits still gets.
STAKE_KINDS = {"feature", "claim", "announcement"}  # a price line or a result figure is no capability
frame(
    "stake-why-so.v1",
    "why_change",
    STAKE_KINDS,
    "{stake_why}, {so_which} {lead}",
    "Opens with why it has to change in the reader's world, then the writer's sentence as the answer.",
)
frame(
    "stake-why-which-is-why.v1",
    "why_change",
    STAKE_KINDS,
    "{stake_why}, which is why {lead}",
    "Opens with why it has to change in the reader's world, then the writer's sentence as the answer.",
)


# The writer's sentence first, untouched, and the reader's situation after it in a sentence of
# its own: tried before the frames that put a clause in front, so most alternatives read as the
# writer's sentence followed by why it matters rather than as a preamble bolted onto it.
AFTER = "Keeps the writer's sentence as it is and adds, in a sentence of its own, the reader's situation without it."
# Only the situations that name what the reader does today: "salespeople still re-key ...",
# "dock doors are still assigned by hand"; "placing sensors still falls to your team" does not.
SAID = {NO_LONGER, WITHOUT, BY_HAND}
frame(
    "capability-without-it-after.v1", "why_change", FEATURE, "{original} Without {product}, {now}.", AFTER, sources=SAID
)
frame(
    "capability-without-it-unnamed-after.v1",
    "why_change",
    FEATURE,
    "{original} Without it, {now}.",
    AFTER,
    sources=SAID,
)
frame(
    "feature-until-now-after.v1",
    "why_change",
    FEATURE,
    "{original} Until now, your team had to «what did they do instead?|do this by hand».",
    AFTER,
)
frame(
    "feature-comes-at-a-time-after.v1",
    "why_change",
    FEATURE,
    "{original} It comes at a time when «what has changed for your readers this year?|work has changed».",
    AFTER,
)
frame(
    "result-stakes-after.v1",
    "why_change",
    {"benefit"},
    "{original} That matters more now that «what raised the stakes for your readers this year?|things have changed».",
    AFTER,
)
frame(
    "result-customers-expect-after.v1",
    "why_change",
    {"benefit"},
    "{original} Your customers now expect «what do they expect now that they did not a year ago?|more».",
    AFTER,
)
frame(
    "launch-because-after.v1",
    "why_change",
    {"announcement"},
    "{stem}, because «what has changed for your readers this year?|their work has changed».",
    "Keeps the announcement as it is and gives it the reason it matters now, after it.",
)

# The reader's situation without the capability, read off the sentence (see `situation`).
frame(
    "capability-to-situation.v1",
    "why_change",
    FEATURE,
    "Today, {now}; {body}",
    RATIONALE,
)
frame(
    "capability-to-situation-which-is-why.v1",
    "why_change",
    FEATURE,
    "Right now {now}, which is why {body}",
    RATIONALE,
)
frame(
    "capability-to-situation-what-goes-wrong.v1",
    "why_change",
    FEATURE,
    "Where {now}, «what goes wrong as a result?|work backs up»; {body}",
    RATIONALE,
)
# Without a situation in the sentence: the thing it is about, in the reader's world.
frame(
    "feature-harder-as-you-grow.v2",
    "why_change",
    FEATURE,
    "As «what has grown or changed in your work this year?|the work changes», {topic} get{s} harder to keep on top "
    "of, {so} {lead}",
    "Names the shift in the reader's world first, so the feature answers a change rather than adding a spec.",
)
frame(
    "feature-since-the-shift.v1",
    "why_change",
    FEATURE,
    "Since «what changed in your market this year?|that change», the way your team works today no longer keeps up, "
    "{so} {lead}",
    "Names the shift in the reader's world first, so the feature answers a change rather than adding a spec.",
)
frame(
    "result-stakes-rose.v2",
    "why_change",
    {"benefit"},
    "{measure} matter{m_s} more now that «what raised the stakes for your team this year?|things have changed», and "
    "{lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
)
frame(
    "result-bar-moved.v1",
    "why_change",
    {"benefit"},
    "What your customers will accept has moved since «what did they start expecting?|then», and {lead}",
    "Says why the result matters now, so the figure answers a change the reader already feels.",
)
# An announcement: the shift that makes it matter now, from the situation of the piece's main feature.
frame(
    "launch-shift-behind-it.v1",
    "why_change",
    {"announcement"},
    "While {now}, «what has made that matter more this year?|the pressure grows», which is why {lead}",
    "Opens the announcement with the situation that makes it matter now, not with what is new.",
)
frame(
    "launch-needs-have-changed.v1",
    "why_change",
    {"announcement"},
    "What teams like yours need has changed since «what shifted in your market this year?|then», which is why {lead}",
    "Opens the announcement with the shift that makes it matter now, not with what is new.",
)
