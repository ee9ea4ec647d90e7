"""The HTTP API: a thin FastAPI layer over `Analyzer`, so a score never differs from the CLI's.

Start it with `analyzer serve`. Keys, rate limits and body sizes are checked at the edge, in
one ASGI middleware (`guard.py`), before a body is parsed; every error leaves as
`{"error": {"code", "message", "hint"}}` (`errors.py`); the analysis runs in the thread pool
(sync endpoints), never on the event loop. This module only assembles the app: the routes
(`routes/`), the error handlers, the middleware in their order, the page's static files and docs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from analyzer import __version__
from analyzer.analysis.analyzer import Analyzer
from analyzer.errors import AnalyzerError
from analyzer.service.deps import open_store
from analyzer.service.errors import install_error_handlers
from analyzer.service.guard import GuardMiddleware, PageHeadersMiddleware
from analyzer.service.metrics import Metrics, MetricsMiddleware
from analyzer.service.reload import ModelReloader, load_analyzer, start_watching, stop_watching
from analyzer.service.routes import admin, analyze, classify, feedback, meta, pages
from analyzer.service.routes.pages import PAGE_PATHS, WEB_DIR
from analyzer.settings import Settings

logger = logging.getLogger("analyzer.api")


def create_app(settings: Settings) -> FastAPI:
    """The API around one model, loaded once when the worker starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.analyzer = await run_in_threadpool(_load, settings)
        app.state.feedback_store = await run_in_threadpool(open_store, settings)
        watcher = start_watching(app)
        yield
        await stop_watching(watcher)
        if app.state.feedback_store is not None:
            app.state.feedback_store.close()

    app = FastAPI(
        title="Messaging analyzer",
        version=__version__,
        description="Tells what a piece of marketing collateral does to its reader.",
        lifespan=lifespan,
        # /docs is served by routes/pages.py from a package, not from a CDN; ReDoc is not offered.
        docs_url=None,
        redoc_url=None,
    )
    metrics = Metrics()
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.analyzer = None
    app.state.feedback_store = None
    install_error_handlers(app, metrics)
    routers = (analyze.router, classify.router, meta.router, feedback.router, admin.router, meta.probes, pages.router)
    for router in routers:
        app.include_router(router)
    # Read before the model loads: a reload signalled during start-up is followed.
    app.state.reloader = ModelReloader(settings)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    # No redirect from /healthz/ to /healthz: Starlette builds its Location from the Host header.
    app.router.redirect_slashes = False
    schema = app.openapi()
    body_routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    # Added innermost first: metrics see everything, CORS answers preflights before the key check.
    app.add_middleware(GuardMiddleware, settings=settings, metrics=metrics, body_routes=body_routes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Route templates from the schema: included routers do not list their paths in app.routes.
    routes = frozenset([*schema["paths"], app.openapi_url, *PAGE_PATHS])
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=routes)
    app.add_middleware(PageHeadersMiddleware)
    if not settings.api_keys:
        logger.warning("no API keys configured: /v1/* is open to anyone who can reach this server")
    return app


def _load(settings: Settings) -> Analyzer | None:
    """The analyzer, warmed up; None (and a logged reason) if the model cannot be loaded."""
    try:
        return load_analyzer(settings)
    except AnalyzerError as exc:
        logger.error("model not loaded: %s", exc)
        return None


class AccessLogWithoutQuery(logging.Filter):
    """Drops query strings from uvicorn's access log lines.

    The API takes no query parameters, and a key a client puts there by mistake
    (`?api_key=...`) must not land in the server's log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn logs (client, method, path with query, HTTP version, status)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].partition("?")[0] + "?[redacted]", *args[3:])
        return True


def app_factory() -> FastAPI:
    """The app configured from ANALYZER_* variables: what `analyzer serve` runs in each worker."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogWithoutQuery) for f in access.filters):
        access.addFilter(AccessLogWithoutQuery())
    return create_app(Settings())
