"""The one shape of every error the service answers with, and `ApiError` for the HTTP layer's own refusals.

Every error leaves as `{"error": {"code", "message", "hint"}}`: an `AnalyzerError` with its own
code and status, an `ApiError` (not ready, batch too large, admin keys), a malformed or invalid
request, an unknown path or method, and an unexpected exception (a 500 that logs only the route).
Routes and middleware import from here; nothing here imports a route or the app.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from analyzer.errors import AnalyzerError, TooLargeError
from analyzer.service.metrics import HTTP_METHODS, Metrics

logger = logging.getLogger("analyzer.api")


HINTS = {
    400: "Send a well-formed request: valid JSON, or multipart/form-data for uploads.",
    401: "Send 'Authorization: Bearer <key>' with a key this server accepts.",
    403: "Use a key listed in ANALYZER_ADMIN_KEYS for /v1/admin/*.",
    404: "See /docs for the endpoints.",
    405: "See /docs for the methods each endpoint takes.",
    408: "Send the whole request at once, or faster; then retry.",
    413: "Send less: split the document into sections, or send fewer documents per batch.",
    415: "Send .txt, .md, .html, .pdf or .docx.",
    422: "Fix the request as the message says; /docs has the schema.",
    429: "Wait the number of seconds in Retry-After, then retry.",
    500: "Try again; if it keeps failing, tell the server's operator.",
    503: "The server's model is not loaded yet; retry shortly or tell the server's operator.",
}
#: Hints for codes whose status is shared with others that need a different one.
CODE_HINTS = {
    "busy": "The server is receiving many requests at once; retry after the seconds in Retry-After.",
}
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: TooLargeError.code,
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "not_ready",
}


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


class ApiError(Exception):
    """A refusal of the HTTP layer itself (not ready, batch shape), mapped like AnalyzerError."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "error")


def error_response(
    metrics: Metrics,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    hint: str | None = None,
) -> JSONResponse:
    metrics.errors.labels(code=code).inc()
    hint = hint or CODE_HINTS.get(code) or HINTS.get(status, HINTS[400])
    detail = ErrorDetail(code=code, message=message, hint=hint)
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


def _unparsable_json(exc: StarletteHTTPException) -> bool:
    """FastAPI's own 400 for a JSON body its parser gave up on with something other than a decode
    error: nesting past the recursion limit, or bytes that are not UTF-8."""
    return isinstance(exc.__cause__, RecursionError | UnicodeDecodeError)


def install_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    async def analyzer_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AnalyzerError)
        return error_response(metrics, exc.http_status, exc.code, exc.message, hint=exc.hint)

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
        if status == 400 and _unparsable_json(exc):
            return error_response(metrics, 400, "malformed_json", "the body is not valid JSON (or nests too deep).")
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
