"""`/metrics` of a server with several workers: every worker's counts, whichever worker answers.

A real `analyzer serve --workers 2`. Requests on fresh connections spread over the workers;
`/v1/admin/status` says which worker answered, and a scrape sent on the same keep-alive
connection as a status call is answered by that same worker, so each worker's scrape is seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Service, start_service, stop_service

pytestmark = pytest.mark.slow

ADMIN = {"Authorization": "Bearer admin-key"}
#: Status requests sent on fresh connections before the scrapes.
REQUESTS = 24
STATUS_COUNT = re.compile(
    r'^analyzer_http_requests_total\{method="GET",route="/v1/admin/status",status="200"\} (\S+)$', re.M
)


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_service(
        tmp_path_factory.mktemp("metrics"),
        {"ANALYZER_ADMIN_KEYS": "ops:admin-key", "ANALYZER_RATE_LIMIT_PER_MINUTE": "0"},
        "--workers",
        "2",
    )
    yield service
    stop_service(service)


def _status_count(scrape: str) -> float:
    match = STATUS_COUNT.search(scrape)
    assert match is not None, scrape[-2000:]
    return float(match.group(1))


def test_metrics_sum_every_worker_whichever_answers(two_workers: Service) -> None:
    served_by: set[int] = set()
    with httpx.Client(base_url=two_workers.base, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as fresh:
        for _ in range(REQUESTS):
            response = fresh.get("/v1/admin/status", headers=ADMIN)
            assert response.status_code == 200, response.text
            served_by.add(response.json()["worker"])
    # Both workers must have served some, or the sum below would prove nothing.
    if len(served_by) < 2:
        pytest.fail(f"all {REQUESTS} requests went to one worker ({served_by}); the test cannot tell sums apart")

    sent, scraped_by = REQUESTS, set()
    for _ in range(40):  # bounded: until each worker has answered a scrape
        with two_workers.client() as same_worker:
            worker = same_worker.get("/v1/admin/status", headers=ADMIN).json()["worker"]
            sent += 1
            scrape = same_worker.get("/metrics")
        assert scrape.status_code == 200
        assert _status_count(scrape.text) == sent, f"worker {worker} counted {_status_count(scrape.text)} of {sent}"
        scraped_by.add(worker)
        if scraped_by == served_by:
            break
    assert scraped_by == served_by


def test_the_metrics_folder_is_private_and_removed_at_exit(tmp_path: Path) -> None:
    env = {"ANALYZER_ADMIN_KEYS": "ops:admin-key", "ANALYZER_RATE_LIMIT_PER_MINUTE": "0"}
    service = start_service(tmp_path, env, "--workers", "2")
    try:
        with service.client() as client:
            worker = client.get("/v1/admin/status", headers=ADMIN).json()["worker"]
        # The folder is named in the environment `serve` hands its workers.
        environ = Path(f"/proc/{worker}/environ").read_bytes().decode("utf-8", "replace").split("\0")
        [folder] = [Path(item.split("=", 1)[1]) for item in environ if item.startswith("PROMETHEUS_MULTIPROC_DIR=")]
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
        assert any(folder.glob("*.db"))  # the workers' values
    finally:
        stop_service(service)
    assert service.process.returncode == 0, service.output()
    assert not folder.exists()
