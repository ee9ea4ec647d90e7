"""The three messages a piece of collateral can carry (see the annotation guide)."""

from __future__ import annotations

from typing import Final, Literal

Label = Literal["awareness-only", "feature-pitch", "case-for-change"]

AWARENESS: Final = "awareness-only"
FEATURE: Final = "feature-pitch"
CHANGE: Final = "case-for-change"

#: The fixed order of every score vector, confusion matrix and model output.
LABELS: Final[tuple[str, str, str]] = (AWARENESS, FEATURE, CHANGE)
