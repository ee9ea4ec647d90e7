"""At the edge, before any body is parsed: API keys, rate limits, body sizes, and the page's headers.

An ASGI middleware rather than a dependency, because FastAPI reads and parses the body before
it solves dependencies: a stranger's 20 MB must be refused unread. The admin endpoints are
left to their own key check (`routes/admin.py`).
"""

from __future__ import annotations

import hmac
import math
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analyzer.errors import TooLargeError
from analyzer.service.errors import error_response
from analyzer.service.metrics import Metrics
from analyzer.settings import Settings

#: Room for multipart boundaries and part headers around an upload of `max_upload_bytes`.
MULTIPART_SLACK = 64 * 1024
UPLOAD_PATH = "/v1/analyze/file"
#: Rate-limited on its own too (`feedback_rate_limit_per_minute`): floods of corrections skew training.
FEEDBACK_PATH = "/v1/feedback"
#: Checked against ANALYZER_ADMIN_KEYS by the admin routes (`routes/admin.py`), not by the guard.
ADMIN_PREFIX = "/v1/admin/"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


#: What a browser renders or loads for a page: the writer's page, its files, the docs, the favicon.
PAGE_PREFIXES = ("/static/", "/docs/")
PAGE_ROUTES = ("/", "/docs", "/favicon.ico")


class PageHeadersMiddleware:
    """A strict Content-Security-Policy and friends on the page, its static files and /docs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"] in PAGE_ROUTES or scope["path"].startswith(PAGE_PREFIXES)):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in PAGE_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
