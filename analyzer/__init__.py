"""Messaging analyzer: tells what a piece of marketing collateral does to its reader.

>>> import analyzer
>>> model = analyzer.load_model()
>>> model.classify(["Pricing starts at $49 per user per month."])[0].label
'feature-pitch'
>>> analysis = analyzer.Analyzer(model).analyze("Every month you wait costs you a client.")
>>> analysis.case_for_change_score  # doctest: +SKIP

This module is the public API only. Its names are imported on first use (PEP 562), so that
`import analyzer.<anything>`, which runs this file first, does not pay for scikit-learn and
spaCy: `analyzer --help` would otherwise take seconds.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
    from analyzer.errors import AnalyzerError
    from analyzer.labels import LABELS
    from analyzer.model.artifacts import LoadedModel, load_model
    from analyzer.model.pipeline import Prediction

__version__ = "0.2.0"

__all__ = [
    "LABELS",
    "Analysis",
    "AnalyzeOptions",
    "Analyzer",
    "AnalyzerError",
    "LoadedModel",
    "Prediction",
    "__version__",
    "load_model",
]

#: Where each public name lives.
_PUBLIC = {
    "Analysis": "analyzer.analysis.analyzer",
    "AnalyzeOptions": "analyzer.analysis.analyzer",
    "Analyzer": "analyzer.analysis.analyzer",
    "AnalyzerError": "analyzer.errors",
    "LABELS": "analyzer.labels",
    "LoadedModel": "analyzer.model.artifacts",
    "load_model": "analyzer.model.artifacts",
    "Prediction": "analyzer.model.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
