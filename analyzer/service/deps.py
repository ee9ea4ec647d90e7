"""What the routes share: the analyzer, the settings, the metrics and the feedback store of the app.

Each is a FastAPI dependency read from `app.state`, where `create_app` and its lifespan put
them; `record_analysis` logs a served analysis for the review queue.
"""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import Depends, Request

from analyzer.analysis.analyzer import Analysis, Analyzer
from analyzer.errors import AnalyzerError
from analyzer.feedback.store import AnalysesLog, FeedbackStore
from analyzer.service.errors import ApiError
from analyzer.service.metrics import Metrics
from analyzer.settings import Settings

logger = logging.getLogger("analyzer.api")


def current_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer | None = request.app.state.analyzer
    if analyzer is None:
        raise ApiError(503, "the model is not loaded.")
    return analyzer


def current_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def current_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


AnalyzerDep = Annotated[Analyzer, Depends(current_analyzer)]
SettingsDep = Annotated[Settings, Depends(current_settings)]
MetricsDep = Annotated[Metrics, Depends(current_metrics)]


def open_store(settings: Settings) -> FeedbackStore | None:
    """The migrated store, or None (and a logged reason): analysis keeps working without it."""
    try:
        return FeedbackStore.open(settings.database)
    except AnalyzerError as exc:
        logger.error("feedback store not available: %s", exc.message)
        return None


def current_store(request: Request) -> FeedbackStore:
    store: FeedbackStore | None = getattr(request.app.state, "feedback_store", None)
    if store is None:
        raise ApiError(503, "the feedback database is not available; see the server's log (ANALYZER_DATA_DIR).")
    return store


StoreDep = Annotated[FeedbackStore, Depends(current_store)]


def record_analysis(request: Request, analysis: Analysis) -> None:
    """Log a served analysis for the review queue; a failure is logged, never shown the writer."""
    settings: Settings = request.app.state.settings
    store: FeedbackStore | None = getattr(request.app.state, "feedback_store", None)
    if not settings.record_analyses or store is None:
        return
    log = AnalysesLog(
        retention_days=settings.analyses_retention_days,
        max_bytes=settings.analyses_max_mb * 1024 * 1024,
        min_free_bytes=settings.min_free_disk_mb * 1024 * 1024,
    )
    try:
        if not store.record_analysis(analysis, log) and _time_to_warn():
            logger.warning(
                "analyses are not logged: under %d MB free on the database's disk, kept for corrections",
                settings.min_free_disk_mb,
            )
    except Exception as exc:  # a log entry lost must never cost the writer their analysis
        logger.warning("analysis not logged for the review queue: %s: %s", type(exc).__name__, exc)


_warned_at = -60.0


def _time_to_warn() -> bool:
    """At most one warning a minute: on a full disk, a line per request would fill it faster."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at < 60:
        return False
    _warned_at = now
    return True
