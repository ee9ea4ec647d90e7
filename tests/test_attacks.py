"""Attacks on the service (issue 12), each against a real `analyzer serve` on loopback.

Every attack here is bounded in count and in time and stops by itself; each test names the
item of issue 12 it guards and fails on the code before the fix. What each found and what
holds now is in docs/reliability.md, "Attacks on the service (issue 12)".
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from analyzer.analysis.analyzer import Analyzer
from analyzer.errors import ModelTrustError
from analyzer.feedback.store import AnalysesLog, Correction, FeedbackQuery, FeedbackStore, text_sha256
from analyzer.model import artifacts
from analyzer.model.artifacts import PINNED_CARDS_VARIABLE, SIGNING_KEY_VARIABLE, card_sha256, load_model, sign_model
from analyzer.model.paths import DEFAULT_MODEL_DIR
from analyzer.service.metrics import HTTP_METHODS
from analyzer.service.routes.pages import PAGE_PATHS
from tests.conftest import ROOT, Service, free_port, run_cli, start_service, stop_service

pytestmark = pytest.mark.slow

ALICE = "sk-alice-8e1f4b2c9d7a6035"
ADMIN = "sk-ops-c5a9e0d3f7b21864"
KEYED = {"Authorization": f"Bearer {ALICE}"}
CASE = (
    "Manual invoicing costs your team two days every month. "
    "Every quarter you wait, the backlog grows and clients pay later."
)
#: Seconds the test servers give headers and bodies: short, so the attacks finish quickly.
TIMEOUT = 2
BODIES_IN_PROGRESS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One worker (so /metrics and the limits are the whole server's), short timeouts."""
    env = {
        "ANALYZER_API_KEYS": f"alice:{ALICE}",
        "ANALYZER_ADMIN_KEYS": f"ops:{ADMIN}",
        "ANALYZER_RATE_LIMIT_PER_MINUTE": "100000",
        "ANALYZER_HEADER_TIMEOUT_SECONDS": str(TIMEOUT),
        "ANALYZER_BODY_TIMEOUT_SECONDS": str(TIMEOUT),
        "ANALYZER_MAX_BODIES_IN_PROGRESS": str(BODIES_IN_PROGRESS),
    }
    started = start_service(tmp_path_factory.mktemp("attacked"), env)
    yield started
    stop_service(started)


def _port(service: Service) -> int:
    return int(service.base.rsplit(":", 1)[1])


def _connect(port: int, source: str = "127.0.0.1", timeout: float = 5) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset on close
    return sock


def _answer(sock: socket.socket, timeout: float) -> bytes:
    """What the server sent before closing or before `timeout` passed (b"" if nothing)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
    except (TimeoutError, ConnectionResetError):
        pass
    return received


def _complete(response: bytes) -> bool:
    head, _, body = response.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))


def _status(response: bytes) -> int | None:
    match = re.match(rb"HTTP/1\.1 (\d{3})", response)
    return int(match.group(1)) if match else None


def _closed(sock: socket.socket, timeout: float) -> bool:
    """True once the server has closed the connection (EOF or reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except OSError:
        return True
    return True


def _head(method: str, path: str, length: int, extra: str = "") -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


def _rss(service: Service) -> int:
    return int(psutil.Process(service.process.pid).memory_info().rss)


# --- Item 2: bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "extra", "statuses", "source"),
    [
        ("/", "", {413}, "127.0.0.10"),  # the page takes no body
        ("/v1/admin/reload", "", {401, 429}, "127.0.0.11"),  # no admin key (429 once over the failures)
        ("/v1/analyze", "Authorization: Bearer sk-nobody-000000000000\r\n", {401, 429}, "127.0.0.12"),
    ],
)
def test_a_body_without_a_key_or_a_route_is_refused_unread(
    server: Service, path: str, extra: str, statuses: set[int], source: str
) -> None:
    """Issue 12, item 2: 100 connections each announce a 1.9 MB body and send its first 60 KB,
    to a route that takes none or without a key. Each is answered at once, before the rest of
    its body, and closed; the worker does not grow by what it was sent. Before the fix the gate
    read every body to its end, so none was answered while its body was incomplete."""
    port = _port(server)
    before = _rss(server)
    sockets = [_connect(port, source) for _ in range(100)]
    try:
        for sock in sockets:
            sock.sendall(_head("POST", path, 1_900_000, extra) + b"[" * 60_000)
        for sock in sockets:
            answer = _answer(sock, timeout=3)
            assert _status(answer) in statuses, answer[:200]
            assert _closed(sock, timeout=5), "a refused request's connection stayed open"
        grown = _rss(server) - before
    finally:
        for sock in sockets:
            sock.close()
    assert grown < 40_000_000, f"the worker grew by {grown:,} bytes"
    assert httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200


def test_a_slow_body_is_cut_and_bodies_in_progress_are_capped(server: Service) -> None:
    """Issue 12, item 2: a body that stops arriving gets a 408 and is closed; past
    `max_bodies_in_progress` bodies at once, the next one is a 503 before it is read."""
    port = _port(server)
    slow = [_connect(port) for _ in range(BODIES_IN_PROGRESS)]
    try:
        for sock in slow:
            sock.sendall(_head("POST", "/v1/analyze", 100_000, f"Authorization: Bearer {ALICE}\r\n") + b'{"te')
        time.sleep(0.5)
        extra = _connect(port)
        extra.sendall(_head("POST", "/v1/analyze", 100_000, f"Authorization: Bearer {ALICE}\r\n") + b'{"te')
        busy = _answer(extra, timeout=5)
        extra.close()
        assert _status(busy) == 503 and b'"code":"busy"' in busy and b"retry-after: 1" in busy.lower()
        started = time.monotonic()
        answers = [_answer(sock, timeout=TIMEOUT + 5) for sock in slow]
        waited = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()
    assert [_status(a) for a in answers] == [408] * BODIES_IN_PROGRESS, answers
    assert b'"code":"request_timeout"' in answers[0]
    assert waited < TIMEOUT + 3
    response = httpx.post(f"{server.base}/v1/classify", json={"documents": [{"text": CASE}]}, headers=KEYED)
    assert response.status_code == 200  # the slots were given back


# --- Item 3: slow headers ------------------------------------------------------------------


class Slowloris:
    """Connections that send a request's headers one line at a time, reconnecting when cut."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.sockets: list[socket.socket | None] = [None] * count
        self.cut = 0

    def tick(self) -> None:
        """One more header line on every connection; reopen the ones the server closed."""
        for n, sock in enumerate(self.sockets):
            try:
                if sock is None:
                    sock = self.sockets[n] = _connect(self.port, timeout=2)
                    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                else:
                    sock.sendall(f"X-Slow-{random.randrange(10**6)}: 1\r\n".encode())
            except OSError:
                self.cut += sock is not None
                if sock is not None:
                    sock.close()
                self.sockets[n] = None

    def close(self) -> None:
        for sock in self.sockets:
            if sock is not None:
                sock.close()


def test_slowloris_cannot_starve_healthz(tmp_path: Path) -> None:
    """Issue 12, item 3: with 256 file descriptors, 300 connections sending their headers a
    line a second never finish a request; `/healthz` answers all along and the slow ones are
    cut (at the header deadline, or sooner to make room). Before the fix: EMFILE, time-outs."""
    env = {"ANALYZER_HEADER_TIMEOUT_SECONDS": "4", "ANALYZER_RECORD_ANALYSES": "false"}
    service = start_service(tmp_path, env, files_limit=256)
    attack = Slowloris(_port(service), 300)
    probes: list[float | None] = []
    try:
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            attack.tick()
            started = time.monotonic()
            try:
                ok = httpx.get(f"{service.base}/healthz", timeout=3).status_code == 200
                probes.append(time.monotonic() - started if ok else None)
            except httpx.TransportError:
                probes.append(None)
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    finally:
        attack.close()
        stop_service(service)
    assert probes and all(p is not None for p in probes), f"/healthz failed during the attack: {probes}"
    assert attack.cut >= 100, f"only {attack.cut} slow connections were cut"
    assert "Too many open files" not in service.output()


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_SITE = ROOT / "deploy" / "nginx" / "analyzer.conf"


def test_nginx_in_front_cuts_slow_clients(server: Service, tmp_path: Path) -> None:
    """Issue 12, item 3: the README's nginx configuration, run as shipped (only its two ports
    changed) in front of `analyzer serve`: a slow-header and a slow-body connection are cut at
    its 10 s timeouts while `/healthz` and an analysis answer through it."""
    if not Path(NGINX).is_file():
        pytest.skip("nginx is not installed: `make test` installs it (apt-get install nginx)")
    port = free_port()
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "server 127.0.0.1:8000;", f"server 127.0.0.1:{_port(server)};"
    )
    assert f"listen 127.0.0.1:{port};" in site and f":{_port(server)};" in site
    (tmp_path / "analyzer.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/analyzer.conf;\n}}\n",
        encoding="utf-8",
    )
    nginx = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            "daemon off; master_process off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # it writes to error.log
    )
    front = f"http://127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                if httpx.get(f"{front}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail(f"nginx did not start: {(tmp_path / 'error.log').read_text(errors='replace')}")
        slow_header = _connect(port)
        slow_header.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        slow_body = _connect(port)
        slow_body.sendall(_head("POST", "/v1/analyze", 5000, f"Authorization: Bearer {ALICE}\r\n") + b'{"text"')
        started = time.monotonic()
        answered = 0
        while time.monotonic() - started < 8:  # both are still held; the service answers through nginx
            assert httpx.get(f"{front}/healthz", timeout=3).status_code == 200
            answered += 1
            time.sleep(0.5)
        analysis = httpx.post(
            f"{front}/v1/analyze", json={"text": CASE, "options": {"suggestions": False}}, headers=KEYED, timeout=60
        )
        assert analysis.status_code == 200
        assert _closed(slow_header, timeout=8) and _closed(slow_body, timeout=8)
        cut_after = time.monotonic() - started
        slow_header.close()
        slow_body.close()
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    assert answered >= 10
    assert 9 <= cut_after <= 16, f"cut after {cut_after:.1f} s, not at the 10 s timeouts"


# --- Item 4: metrics -----------------------------------------------------------------------


def test_metrics_labels_stay_bounded(server: Service) -> None:
    """Issue 12, item 4: 300 made-up methods and 300 made-up paths, no key. `/metrics` counts
    them under "other": its label values stay within the known routes and methods."""
    port = _port(server)
    for n in range(300):
        with _connect(port) as sock:
            sock.sendall(f"M{n:05d}X /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            _answer(sock, timeout=5)
    with httpx.Client(base_url=server.base, timeout=10) as client:
        for n in range(300):
            client.get(f"/made-up/{n}")
        text = client.get("/metrics").text
        routes = set(client.get("/openapi.json").json()["paths"]) | {"/openapi.json", *PAGE_PATHS}
    methods = set(re.findall(r'method="([^"]*)"', text))
    paths = set(re.findall(r'route="([^"]*)"', text))
    assert methods <= {*HTTP_METHODS, "other"} and "other" in methods, methods
    assert paths <= routes | {"other"}, paths - routes
    assert len(text) < 100_000


# --- Item 5: the analyses log --------------------------------------------------------------


def test_the_analyses_log_keeps_an_excerpt_and_a_hash(server: Service) -> None:
    """Issue 12, item 5: a served analysis is logged as its text's hash, opening and least
    certain sentences; the draft itself is not in the database."""
    marker = "Zebrafinch-" + os.urandom(4).hex()
    draft = CASE + " " + " ".join(f"{marker} step {n} costs your team another hour." for n in range(200))
    response = httpx.post(
        f"{server.base}/v1/analyze", json={"text": draft, "options": {"suggestions": False}}, headers=KEYED, timeout=60
    )
    assert response.status_code == 200
    database = Path(server.log).parent / "data" / "analyzer.db"
    with sqlite3.connect(database) as connection:
        texts = [t for (t,) in connection.execute("SELECT text FROM texts")]
        rows = connection.execute("SELECT excerpt, sentences, bytes FROM analyses").fetchall()
    assert not any(marker in text for text in texts)
    assert rows
    excerpt, sentences, size = rows[-1]
    assert excerpt == draft[:200]
    assert len(json.loads(sentences)) <= 5 and 0 < size < 5_000 < len(draft)


def test_the_analyses_log_keeps_its_retention_and_size_cap(tmp_path: Path, bundled_model: Any) -> None:
    """Issue 12, item 5: analyses older than the retention are deleted, then the oldest past
    the size cap; corrections are never touched."""
    analyzer = Analyzer(bundled_model)
    analysis = analyzer.analyze(CASE)
    store = FeedbackStore.open(f"sqlite:///{tmp_path / 'analyzer.db'}")
    try:
        log = AnalysesLog(retention_days=30, max_bytes=20_000, min_free_bytes=0)
        for _ in range(40):
            assert store.record_analysis(analysis, log)
        with store.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE analyses SET created_at = datetime('now', '-31 days') WHERE id <= 5")
        store.add(Correction(text=CASE, label="feature-pitch", reviewer="alice"), 10_000)
        before = store.analyses_bytes()
        assert before > log.max_bytes
        deleted = store.prune_analyses(log, force=True)
        kept = store.queue_candidates("document")
        assert deleted > 5 and store.analyses_bytes() <= log.max_bytes
        assert len(kept) == 40 - deleted
        [correction], _ = store.page(FeedbackQuery())
        assert correction.excerpt == CASE
    finally:
        store.close()


@dataclass
class SmallDisk:
    path: Path

    def fill(self, leave: int) -> None:
        """Take the disk's free space down to about `leave` bytes."""
        filler = self.path / f"filler-{time.monotonic_ns()}"
        free = shutil.disk_usage(self.path).free
        with contextlib.suppress(OSError), filler.open("wb") as handle:  # a full disk may refuse the last block
            handle.write(b"\0" * max(0, free - leave))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 4 MB tmpfs: a disk that really fills up (mounting needs root, as in CI)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(where)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield SmallDisk(where)
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_leaves_room_for_corrections_and_says_so(small_disk: SmallDisk, tmp_path: Path) -> None:
    """Issue 12, item 5: below ANALYZER_MIN_FREE_DISK_MB analyses stop being logged and a
    correction is still stored; on a disk with no room at all, `POST /v1/feedback` is a 503
    E031 whose hint says the disk is full (it said the model was not loaded)."""
    env = {
        "ANALYZER_API_KEYS": f"alice:{ALICE}",
        "ANALYZER_DATA_DIR": str(small_disk.path / "data"),
        "ANALYZER_MIN_FREE_DISK_MB": "1",
    }
    service = start_service(tmp_path, env)
    database = small_disk.path / "data" / "analyzer.db"
    try:
        with service.client() as client:
            assert client.post("/v1/analyze", json={"text": CASE, "options": {}}, headers=KEYED).status_code == 200
            small_disk.fill(leave=600_000)
            draft = CASE + " Nothing else changes."
            assert client.post("/v1/analyze", json={"text": draft}, headers=KEYED).status_code == 200
            stored = client.post("/v1/feedback", json={"text": draft, "label": "case-for-change"}, headers=KEYED)
            assert stored.status_code == 201, stored.text
            with sqlite3.connect(database) as connection:
                logged = {sha for (sha,) in connection.execute("SELECT text_sha256 FROM analyses")}
            assert text_sha256(draft) not in logged
            small_disk.fill(leave=0)
            refused = client.post(
                "/v1/feedback", json={"text": "It costs. " * 10_000, "label": "case-for-change"}, headers=KEYED
            )
    finally:
        stop_service(service)
    assert refused.status_code == 503, refused.text
    error = refused.json()["error"]
    assert error["code"] == "E031" and "disk is full" in error["hint"] and "model" not in error["hint"]


# --- Item 6: ids ---------------------------------------------------------------------------


def test_a_bad_id_costs_its_document_alone(server: Service, tmp_path: Path) -> None:
    """Issue 12, item 6: a lone surrogate (or an ESC) in an id fails that document, never the batch."""
    body = (
        '{"documents": [{"id": "\\ud800", "text": "Pricing starts at $49."}, '
        '{"id": "esc\\u001b[31m", "text": "Pricing starts at $49."}, {"id": "ok", "text": "Pricing starts at $49."}]}'
    )
    response = httpx.post(
        f"{server.base}/v1/classify", content=body, headers={**KEYED, "Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == [0, 1, "ok"]
    assert results[0]["error"]["code"] == "E014" and results[1]["error"]["code"] == "E001"
    assert results[2]["label"] == "feature-pitch"

    lines = tmp_path / "docs.jsonl"
    lines.write_text(
        '{"id": "\\ud800", "text": "Pricing starts at $49."}\n{"id": "ok", "text": "Pricing starts at $49."}\n',
        encoding="utf-8",
    )
    result = run_cli("classify", "--jsonl", str(lines))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "lone surrogate" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok"]


# --- Item 10: redirects ----------------------------------------------------------------------


def test_no_redirect_is_built_from_the_host_header(server: Service) -> None:
    """Issue 12, item 10: `/healthz/` with `Host: evil.example` was a 307 to evil.example."""
    for path in ("/healthz/", "/v1/model/", "/readyz/"):
        response = httpx.get(f"{server.base}{path}", headers={"Host": "evil.example", **KEYED}, timeout=5)
        assert response.status_code == 404, (path, response.status_code)
        assert "location" not in response.headers and "evil.example" not in response.text


# --- Item 11: keys -------------------------------------------------------------------------


def test_wrong_keys_are_throttled_per_address(server: Service) -> None:
    """Issue 12, item 11: ten wrong keys a minute from one address, then 429 for everything
    from it (even a right key); another address is not affected. Admin routes too."""
    guesser = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), base_url=server.base)
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), base_url=server.base)
    with guesser, other:
        statuses = [
            guesser.get("/v1/model", headers={"Authorization": f"Bearer sk-guess-{n:016d}"}).status_code
            for n in range(10)
        ]
        assert statuses == [401] * 10
        throttled = guesser.get("/v1/admin/status", headers={"Authorization": "Bearer sk-guess-admin-000000"})
        assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
        assert guesser.get("/v1/model", headers=KEYED).status_code == 429
        assert other.get("/v1/model", headers=KEYED).status_code == 200


def test_admin_routes_are_rate_limited_and_read_one_authorization_header(server: Service) -> None:
    """Issue 12, item 11: admin routes had no rate limit, and two `Authorization` headers were
    read as the last by the gate and the first by the admin check."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.4"), base_url=server.base) as client:
        two = [("Authorization", f"Bearer {ADMIN}"), ("Authorization", f"Bearer {ALICE}")]
        for path in ("/v1/admin/status", "/v1/model"):
            response = client.get(path, headers=two)
            assert response.status_code == 400 and "one Authorization header" in response.json()["error"]["message"]
        statuses = [client.get("/v1/admin/status", headers=admin).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ANALYZER_API_KEYS", "alice:", "is not 'name:key'"),
        ("ANALYZER_API_KEYS", "alice:sk-0123456789abcdef:more", "is not 'name:key'"),
        ("ANALYZER_API_KEYS", "alice:s3cret", "fewer than 16"),
        ("ANALYZER_ADMIN_KEYS", "ops:ключ-администратора-1234", "visible ASCII"),
        ("ANALYZER_API_KEYS", f"alice:{ALICE},bob:", "entry 2"),
    ],
)
def test_malformed_keys_are_refused_at_start_up(variable: str, value: str, says: str) -> None:
    """Issue 12, item 11: `name:` became a key, `a:b:c` the key `b:c`, short keys were taken and
    non-ASCII admin keys only matched as latin-1. Now `serve` stops, naming the variable, never the key."""
    result = run_cli("serve", "--port", str(free_port()), env={variable: value})
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {variable}") and says in line
    secret = value.partition(":")[2]
    assert not secret or secret not in line


# --- Item 12: the data folder ----------------------------------------------------------------


def test_the_data_folder_and_database_are_private(server: Service) -> None:
    """Issue 12, item 12: the folder was 0755 and the database 0644, so drafts were world-readable."""
    folder = Path(server.log).parent / "data"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# --- Item 13: who may put code in a model folder ----------------------------------------------


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "messaging-copy"
    shutil.copytree(DEFAULT_MODEL_DIR, copy)
    return copy


SIGNING_KEY = "test-signing-key-5d1c8a7e9f0b2346a1c3e5f7"


def test_a_signing_key_refuses_unsigned_models_before_unpickling(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12, item 13: with ANALYZER_MODEL_SIGNING_KEY set, an unsigned or re-carded model is
    refused before any pickle is opened (the loader audit workers and `serve` both call)."""
    opened: list[Path] = []
    monkeypatch.setattr(artifacts.joblib, "load", lambda path: opened.append(path))  # type: ignore[arg-type]
    monkeypatch.setenv(SIGNING_KEY_VARIABLE, SIGNING_KEY)
    with pytest.raises(ModelTrustError, match="not signed"):
        load_model(model_copy)
    with pytest.raises(ModelTrustError, match="not signed"):
        Analyzer.load(model_copy)
    assert opened == []
    monkeypatch.undo()

    monkeypatch.setenv(SIGNING_KEY_VARIABLE, SIGNING_KEY)
    sign_model(model_copy)
    assert load_model(model_copy).version == "1.1.0"
    card = model_copy / "model-card.json"
    card.write_text(card.read_text(encoding="utf-8").replace('"1.1.0"', '"1.1.1"', 1), encoding="utf-8")
    with pytest.raises(ModelTrustError, match="does not match"):
        load_model(model_copy)
    monkeypatch.setenv(SIGNING_KEY_VARIABLE, "short")
    with pytest.raises(ModelTrustError, match="fewer than 32"):
        load_model(model_copy)


def test_a_pinned_card_hash_refuses_any_other_model(model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pinned = card_sha256(model_copy)
    monkeypatch.setenv(PINNED_CARDS_VARIABLE, f"{'0' * 64}, {pinned}")
    assert load_model(model_copy).name == "messaging"
    monkeypatch.setenv(PINNED_CARDS_VARIABLE, "0" * 64)
    with pytest.raises(ModelTrustError, match="not one of those pinned"):
        load_model(model_copy)


def test_serve_with_a_signing_key_serves_only_a_signed_model(model_copy: Path, tmp_path: Path) -> None:
    env = {SIGNING_KEY_VARIABLE: SIGNING_KEY}
    (tmp_path / "unsigned").mkdir()
    (tmp_path / "signed").mkdir()
    refused = start_service(tmp_path / "unsigned", env, "--model", str(model_copy), ready=(503,))
    stop_service(refused)
    assert "not signed" in refused.output()
    signed = run_cli("models", "sign", str(model_copy), env=env)
    assert signed.returncode == 0, signed.stderr
    assert card_sha256(model_copy) in signed.stdout
    served = start_service(tmp_path / "signed", env, "--model", str(model_copy))
    stop_service(served)


# --- Also: nested JSON, control characters in feedback ----------------------------------------


def test_deep_json_is_malformed_json(server: Service) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = httpx.post(
        f"{server.base}/v1/analyze", content=body, headers={**KEYED, "Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("field", ["text", "comment"])
@pytest.mark.parametrize("control", ["\x1b[2J", "\x00"])
def test_feedback_refuses_control_characters(server: Service, field: str, control: str) -> None:
    body = {"text": CASE, "label": "case-for-change", "comment": "fine"}
    body[field] = body[field] + control
    response = httpx.post(f"{server.base}/v1/feedback", json=body, headers=KEYED, timeout=30)
    assert response.status_code == 422 and "control character" in response.json()["error"]["message"]
