"""The HTTP API: a thin FastAPI layer over `Analyzer`, so a score never differs from the CLI's.

Start it with `analyzer serve`. Keys, rate limits and body sizes are checked at the edge, in
one ASGI middleware, before a body is parsed; every error leaves as
`{"error": {"code", "message", "hint"}}`; the analysis runs in the thread pool (sync
endpoints), never on the event loop.
"""

from __future__ import annotations

import hmac
import logging
import math
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, Security, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analyzer import __version__
from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.errors import AnalyzerError, InputError, TooLargeError
from analyzer.model.paths import resolve_model_dir
from analyzer.model.pipeline import Prediction
from analyzer.settings import Settings
from analyzer.text.extract import Limits, check_text, extract, extract_text

logger = logging.getLogger("analyzer.api")

#: Room for multipart boundaries and part headers around an upload of `max_upload_bytes`.
MULTIPART_SLACK = 64 * 1024
UPLOAD_PATH = "/v1/analyze/file"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
#: Rate-limited on its own too (`feedback_rate_limit_per_minute`): floods of corrections skew training.
FEEDBACK_PATH = "/v1/feedback"
#: Checked against ANALYZER_ADMIN_KEYS by the admin routes (`analyzer/reload.py`), not by the guard.
ADMIN_PREFIX = "/v1/admin/"
#: The writer's page (`/`) and its files (`/static/*`): open, like /docs; only /v1/* needs a key.
WEB_DIR = Path(__file__).parent / "web"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

HINTS = {
    400: "Send a well-formed request: valid JSON, or multipart/form-data for uploads.",
    401: "Send 'Authorization: Bearer <key>' with a key this server accepts.",
    403: "Use a key listed in ANALYZER_ADMIN_KEYS for /v1/admin/*.",
    404: "See /docs for the endpoints.",
    405: "See /docs for the methods each endpoint takes.",
    413: "Send less: split the document into sections, or send fewer documents per batch.",
    415: "Send .txt, .md, .html, .pdf or .docx.",
    422: "Fix the request as the message says; /docs has the schema.",
    429: "Wait the number of seconds in Retry-After, then retry.",
    500: "Try again; if it keeps failing, tell the server's operator.",
    503: "The server's model is not loaded yet; retry shortly or tell the server's operator.",
}
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: TooLargeError.code,
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "not_ready",
}


# --- Schemas ------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str
    hint: str


class ErrorBody(BaseModel):
    """The one shape of every error response."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 413, 415, 422, 429, 503)
}


class AnalyzeRequest(BaseModel):
    """A document as a JSON string: exactly one of `text`, `html` or `markdown`."""

    # The "exactly one" rule in the schema too, so clients and generated tests can see it.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string"}}} for name in ("text", "html", "markdown")
            ],
            "examples": [{"text": "Manual invoicing costs your team two days every month.", "options": {}}],
        },
    )

    text: str | None = None
    html: str | None = None
    markdown: str | None = None
    title: str | None = Field(default=None, max_length=500)
    doc_type: str | None = Field(
        default=None, max_length=64, description="Accepted for the record; the model reads the text alone."
    )
    options: AnalyzeOptions = AnalyzeOptions()

    @model_validator(mode="after")
    def _one_document(self) -> AnalyzeRequest:
        given = [name for name in ("text", "html", "markdown") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f'give exactly one of "text", "html" or "markdown" (got {len(given)})')
        return self

    def document(self) -> tuple[str, str]:
        """(format for `extract_text`, the string)."""
        if self.html is not None:
            return "html", self.html
        if self.markdown is not None:
            return "markdown", self.markdown
        return "text", self.text or ""


class ClassifyRequest(BaseModel):
    documents: list[Any] = Field(
        min_length=1,
        description='Up to max_batch objects {"id", "text"}; a bad one gets an error, the others are still labelled.',
    )


class ClassifyResult(BaseModel):
    id: str | int
    label: str
    scores: dict[str, float]


class ClassifyFailure(BaseModel):
    id: str | int
    error: ErrorDetail


class ClassifyResponse(BaseModel):
    results: list[ClassifyResult | ClassifyFailure]


# --- Errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """A refusal of the HTTP layer itself (not ready, batch shape), mapped like AnalyzerError."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "error")


def error_response(
    metrics: Metrics, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    metrics.errors.labels(code=code).inc()
    detail = ErrorDetail(code=code, message=message, hint=HINTS.get(status, HINTS[400]))
    return JSONResponse(ErrorBody(error=detail).model_dump(), status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    """Where and what, for the first few errors; never the input itself (it can be a whole document)."""
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) + "."


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path, for a 405's Allow header.

    Mounts (the static files) match any method and answer their own 405s, so they are left out.
    """
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return [
        method
        for method in HTTP_METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def install_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    async def analyzer_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AnalyzerError)
        return error_response(metrics, exc.http_status, exc.code, exc.message)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(metrics, exc.status, exc.code, exc.message)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if any(error.get("type") == "json_invalid" for error in exc.errors()):
            return error_response(metrics, 400, "malformed_json", "the body is not valid JSON.")
        return error_response(metrics, 422, "invalid_request", _validation_message(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        headers = exc.headers
        # Starlette's Allow names the first route's methods; a path can have several routes.
        if status == 405 and (allowed := _allowed_methods(request)):
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        return error_response(metrics, status, STATUS_CODES.get(status, "error"), str(exc.detail), headers)

    async def unexpected(request: Request, exc: Exception) -> Response:
        # The server (uvicorn) logs the traceback; nothing of the request but its route is logged here.
        logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(metrics, 500, "internal_error", "the server failed to answer this request.")

    app.add_exception_handler(AnalyzerError, analyzer_error)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


# --- Metrics ------------------------------------------------------------------------------


class Metrics:
    """Prometheus metrics of one app, in its own registry (so apps in one process never clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "analyzer_http_requests_total",
            "HTTP requests by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "analyzer_http_request_duration_seconds",
            "Time to answer, by route.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.labels = Counter(
            "analyzer_labels_total", "Labels returned, by endpoint.", ["endpoint", "label"], registry=self.registry
        )
        self.errors = Counter("analyzer_errors_total", "Error responses by code.", ["code"], registry=self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (never by raw path: unbounded)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope["path"] if scope["path"] in self.routes else "other"
            self.metrics.requests.labels(route=route, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(time.perf_counter() - started)


class PageHeadersMiddleware:
    """A strict Content-Security-Policy and friends on the page and its static files.

    Only there: /docs loads Swagger UI from a CDN, which this policy would block.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"] == "/" or scope["path"].startswith("/static/")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in PAGE_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- Keys, rate limit and body size -------------------------------------------------------


class TokenBuckets:
    """A token bucket per caller: `per_minute` requests a minute, in bursts of up to `per_minute`."""

    MAX_CALLERS = 10_000

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, caller: str, now: float | None = None) -> int:
        """0 if the request may go, else the seconds to wait before retrying."""
        now = time.monotonic() if now is None else now
        if len(self.buckets) > self.MAX_CALLERS:  # forget idle callers rather than grow without bound
            self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 60}
        tokens, last = self.buckets.get(caller, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self.buckets[caller] = (tokens - 1, now)
            return 0
        self.buckets[caller] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.rate))


class GuardMiddleware:
    """Key check, rate limit and body size, before any body is parsed.

    Runs as ASGI middleware rather than a dependency because FastAPI reads and parses the
    body before it solves dependencies: a stranger's 20 MB must be refused unread.
    """

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.keys = [(k.name, k.key.get_secret_value().encode("utf-8")) for k in settings.api_keys]
        per_minute = settings.rate_limit_per_minute
        self.limiter = TokenBuckets(per_minute) if per_minute else None
        per_minute = settings.feedback_rate_limit_per_minute
        self.feedback_limiter = TokenBuckets(per_minute) if per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        path: str = scope["path"]
        if path.startswith("/v1/") and not path.startswith(ADMIN_PREFIX):
            caller = self._caller(headers, scope)
            if caller is None:
                refusal = error_response(
                    self.metrics,
                    401,
                    "unauthorized",
                    "missing or unknown API key.",
                    {"WWW-Authenticate": "Bearer"},
                )
                await refusal(scope, receive, send)
                return
            wait = self.limiter.take(caller) if self.limiter else 0
            if wait:
                over = f"over the limit of {self.settings.rate_limit_per_minute} requests a minute."
                refusal = error_response(self.metrics, 429, "rate_limited", over, {"Retry-After": str(wait)})
                await refusal(scope, receive, send)
                return
            if self.feedback_limiter and path == FEEDBACK_PATH and scope["method"] == "POST":
                wait = self.feedback_limiter.take(caller)
                if wait:
                    over = f"over the limit of {self.settings.feedback_rate_limit_per_minute} feedback posts a minute."
                    refusal = error_response(self.metrics, 429, "rate_limited", over, {"Retry-After": str(wait)})
                    await refusal(scope, receive, send)
                    return
            # The key's name (never the key) for endpoints that record who asked; None without keys.
            scope.setdefault("state", {})["api_key_name"] = caller if self.keys else None
        limit = self.settings.max_body_bytes
        if path == UPLOAD_PATH:
            limit = self.settings.max_upload_bytes + MULTIPART_SLACK
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(self.metrics, 400, "bad_request", "Content-Length is not a number.")(
                    scope, receive, send
                )
                return
            if int(declared) > limit:
                await self._too_large(int(declared), limit, scope, receive, send)
                return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # Read the body ourselves, counting, so a chunked body without Content-Length is bounded too.
        chunks: list[bytes] = []
        size = 0
        while True:
            received = await receive()
            if received["type"] == "http.disconnect":
                return
            chunk = received.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(size, limit, scope, receive, send)
                return
            chunks.append(chunk)
            if not received.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _caller(self, headers: dict[str, bytes], scope: Scope) -> str | None:
        """The name of the key presented (None if wrong); the client address when no keys are set."""
        if not self.keys:
            client = scope.get("client")
            return f"address:{client[0]}" if client else "address:unknown"
        scheme, _, token = headers.get("authorization", b"").partition(b" ")
        if scheme.lower() != b"bearer" or not token.strip():
            return None
        found = None
        for name, key in self.keys:  # compare with every key, so timing tells nothing about which
            if hmac.compare_digest(token.strip(), key):
                found = name
        return found

    async def _too_large(self, size: int, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over the limit of {limit:,} bytes (at least {size:,})."
        await error_response(self.metrics, 413, TooLargeError.code, message)(scope, receive, send)


# --- The app ------------------------------------------------------------------------------


def _analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer | None = request.app.state.analyzer
    if analyzer is None:
        raise ApiError(503, "the model is not loaded.")
    return analyzer


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


AnalyzerDep = Annotated[Analyzer, Depends(_analyzer)]
SettingsDep = Annotated[Settings, Depends(_settings)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]

# Declared for the OpenAPI page only; GuardMiddleware checks the key before the body is read.
router = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERROR_RESPONSES)


@router.post("/analyze", response_model=Analysis)
def analyze(
    body: AnalyzeRequest, request: Request, analyzer: AnalyzerDep, settings: SettingsDep, metrics: MetricsDep
) -> Analysis:
    """Analyze a document sent as text, HTML or Markdown: label, sentences, rubric, rewrites."""
    fmt, text = body.document()
    limits = Limits(max_bytes=settings.max_body_bytes, max_chars=settings.max_chars)
    analysis = analyzer.analyze(extract_text(text, fmt, limits), title=body.title, options=body.options)
    metrics.labels.labels(endpoint="analyze", label=analysis.label).inc()
    _log_for_review(request, analysis)
    return analysis


@router.post("/analyze/file", response_model=Analysis)
def analyze_file(
    file: Annotated[UploadFile, File(description="A .txt, .md, .html, .pdf or .docx file.")],
    request: Request,
    analyzer: AnalyzerDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    title: Annotated[str | None, Form(max_length=500)] = None,
    sentences: Annotated[bool, Form()] = True,
    explanations: Annotated[bool, Form()] = True,
    suggestions: Annotated[bool, Form()] = True,
    max_suggestions: Annotated[int, Form(ge=0, le=20)] = 5,
) -> Analysis:
    """Analyze an uploaded file (multipart field `file`); options are form fields."""
    limits = Limits(max_bytes=settings.max_upload_bytes, max_chars=settings.max_chars)
    extracted = extract(file.file.read(), filename=file.filename, media_type=file.content_type, limits=limits)
    options = AnalyzeOptions(
        sentences=sentences, explanations=explanations, suggestions=suggestions, max_suggestions=max_suggestions
    )
    analysis = analyzer.analyze(extracted, source=file.filename, title=title, options=options)
    metrics.labels.labels(endpoint="analyze_file", label=analysis.label).inc()
    _log_for_review(request, analysis)
    return analysis


def _log_for_review(request: Request, analysis: Analysis) -> None:
    """Log the analysis for the review queue (`analyzer feedback queue`); never fails the answer."""
    from analyzer.service.routes.feedback import record_analysis

    record_analysis(request, analysis)


@router.post("/classify", response_model=ClassifyResponse)
def classify(
    body: ClassifyRequest, analyzer: AnalyzerDep, settings: SettingsDep, metrics: MetricsDep
) -> ClassifyResponse:
    """Label a batch of documents; a bad document gets an error and never fails the others."""
    if len(body.documents) > settings.max_batch:
        raise ApiError(413, f"{len(body.documents)} documents, over the limit of {settings.max_batch} per request.")
    ids: list[str | int] = []
    texts: dict[int, str | AnalyzerError] = {}
    for number, item in enumerate(body.documents):
        raw_id = item.get("id") if isinstance(item, dict) else None
        ids.append(raw_id if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else number)
        texts[number] = _document_text(item, number, settings.max_chars)
    good = [n for n, text in texts.items() if isinstance(text, str)]
    predictions: dict[int, Prediction] = dict(
        zip(good, analyzer.model.classify([str(texts[n]) for n in good]), strict=True)
    )
    results: list[ClassifyResult | ClassifyFailure] = []
    for number, text in texts.items():
        if isinstance(text, AnalyzerError):
            metrics.errors.labels(code=text.code).inc()
            hint = "Fix this document and send it again; the others were labelled."
            detail = ErrorDetail(code=text.code, message=text.message, hint=hint)
            results.append(ClassifyFailure(id=ids[number], error=detail))
            continue
        prediction = predictions[number]
        metrics.labels.labels(endpoint="classify", label=prediction.label).inc()
        results.append(ClassifyResult(id=ids[number], label=prediction.label, scores=prediction.scores))
    return ClassifyResponse(results=results)


def _document_text(item: Any, number: int, max_chars: int) -> str | AnalyzerError:
    where = f"documents[{number}]"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return InputError(f'{where}: expected an object with a "text" string.')
    try:
        return check_text(item["text"], where, max_chars)
    except AnalyzerError as exc:
        return exc


@router.get("/model")
def model_card(analyzer: AnalyzerDep) -> dict[str, Any]:
    """The model card of the model in use: versions, labels, training data and figures."""
    return analyzer.model.card


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
    )
    metrics = Metrics()
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.analyzer = None
    app.state.feedback_store = None
    install_error_handlers(app, metrics)
    app.include_router(router)
    # Imported here: the feedback routes build on this module's errors and dependencies.
    from analyzer.service.routes.feedback import open_store
    from analyzer.service.routes.feedback import router as feedback_router

    app.include_router(feedback_router)
    # The admin routes (model reload) too; the reloader reads the reload signal before the model loads.
    from analyzer.service.reload import ModelReloader, start_watching, stop_watching
    from analyzer.service.reload import router as admin_router

    app.include_router(admin_router)
    app.state.reloader = ModelReloader(settings)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive (it may still be loading its model)."""
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    async def readyz(request: Request) -> dict[str, Any]:
        """The model is loaded and requests can be answered."""
        analyzer = _analyzer(request)
        return {"status": "ready", "model": {"name": analyzer.model.name, "version": analyzer.model.version}}

    @app.get("/metrics", response_class=Response)
    async def prometheus() -> Response:
        """Prometheus metrics of this worker."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        """The writer's page: paste or drop a draft, see its analysis, apply rewrites."""
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    # Added innermost first: metrics see everything, CORS answers preflights before the key check.
    app.add_middleware(GuardMiddleware, settings=settings, metrics=metrics)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Route templates from the schema: included routers do not list their paths in app.routes.
    routes = frozenset([*app.openapi()["paths"], app.openapi_url, app.docs_url, app.redoc_url])
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=routes)
    app.add_middleware(PageHeadersMiddleware)
    if not settings.api_keys:
        logger.warning("no API keys configured: /v1/* is open to anyone who can reach this server")
    return app


def _load(settings: Settings) -> Analyzer | None:
    """The analyzer, warmed up; None (and a logged reason) if the model cannot be loaded."""
    try:
        analyzer = Analyzer.load(resolve_model_dir(settings.model_dir, settings.models_dir))
        analyzer.analyze("Warm-up sentence.", options=AnalyzeOptions(suggestions=False))
    except AnalyzerError as exc:
        logger.error("model not loaded: %s", exc)
        return None
    return analyzer


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
