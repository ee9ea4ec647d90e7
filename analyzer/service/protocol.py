"""The HTTP connection of `analyzer serve`: uvicorn's h11 protocol with a deadline on headers.

uvicorn never times out a request whose line and headers are still arriving, so a client that
opens connections and sends a byte now and then (slowloris) keeps each file descriptor until
the worker has none left to accept `/healthz` with. This protocol adds what it lacks:

- a deadline: a connection has `header_timeout_seconds` to send a request's line and headers,
  counted from when it connected (or finished its previous request);
- a cap: when a worker holds `limit_concurrency` connections (set by `serve` below its file
  limit), a new one closes the oldest connection that is still waiting for its headers, so
  idle and slow connections never starve a real request of a descriptor;
- no reading after answering: a connection whose request body is still arriving when the
  answer has been sent is closed, rather than read and discarded for as long as it trickles.

Bodies are bounded in time by the guard (`guard.py`), which reads them. In front of the
service, a reverse proxy with its own header and body timeouts does this too (README,
"Deployment").
"""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict
from typing import ClassVar

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from analyzer.settings import Settings


@functools.cache
def _header_timeout() -> float:
    """Read once per worker, from the same ANALYZER_* variables as the app."""
    return Settings().header_timeout_seconds


class GuardedH11Protocol(H11Protocol):
    """h11 with a header deadline, a connection cap that sheds idle connections first, and no
    reading of a body nobody will use."""

    #: Connections of this worker still waiting for a request's headers, oldest first.
    waiting: ClassVar[OrderedDict[GuardedH11Protocol, None]] = OrderedDict()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = _header_timeout()
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[arg-type]
        self._shed_if_full()
        self._wait_for_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_waiting()

    def on_response_complete(self) -> None:
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            # Answered before the body was read (a refusal): the rest of it is of no use.
            self.transport.close()
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _wait_for_headers(self) -> None:
        if self.header_deadline is None:
            self.header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)
            self.waiting[self] = None

    def _stop_waiting(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None
        self.waiting.pop(self, None)

    def _headers_too_slow(self) -> None:
        self.header_deadline = None
        self.waiting.pop(self, None)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _shed_if_full(self) -> None:
        """At the cap, close the oldest connection that has not sent its headers (not this one)."""
        limit = self.limit_concurrency
        if limit is None or len(self.connections) < limit:
            return
        for other in self.waiting:
            if other is not self:
                other._stop_waiting()
                other.transport.close()
                return
