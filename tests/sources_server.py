"""A real HTTP server on a loopback address for the sitemap tests: each test writes its answers,
and the server logs every request (path, user agent) and counts the requests in flight."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    """One answer. `length=False` sends no Content-Length: the body ends when the connection does.
    `trickle` seconds between `trickle_lines` extra header lines, each sent on its own."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    length: bool = True
    trickle: float = 0.0
    trickle_lines: int = 0


def page(text: str, **kwargs: object) -> Reply:
    """An HTML page with a heading and a paragraph."""
    body = f"<html><head><title>{text}</title></head><body><h1>{text}</h1><p>{text} body.</p></body></html>"
    return Reply(body=body.encode(), **kwargs)  # type: ignore[arg-type]


def urlset(*urls: str) -> Reply:
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    return Reply(body=body.encode(), content_type="application/xml")


def sitemap_index(*urls: str) -> Reply:
    locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    body = (
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
    )
    return Reply(body=body.encode(), content_type="application/xml")


class Site:
    """The routes a test serves. A list of replies is answered in turn, its last one repeating."""

    def __init__(self, port: int, host: str = "127.0.0.1", scheme: str = "http") -> None:
        self.port = port
        self.host = host
        self.scheme = scheme
        self.routes: dict[str, Reply | list[Reply]] = {}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for requested, _agent in self.requests if requested == path)

    def paths(self) -> list[str]:
        with self.lock:
            return [requested for requested, _agent in self.requests]

    def user_agents(self) -> set[str]:
        with self.lock:
            return {agent for _path, agent in self.requests}

    def _reply(self, path: str) -> Reply:
        with self.lock:
            route = self.routes.get(path)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            return route or Reply(404, b"not found", content_type="text/plain")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with site.lock:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            answered = False

            def answer() -> None:
                # Counted out before the body goes: a client that has read the whole reply may
                # send its next request before this thread gets back from the write, and the
                # count would then be one over the client's true concurrency (seen in CI).
                nonlocal answered
                if not answered:
                    answered = True
                    with site.lock:
                        site.in_flight -= 1

            try:
                reply = site._reply(self.path)
                time.sleep(reply.delay)
                self.send_response(reply.status)
                if reply.trickle_lines:
                    self.flush_headers()
                    for line in range(reply.trickle_lines):
                        self.wfile.write(f"X-Trickle-{line}: {line}\r\n".encode())
                        time.sleep(reply.trickle)
                self.send_header("Content-Type", reply.content_type)
                if reply.length:
                    self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                answer()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on us (a timeout or a cut-off): what the test wanted
            finally:
                answer()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _ServerV6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@contextmanager
def serve_site(host: str = "127.0.0.1", port: int = 0, tls: tuple[Path, Path] | None = None) -> Iterator[Site]:
    """Serve a `Site` on `host` (a loopback address: 127.0.0.1, 127.0.0.2, ::1) from a thread for
    the length of a test, on `port` (0: any free one); over HTTPS with `tls` (certificate, key)."""
    server_class = _ServerV6 if ":" in host else ThreadingHTTPServer
    server = server_class((host, port), _handler(Site(0, host)))
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    site = Site(server.server_address[1], host, "https" if tls else "http")
    server.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
