"""At the edge, before any body is read: API and admin keys, throttles, bodies, the page's headers.

An ASGI middleware rather than a dependency, because FastAPI reads and parses the body before
it solves dependencies: a stranger's 20 MB must be refused unread. In order, for each request:

1. the client address is refused (429) while it is over its failed-key budget;
2. the one `Authorization` header is read once, here, for `/v1/*` (API keys) and
   `/v1/admin/*` (admin keys, which the admin routes read from the request's state);
3. the key's rate limit;
4. the body: refused unread on a route that takes none, over its size limit, or when the
   worker already receives `max_bodies_in_progress` bodies; then read against a deadline
   that a body arriving at `body_min_bytes_per_second` keeps pushing back.

Every refusal closes the connection, so an unread body is never read on for nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import math
import time
from collections.abc import Collection
from dataclasses import dataclass

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
#: Keys from ANALYZER_ADMIN_KEYS, not API keys; the name is passed on to `routes/admin.py`.
ADMIN_PREFIX = "/v1/admin/"
#: Headers of every refusal: the client may still be sending a body nobody will read.
CLOSE = {"Connection": "close"}
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
    """A token bucket per caller: `per_minute` tokens a minute, in bursts of up to `per_minute`."""

    MAX_CALLERS = 10_000

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, caller: str, now: float | None = None) -> int:
        """0 if the request may go (and a token is spent), else the seconds to wait before retrying."""
        now = time.monotonic() if now is None else now
        tokens = self._tokens(caller, now)
        if tokens >= 1:
            self.buckets[caller] = (tokens - 1, now)
            return 0
        self.buckets[caller] = (tokens, now)
        return self._wait(tokens)

    def wait(self, caller: str, now: float | None = None) -> int:
        """0 if `caller` has a token left, else the seconds until it has one; spends nothing."""
        if caller not in self.buckets:
            return 0
        tokens = self._tokens(caller, time.monotonic() if now is None else now)
        return 0 if tokens >= 1 else self._wait(tokens)

    def _tokens(self, caller: str, now: float) -> float:
        if len(self.buckets) > self.MAX_CALLERS:
            self._forget(now)
        tokens, last = self.buckets.get(caller, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate)

    def _wait(self, tokens: float) -> int:
        return max(1, math.ceil((1 - tokens) / self.rate))

    def _forget(self, now: float) -> None:
        """Forget full buckets, then the longest-idle half: a flood of addresses never grows this."""
        refill = self.capacity / self.rate
        self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < refill}
        if len(self.buckets) > self.MAX_CALLERS // 2:
            recent = sorted(self.buckets.items(), key=lambda item: item[1][1])[-(self.MAX_CALLERS // 2) :]
            self.buckets = dict(recent)


@dataclass(frozen=True, slots=True)
class Refusal:
    """An answer the guard gives instead of the app's."""

    status: int
    code: str
    message: str
    headers: dict[str, str] | None = None


def match_key(token: bytes, keys: Collection[tuple[str, bytes]]) -> str | None:
    """The name of the key `token` is, compared with every key so timing tells nothing about which."""
    found = None
    for name, key in keys:
        if hmac.compare_digest(token, key):
            found = name
    return found


class GuardMiddleware:
    """Keys, throttles and bodies, before any body is read (see the module's docstring).

    `body_routes` are the (method, path) pairs whose operation takes a request body.
    """

    def __init__(
        self, app: ASGIApp, settings: Settings, metrics: Metrics, body_routes: Collection[tuple[str, str]]
    ) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.body_routes = frozenset(body_routes)
        self.keys = [(k.name, k.key.get_secret_value().encode("ascii")) for k in settings.api_keys]
        self.admin_keys = [(k.name, k.key.get_secret_value().encode("ascii")) for k in settings.admin_keys]
        self.limiter = _buckets(settings.rate_limit_per_minute)
        self.feedback_limiter = _buckets(settings.feedback_rate_limit_per_minute)
        self.admin_limiter = _buckets(settings.admin_rate_limit_per_minute)
        self.failures = _buckets(settings.failed_auth_per_minute)
        self.bodies_in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check_caller(scope) or self._check_body_headers(scope)
        if refusal is not None:
            await self._refuse(refusal, scope, receive, send)
            return
        if (scope["method"], scope["path"]) not in self.body_routes:
            await self.app(scope, receive, send)
            return
        if self.bodies_in_progress >= self.settings.max_bodies_in_progress:
            busy = Refusal(
                503,
                "busy",
                f"this worker is already receiving {self.settings.max_bodies_in_progress} request bodies.",
                {"Retry-After": "1"},
            )
            await self._refuse(busy, scope, receive, send)
            return
        self.bodies_in_progress += 1
        try:
            body = await self._read_body(scope, receive, send)
        finally:
            self.bodies_in_progress -= 1
        if body is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    # --- Who is asking ---------------------------------------------------------------------

    def _check_caller(self, scope: Scope) -> Refusal | None:
        """Keys and rate limits of `/v1/*`; the caller's name goes to the request's state."""
        path: str = scope["path"]
        if not path.startswith("/v1/"):
            return None
        address = _address(scope)
        wait = self.failures.wait(address) if self.failures else 0
        if wait:
            return Refusal(
                429,
                "rate_limited",
                f"too many requests with a wrong or missing key from {address.removeprefix('address:')}.",
                {"Retry-After": str(wait)},
            )
        tokens = [value for name, value in scope["headers"] if name.lower() == b"authorization"]
        if len(tokens) > 1:
            return Refusal(400, "bad_request", "send one Authorization header, not several.")
        token = _bearer(tokens[0]) if tokens else None
        state = scope.setdefault("state", {})
        if path.startswith(ADMIN_PREFIX):
            return self._check_admin(token, address, state)
        if not self.keys:
            caller = address  # the rate limit's caller; there is no reviewer to name
            state["api_key_name"] = None
        else:
            name = match_key(token, self.keys) if token else None
            if name is None:
                return self._failed(address, "missing or unknown API key.")
            caller = state["api_key_name"] = name
        if self.limiter and (wait := self.limiter.take(caller)):
            return _over(f"over the limit of {self.settings.rate_limit_per_minute} requests a minute.", wait)
        feedback = path == FEEDBACK_PATH and scope["method"] == "POST"
        if feedback and self.feedback_limiter and (wait := self.feedback_limiter.take(caller)):
            limit = self.settings.feedback_rate_limit_per_minute
            return _over(f"over the limit of {limit} feedback posts a minute.", wait)
        return None

    def _check_admin(self, token: bytes | None, address: str, state: dict[str, object]) -> Refusal | None:
        if not self.admin_keys:
            return Refusal(403, "forbidden", "the admin endpoints are off: set ANALYZER_ADMIN_KEYS to turn them on.")
        admin = match_key(token, self.admin_keys) if token else None
        if admin is None:
            if token and match_key(token, self.keys):
                return Refusal(
                    403, "forbidden", "this key may not call the admin endpoints; use one from ANALYZER_ADMIN_KEYS."
                )
            return self._failed(address, "missing or unknown admin key.")
        if self.admin_limiter and (wait := self.admin_limiter.take(admin)):
            limit = self.settings.admin_rate_limit_per_minute
            return _over(f"over the limit of {limit} admin requests a minute.", wait)
        state["admin_key_name"] = admin
        return None

    def _failed(self, address: str, message: str) -> Refusal:
        if self.failures:
            self.failures.take(address)
        return Refusal(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})

    # --- The body --------------------------------------------------------------------------

    def _check_body_headers(self, scope: Scope) -> Refusal | None:
        """Refuse, before reading a byte of it, a body the route does not take or that is too large."""
        declared = None
        chunked = False
        for name, value in scope["headers"]:
            lowered = name.lower()
            if lowered == b"content-length":
                declared = value
            elif lowered == b"transfer-encoding":
                chunked = True
        if declared is not None and not declared.isdigit():
            return Refusal(400, "bad_request", "Content-Length is not a number.")
        size = int(declared) if declared is not None else 0
        if (scope["method"], scope["path"]) not in self.body_routes:
            if size or chunked:
                where = f"{scope['method']} {scope['path']}"
                return Refusal(413, TooLargeError.code, f"{where} takes no request body; send it without one.")
            return None
        limit = self._limit(scope)
        if size > limit:
            return _too_large(size, limit)
        return None

    def _limit(self, scope: Scope) -> int:
        if scope["path"] == UPLOAD_PATH:
            return self.settings.max_upload_bytes + MULTIPART_SLACK
        return self.settings.max_body_bytes

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once refused: counted against the size limit (a chunked body has
        no Content-Length) and against a deadline each byte received pushes back by 1/min-rate s."""
        limit = self._limit(scope)
        rate = self.settings.body_min_bytes_per_second
        deadline = time.monotonic() + self.settings.body_timeout_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                received = await asyncio.wait_for(receive(), timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                message = (
                    f"the request body arrived too slowly ({size:,} bytes in the time allowed: "
                    f"{self.settings.body_timeout_seconds:g} s plus 1 s per {rate:,} bytes)."
                )
                await self._refuse(Refusal(408, "request_timeout", message), scope, receive, send)
                return None
            if received["type"] == "http.disconnect":
                return None
            chunk = received.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(_too_large(size, limit), scope, receive, send)
                return None
            chunks.append(chunk)
            deadline += len(chunk) / rate
            if not received.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, refusal: Refusal, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {**(refusal.headers or {}), **CLOSE}
        response = error_response(self.metrics, refusal.status, refusal.code, refusal.message, headers)
        await response(scope, receive, send)


def _buckets(per_minute: int) -> TokenBuckets | None:
    return TokenBuckets(per_minute) if per_minute else None


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return f"address:{client[0]}" if client else "address:unknown"


def _bearer(header: bytes) -> bytes | None:
    scheme, _, token = header.partition(b" ")
    token = token.strip()
    return token if scheme.lower() == b"bearer" and token else None


def _over(message: str, wait: int) -> Refusal:
    return Refusal(429, "rate_limited", message, {"Retry-After": str(wait)})


def _too_large(size: int, limit: int) -> Refusal:
    message = f"the request body is over the limit of {limit:,} bytes (at least {size:,})."
    return Refusal(413, TooLargeError.code, message)
