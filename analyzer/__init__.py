"""Messaging analyzer: tells what a piece of marketing collateral does to its reader.

>>> import analyzer
>>> model = analyzer.load_model()
>>> model.classify(["Pricing starts at $49 per user per month."])[0].label
'feature-pitch'
>>> analysis = analyzer.Analyzer(model).analyze("Every month you wait costs you a client.")
>>> analysis.case_for_change_score  # doctest: +SKIP
"""

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
