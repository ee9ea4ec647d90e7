"""Prometheus metrics of one app: requests, latency, labels returned and errors, in its own registry."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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


#: Methods counted by name; any other token a client sends is counted as "other".
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template and method.

    Labels come from closed sets, never from what the client sent: an unknown path or method
    token is "other", so 20,000 made-up methods add one label value, not 20,000 series.
    """

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
            method = scope["method"] if scope["method"] in HTTP_METHODS else "other"
            self.metrics.requests.labels(route=route, method=method, status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(time.perf_counter() - started)
