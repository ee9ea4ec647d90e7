"""`/metrics` of a server with several workers: every worker's counts, whichever worker answers.

A real `analyzer serve --workers 2`. Requests on fresh connections spread over the workers;
`/v1/admin/status` says which worker answered, and a scrape sent on the same keep-alive
connection as a status call is answered by that same worker, so each worker's scrape is seen.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Service, start_service, stop_service

pytestmark = pytest.mark.slow

ADMIN_KEY = "metrics-admin-key-7c41e9"  # 16 characters at least, as the server requires
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
#: No rate limits: the test sends many admin requests to learn which worker answers.
ENV = {
    "ANALYZER_ADMIN_KEYS": f"ops:{ADMIN_KEY}",
    "ANALYZER_RATE_LIMIT_PER_MINUTE": "0",
    "ANALYZER_ADMIN_RATE_LIMIT_PER_MINUTE": "0",
}
#: Status requests sent on fresh connections before the scrapes, and more until both workers have
#: answered some: which worker accepts a connection is the kernel's choice, and one that is still
#: loading its model on a busy machine accepts none (`/readyz` answered when the first was ready).
REQUESTS, BOTH_WORKERS_SECONDS = 24, 180.0
#: How long a scrape may lag: a request is counted as its answer leaves, so a client can read the
#: answer a moment before the count moves.
SETTLE_SECONDS = 10.0
STATUS_COUNT = re.compile(
    r'^analyzer_http_requests_total\{method="GET",route="/v1/admin/status",status="200"\} (\S+)$', re.M
)


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_service(tmp_path_factory.mktemp("metrics"), ENV, "--workers", "2")
    yield service
    stop_service(service)


def _status_count(scrape: str) -> float:
    match = STATUS_COUNT.search(scrape)
    assert match is not None, scrape[-2000:]
    return float(match.group(1))


def test_metrics_sum_every_worker_whichever_answers(two_workers: Service) -> None:
    served_by: list[int] = []
    deadline = time.monotonic() + BOTH_WORKERS_SECONDS
    with httpx.Client(base_url=two_workers.base, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as fresh:
        while len(served_by) < REQUESTS or (len(set(served_by)) < 2 and time.monotonic() < deadline):
            response = fresh.get("/v1/admin/status", headers=ADMIN)
            assert response.status_code == 200, response.text
            served_by.append(response.json()["worker"])
            if len(served_by) >= REQUESTS:
                time.sleep(0.1)  # waiting for the other worker to load its model
    # Both workers must have served some, or the sums below would prove nothing.
    assert len(set(served_by)) == 2, f"all {len(served_by)} requests went to one worker: the test cannot tell"

    sent, scraped_by = len(served_by), set()
    # Bounded by time, not by tries: the kernel hands a new connection to whichever worker waits
    # in accept, and one worker can win forty in a row (CI, 2026-12-06).
    deadline = time.monotonic() + BOTH_WORKERS_SECONDS
    while scraped_by != set(served_by) and time.monotonic() < deadline:
        with two_workers.client() as same_worker:  # one connection: every request to one worker
            worker = same_worker.get("/v1/admin/status", headers=ADMIN).json()["worker"]
            sent += 1
            counted = _settled_count(same_worker, sent)
        assert counted == sent, f"worker {worker} counted {counted} of {sent} status requests"
        scraped_by.add(worker)
        time.sleep(0.1)  # let the other worker be the one waiting in accept
    assert scraped_by == set(served_by)


def _settled_count(client: httpx.Client, sent: int) -> float:
    """The status count a scrape shows once the last answers' counts have landed (never above `sent`)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        scrape = client.get("/metrics")
        assert scrape.status_code == 200
        counted = _status_count(scrape.text)
        assert counted <= sent, f"{counted} counted, only {sent} sent"
        if counted == sent or time.monotonic() > deadline:
            return counted
        time.sleep(0.1)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_metrics_folder_is_private_and_removed_at_exit(tmp_path: Path, workers: int) -> None:
    temporary = Path(tempfile.gettempdir())
    # A server killed outright left its folder; another, still running, has its own.
    with subprocess.Popen(["sleep", "600"]) as running:
        try:
            orphaned = Path(tempfile.mkdtemp(prefix=f"analyzer-metrics-{_ended_pid()}-"))
            alive = Path(tempfile.mkdtemp(prefix=f"analyzer-metrics-{running.pid}-"))
            service = start_service(tmp_path, ENV, "--workers", str(workers))
            try:
                with service.client() as client:
                    worker = client.get("/v1/admin/status", headers=ADMIN).json()["worker"]
                # Each worker writes its values to files named by its pid, in the folder `serve` made
                # (the request's count, and so its file, may land a moment after the answer).
                values = _values_file(temporary, service.process.pid, worker)
                folder = values.parent
                assert folder.stat().st_mode & 0o777 == 0o700
                assert not orphaned.exists()
                assert alive.is_dir()
            finally:
                stop_service(service)  # SIGTERM, as a process manager stops it
        finally:
            running.kill()
            shutil.rmtree(alive, ignore_errors=True)
            shutil.rmtree(orphaned, ignore_errors=True)
    assert service.process.returncode in (0, 128 + signal.SIGTERM), service.output()
    assert not folder.exists()


def _values_file(temporary: Path, server: int, worker: int) -> Path:
    pattern = f"analyzer-metrics-{server}-*/counter_{worker}.db"
    deadline = time.monotonic() + SETTLE_SECONDS
    while not (found := list(temporary.glob(pattern))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(found) == 1, f"{len(found)} files match {temporary / pattern}"
    return found[0]


def _ended_pid() -> int:
    """The pid of a process that has ended (and been reaped), so that no process has it now."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
