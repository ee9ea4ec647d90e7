"""The price of inaction: what the reader's way today costs, per week, month or quarter.

Only frames with a record (see `why_change`). Retired after ten rounds of independent editors:
"Every week without it costs your team [...]" (8 of 106 verdicts usable), "Every month without it
costs teams like yours [...]" after a launch (4 of 26), "For as long as ..., your team pays [...]"
(1 of 10), "Standing still has a price too: [...]" (1 of 32) and the library's cost stakes (see
`why_change`). What stays is a result's own old figure put to work.
"""

from __future__ import annotations

from analyzer.analysis.suggest.frame import frame

# A result: what the status quo costs at the sentence's own "before" figure (2 of 8: too few
# verdicts to retire it on).
frame(
    "result-cost-at-the-old-figure.v1",
    "price_of_inaction",
    {"benefit"},
    "At {before}, {measure} cost{m_s} {reader} «what does that add up to each month?|time every month», while {lead}",
    "Puts a price on the status quo's own figure, so doing nothing has a cost the reader can check.",
)
