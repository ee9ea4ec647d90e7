"""The HTTP API end to end: real `analyzer serve` processes on loopback ports, spoken to over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.model.artifacts import LoadedModel, read_card
from analyzer.model.paths import DEFAULT_MODEL_DIR
from analyzer.settings import Settings
from analyzer.text.extract import extract_text
from tests.conftest import Service, free_port, run_cli, start_service, stop_service
from tests.make_files import sample_docx, text_pdf

pytestmark = pytest.mark.slow

CASE = (
    "Manual invoicing costs your team two days every month. "
    "Every quarter you wait, the backlog grows and clients pay later."
)
FAST = {"suggestions": False}
#: Each reviewer's key: the name and a random suffix (keys have at least 16 characters).
KEY_OF = {
    name: f"key-{name}-{suffix}"
    for name, suffix in zip(
        ("alice", "bob", "carol", "dave", "erin"),
        ("0f3a9c2e", "7d41b8e6", "2c9e51a7", "e83f06b4", "5ab27c9d"),
        strict=True,
    )
}
KEYS = ",".join(f"{name}:{key}" for name, key in KEY_OF.items())


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Starts `analyzer serve` with the given ANALYZER_* variables; every server is stopped at the end.

    A server counts as up when /readyz answers at all (503 included: one test starts a server
    whose model cannot load).
    """
    started: list[tuple[Service, httpx.Client]] = []

    def _start(env: dict[str, str]) -> httpx.Client:
        service = start_service(tmp_path_factory.mktemp("server"), env, ready=(200, 503), timeout=60)
        client = service.client()
        started.append((service, client))
        return client

    yield _start
    for service, client in started:
        client.close()
        stop_service(service)


@pytest.fixture(scope="module")
def api(start: Any) -> httpx.Client:
    """No keys, default limits."""
    client: httpx.Client = start({})
    return client


@pytest.fixture(scope="module")
def guarded(start: Any) -> httpx.Client:
    """Keys, a tiny rate limit, small size limits and one CORS origin: one key per test keeps buckets apart."""
    client: httpx.Client = start(
        {
            "ANALYZER_API_KEYS": KEYS,
            "ANALYZER_RATE_LIMIT_PER_MINUTE": "3",
            "ANALYZER_MAX_BODY_BYTES": "4000",
            "ANALYZER_MAX_CHARS": "300",
            "ANALYZER_MAX_UPLOAD_BYTES": "5000",
            "ANALYZER_MAX_BATCH": "3",
            "ANALYZER_CORS_ORIGINS": "https://ok.example",
        }
    )
    return client


@pytest.fixture(scope="module")
def engine(bundled_model: LoadedModel) -> Analyzer:
    return Analyzer(bundled_model)


def _bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEY_OF[name]}"}


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, str] = response.json()["error"]
    assert set(error) == {"code", "message", "hint"}
    assert all(isinstance(v, str) and v for v in error.values())
    assert "Traceback" not in response.text
    if code:
        assert error["code"] == code
    return error


# --- The contract -------------------------------------------------------------------------


def test_health_ready_and_model_card(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "model": {"name": "messaging", "version": "1.1.0"}}
    card = api.get("/v1/model")
    assert card.status_code == 200
    assert card.json() == read_card(DEFAULT_MODEL_DIR)


def test_openapi_and_docs(api: httpx.Client) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/v1/analyze", "/v1/analyze/file", "/v1/classify", "/v1/model", "/healthz", "/readyz"} <= set(paths)
    assert "Analysis" in api.get("/openapi.json").text
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_analyze_equals_the_core_to_the_digit(api: httpx.Client, engine: Analyzer) -> None:
    response = api.post("/v1/analyze", json={"text": CASE, "title": "Invoicing", "options": FAST})
    assert response.status_code == 200
    options = AnalyzeOptions(suggestions=False)
    expected = engine.analyze(extract_text(CASE), title="Invoicing", options=options)
    assert Analysis.model_validate(response.json()).model_dump() == expected.model_dump()
    assert response.json()["scores"] == engine.analyze(CASE, title="Invoicing", options=options).scores


def test_analyze_with_suggestions(api: httpx.Client, engine: Analyzer) -> None:
    text = "Our dashboard has 40 integrations and a mobile app. Pricing starts at $49 per user per month."
    response = api.post("/v1/analyze", json={"text": text, "options": {"max_suggestions": 3}})
    assert response.status_code == 200
    body = response.json()
    assert len(body["suggestions"]) <= 3
    expected = engine.analyze(extract_text(text), options=AnalyzeOptions(max_suggestions=3))
    assert Analysis.model_validate(body).model_dump() == expected.model_dump()


@pytest.mark.parametrize(
    ("field", "document", "fmt"),
    [
        ("html", f"<html><body><h1>Invoicing</h1><p>{CASE}</p></body></html>", "html"),
        ("markdown", f"# Invoicing\n\n{CASE}\n", "markdown"),
    ],
)
def test_analyze_html_and_markdown(api: httpx.Client, field: str, document: str, fmt: str) -> None:
    response = api.post("/v1/analyze", json={field: document, "options": FAST})
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == fmt
    assert "Manual invoicing" in body["text"]
    assert "<p>" not in body["text"]
    assert body["sections"]


def test_classify_keeps_good_documents_beside_bad_ones(api: httpx.Client, bundled_model: LoadedModel) -> None:
    documents: list[Any] = [
        {"id": "good-1", "text": CASE},
        {"id": "empty", "text": "   "},
        {"id": "number", "text": 42},
        "not an object",
        {"id": 7, "text": "Pricing starts at $49 per user per month."},
    ]
    response = api.post("/v1/classify", json={"documents": documents})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["good-1", "empty", "number", 3, 7]
    expected = bundled_model.classify([CASE, "Pricing starts at $49 per user per month."])
    for result, prediction in zip([results[0], results[4]], expected, strict=True):
        assert result["label"] == prediction.label
        assert result["scores"] == prediction.scores
        assert sum(result["scores"].values()) == pytest.approx(1.0)
    assert results[1]["error"]["code"] == "E015"
    assert results[2]["error"]["code"] == results[3]["error"]["code"] == "E001"
    assert all(set(r["error"]) == {"code", "message", "hint"} for r in results[1:4])


@pytest.mark.parametrize(
    ("filename", "make", "fmt"),
    [
        ("draft.txt", lambda: CASE.encode(), "text"),
        ("draft.md", lambda: f"# Invoicing\n\n{CASE}\n".encode(), "markdown"),
        ("draft.html", lambda: f"<html><body><h1>Invoicing</h1><p>{CASE}</p></body></html>".encode(), "html"),
        ("draft.pdf", lambda: text_pdf([CASE, "Every quarter you wait, the backlog grows."]), "pdf"),
        ("draft.docx", sample_docx, "docx"),
    ],
)
def test_upload_each_format(api: httpx.Client, filename: str, make: Any, fmt: str) -> None:
    response = api.post("/v1/analyze/file", files={"file": (filename, make())}, data={"suggestions": "false"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["format"] == fmt
    assert body["source"] == filename
    assert "invoic" in body["text"].lower()
    assert body["suggestions"] == []


def test_metrics_after_requests(api: httpx.Client) -> None:
    api.post("/v1/analyze", json={"text": CASE, "options": FAST})
    api.post("/v1/analyze", content=b"{not json", headers={"Content-Type": "application/json"})
    api.post("/v1/classify", json={"documents": [{"id": 1, "text": CASE}]})
    text = api.get("/metrics").text
    assert 'analyzer_http_requests_total{method="POST",route="/v1/analyze",status="200"}' in text
    assert 'analyzer_http_requests_total{method="POST",route="/v1/analyze",status="400"}' in text
    assert 'analyzer_http_requests_total{method="POST",route="/v1/classify",status="200"}' in text
    assert 'analyzer_http_request_duration_seconds_bucket{le="0.5",route="/v1/analyze"}' in text
    assert 'analyzer_labels_total{endpoint="analyze",label="case-for-change"}' in text
    assert 'analyzer_labels_total{endpoint="classify",label="case-for-change"}' in text
    assert 'analyzer_errors_total{code="malformed_json"}' in text


# --- Errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"text": "a", "html": "<p>b</p>"}', 422, "invalid_request"),
        (b'{"title": "no document"}', 422, "invalid_request"),
        (b'{"text": 5}', 422, "invalid_request"),
        (b'{"text": "a", "colour": "red"}', 422, "invalid_request"),
        (b'{"text": "a", "options": {"max_suggestions": 99}}', 422, "invalid_request"),
        (b'["text"]', 422, "invalid_request"),
        (b'{"text": "   "}', 422, "E015"),
        (b'{"html": "<html><body><img src=x></body></html>"}', 422, "E015"),
    ],
)
def test_analyze_refuses_bad_bodies(api: httpx.Client, body: bytes, status: int, code: str) -> None:
    response = api.post("/v1/analyze", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, status, code)


def test_unknown_route_and_method(api: httpx.Client) -> None:
    assert_error(api.get("/v2/nothing"), 404, "not_found")
    assert_error(api.get("/v1/analyze"), 405, "method_not_allowed")


def test_upload_refusals(api: httpx.Client) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    assert_error(api.post("/v1/analyze/file", files={"file": ("photo.png", png, "image/png")}), 415, "E010")
    broken = b"%PDF-1.4\n" + b"garbage" * 20
    assert_error(api.post("/v1/analyze/file", files={"file": ("draft.pdf", broken)}), 422, "E012")
    assert_error(api.post("/v1/analyze/file", files={"file": ("empty.txt", b"")}), 422, "E015")
    assert_error(api.post("/v1/analyze/file", data={"title": "no file"}), 422, "invalid_request")


def test_cors_closed_by_default(api: httpx.Client) -> None:
    headers = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    response = api.options("/v1/analyze", headers=headers)
    assert "access-control-allow-origin" not in response.headers


# --- Keys, rate limit, size limits --------------------------------------------------------


def test_open_routes_need_no_key(guarded: httpx.Client) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert guarded.get(path).status_code == 200, path


def test_keys_are_required_on_v1(guarded: httpx.Client) -> None:
    missing = guarded.post("/v1/analyze", json={"text": CASE})
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = guarded.get("/v1/model", headers={"Authorization": "Bearer key-mallory"})
    assert_error(wrong, 401, "unauthorized")
    assert "key-mallory" not in wrong.text
    assert_error(guarded.get("/v1/model", headers={"Authorization": "Basic key-alice-0f3a9c2e"}), 401)
    right = guarded.get("/v1/model", headers=_bearer("alice"))
    assert right.status_code == 200
    assert right.json()["name"] == "messaging"


def test_rate_limit_per_key(guarded: httpx.Client) -> None:
    for _ in range(3):
        assert guarded.get("/v1/model", headers=_bearer("bob")).status_code == 200
    limited = guarded.get("/v1/model", headers=_bearer("bob"))
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert "key-bob-7d41b8e6" not in limited.text


def test_too_large(guarded: httpx.Client) -> None:
    headers = _bearer("carol")
    over_body = guarded.post("/v1/analyze", json={"text": "Costs grow. " * 400}, headers=headers)
    assert_error(over_body, 413, "E011")
    over_chars = guarded.post("/v1/analyze", json={"text": "Costs grow. " * 30, "options": FAST}, headers=headers)
    assert_error(over_chars, 413, "E011")
    documents = [{"id": n, "text": CASE} for n in range(4)]
    assert_error(guarded.post("/v1/classify", json={"documents": documents}, headers=headers), 413)


def test_too_large_without_content_length_and_upload(guarded: httpx.Client) -> None:
    headers = {**_bearer("dave"), "Content-Type": "application/json"}

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it arrives
        yield b'{"text": "'
        for _ in range(10):
            yield b"Costs grow. " * 50
        yield b'"}'

    assert_error(guarded.post("/v1/analyze", content=chunks(), headers=headers), 413, "E011")
    big = ("Costs grow. " * 10_000).encode()
    upload = guarded.post("/v1/analyze/file", files={"file": ("big.txt", big)}, headers=_bearer("dave"))
    assert_error(upload, 413, "E011")
    long_doc = guarded.post(
        "/v1/classify",
        json={"documents": [{"id": "long", "text": "Costs grow. " * 30}, {"id": "ok", "text": CASE}]},
        headers=_bearer("dave"),
    )
    assert long_doc.status_code == 200
    results = long_doc.json()["results"]
    assert results[0]["error"]["code"] == "E011"
    assert results[1]["label"] == "case-for-change"


def test_cors_allows_only_configured_origins(guarded: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = guarded.options("/v1/analyze", headers={"Origin": "https://ok.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://ok.example"
    refused = guarded.options("/v1/analyze", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers


# --- Not ready, settings, the command -----------------------------------------------------


def test_not_ready_without_a_model(start: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    empty = tmp_path_factory.mktemp("not-a-model")
    broken: httpx.Client = start({"ANALYZER_MODEL_DIR": str(empty)})
    assert broken.get("/healthz").status_code == 200
    assert_error(broken.get("/readyz"), 503, "not_ready")
    assert_error(broken.post("/v1/analyze", json={"text": CASE}), 503, "not_ready")
    assert str(empty) not in broken.post("/v1/analyze", json={"text": CASE}).text


def test_settings_read_named_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYZER_API_KEYS", "alice:k1-0123456789abcdef, k2-0123456789abcdef ,")
    monkeypatch.setenv("ANALYZER_CORS_ORIGINS", "https://a.example,https://b.example")
    monkeypatch.setenv("ANALYZER_MAX_BATCH", "8")
    settings = Settings()
    assert [(k.name, k.key.get_secret_value()) for k in settings.api_keys] == [
        ("alice", "k1-0123456789abcdef"),
        ("key2", "k2-0123456789abcdef"),
    ]
    assert "k1-0123456789abcdef" not in repr(settings)
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.max_batch == 8
    assert Settings().rate_limit_per_minute == 120


def test_serve_refuses_a_public_address_without_keys() -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--port", str(free_port()), env={"ANALYZER_API_KEYS": ""})
    assert result.returncode == 2
    assert result.stderr.startswith("error: refusing to serve on 0.0.0.0 without API keys")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
