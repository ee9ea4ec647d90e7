"""The three messages a piece of collateral can carry, and the rubric of a case for change (see the guide)."""

from __future__ import annotations

from typing import Final, Literal

Label = Literal["awareness-only", "feature-pitch", "case-for-change"]

AWARENESS: Final = "awareness-only"
FEATURE: Final = "feature-pitch"
CHANGE: Final = "case-for-change"

#: The fixed order of every score vector, confusion matrix and model output.
LABELS: Final[tuple[str, str, str]] = (AWARENESS, FEATURE, CHANGE)

#: The case-for-change rubric: why change, the price of inaction, the future state.
RUBRIC_ELEMENTS: Final = ("why_change", "price_of_inaction", "future_state")
