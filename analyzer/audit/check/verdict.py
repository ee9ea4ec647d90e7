"""A file's verdict under `analyzer check` and the findings behind it: plain records.

Kept apart from `findings.py`, which builds them from an analysis, so that a command line can
report a file it could not read without importing the analysis stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.audit.check.places import Place

if TYPE_CHECKING:
    from analyzer.analysis.analyzer import Analysis


@dataclass(frozen=True)
class Finding:
    """One thing to fix, at a sentence (0-based `sentence`; shown to people as index + 1)."""

    kind: str  # "weak-sentence" | "missing-element"
    title: str
    message: str
    sentence: int | None
    place: Place | None


@dataclass
class FileCheck:
    """One file's verdict: its problems (empty when it passes) and the findings behind them."""

    path: str
    analysis: Analysis | None = None
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.problems
