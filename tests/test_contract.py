"""The API contract: schemathesis against a real `analyzer serve` and the schema it publishes.

Every operation in the schema is called with generated requests, valid and invalid (the
schema's boundary values first, then random ones), once with a valid key and once without.
No answer may be a 5xx, and every answer must be declared: its status, its content type, its
headers and its body. Without a key every /v1 call must be the declared 401 error.

pytest parametrizes before any fixture runs, so the schema is built here from the same app
factory the server runs; `test_the_server_publishes_this_schema` proves it is the one served.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from analyzer.service.app import create_app
from analyzer.service.errors import ErrorBody
from analyzer.settings import Settings
from tests.conftest import start_service, stop_service

pytestmark = pytest.mark.slow

KEY = "contract-key-7c1f0d2b"
ADMIN_KEY = "contract-admin-3e9a5b71"
#: High enough that the run never meets it, set (not 0) so the limiter still runs on every call.
RATE_LIMIT = 1_000_000
SERVER_ENV = {
    "ANALYZER_API_KEYS": f"contract:{KEY}",
    "ANALYZER_ADMIN_KEYS": f"ops:{ADMIN_KEY}",
    "ANALYZER_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
    "ANALYZER_FEEDBACK_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
    "ANALYZER_ADMIN_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
    # The run without a key sends thousands of wrong ones from one address, on purpose.
    "ANALYZER_FAILED_AUTH_PER_MINUTE": str(RATE_LIMIT),
}
#: Not `negative_data_rejection`: form fields are strings on the wire, so "false" is a valid title,
#: and pydantic's lax mode reads `false` as 0 for an integer option; both are deliberate leniency.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Generated cases per operation, besides the boundary cases: about a minute for the two runs
#: on two busy cores (analyses with suggestions dominate).
EXAMPLES = 80
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

PUBLISHED: dict[str, Any] = create_app(
    Settings(
        api_keys=f"contract:{KEY}",  # type: ignore[arg-type]
        admin_keys=f"ops:{ADMIN_KEY}",  # type: ignore[arg-type]
        rate_limit_per_minute=RATE_LIMIT,
        feedback_rate_limit_per_minute=RATE_LIMIT,
    )
).openapi()
schema = schemathesis.openapi.from_dict(PUBLISHED)
ordinary = schema.exclude(path_regex="^/v1/admin/")
#: The admin operations take no input, and every answered reload loads the model again (seconds).
admin = schema.include(path_regex="^/v1/admin/")


def bounded(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases on every run, so a failure in CI reproduces locally
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`analyzer serve` with a key; its base URL. Its log must hold no traceback at the end."""
    workdir = tmp_path_factory.mktemp("contract-server")
    # Its own models folder too: reload signals stay in tmp.
    service = start_service(workdir, {**SERVER_ENV, "ANALYZER_MODELS_DIR": str(workdir)})
    yield service.base
    stop_service(service)
    assert "Traceback" not in service.output(), service.output()


def test_the_server_publishes_this_schema(server: str) -> None:
    assert httpx.get(f"{server}/openapi.json").json() == PUBLISHED


def call_with_a_key(case: Case[Any], server: str) -> None:
    key = ADMIN_KEY if case.path.startswith("/v1/admin/") else KEY
    case.call_and_validate(base_url=server, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS, timeout=120)


def call_without_a_key(case: Case[Any], server: str) -> None:
    for name in [name for name in case.headers or {} if name.lower() == "authorization"]:
        del case.headers[name]
    response = case.call_and_validate(base_url=server, checks=CHECKS, timeout=60)
    # Generated cases also try other methods; routing answers those 405 before any key check.
    if case.path.startswith("/v1/") and case.method.upper() == case.operation.method.upper():
        assert response.status_code == 401, response.text
        assert ErrorBody.model_validate(response.json()).error.code == "unauthorized"


@ordinary.parametrize()
@bounded(EXAMPLES)
def test_with_a_key(case: Case[Any], server: str) -> None:
    call_with_a_key(case, server)


@ordinary.parametrize()
@bounded(EXAMPLES)
def test_without_a_key(case: Case[Any], server: str) -> None:
    call_without_a_key(case, server)


@admin.parametrize()
@bounded(3)
def test_admin_with_its_key(case: Case[Any], server: str) -> None:
    call_with_a_key(case, server)


@admin.parametrize()
@bounded(3)
def test_admin_without_a_key(case: Case[Any], server: str) -> None:
    call_without_a_key(case, server)


@pytest.mark.parametrize("path", sorted(PUBLISHED["paths"]))
def test_other_methods_are_405_with_allow(server: str, path: str) -> None:
    """What the generated cases never send: a method the path does not take."""
    declared = {method.upper() for method in PUBLISHED["paths"][path]}
    # The key the path takes: the guard answers a wrong one (401/403) before routing can say 405.
    headers = {"Authorization": f"Bearer {ADMIN_KEY if path.startswith('/v1/admin/') else KEY}"}
    for method in sorted(set(METHODS) - declared):
        response = httpx.request(method, server + path, headers=headers, timeout=30)
        assert response.status_code == 405, (method, path, response.text)
        assert set(response.headers["allow"].replace(" ", "").split(",")) >= declared
        assert ErrorBody.model_validate(response.json()).error.code == "method_not_allowed"


def test_unknown_paths_are_the_declared_error(server: str) -> None:
    for path in ("/v1/nothing", "/v2/analyze", "/%2e%2e/etc/passwd", "/static/../api.py"):
        response = httpx.get(server + path, headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/json"
        ErrorBody.model_validate(response.json())
