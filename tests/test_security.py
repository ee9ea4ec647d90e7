"""Security checks against a real `analyzer serve` and a real headless Chromium.

- A request without a valid key never reaches the model: it is a 401, whatever the shape of
  the attempt, and the analysis counters in /metrics do not move.
- Keys never appear in the server's output or in any response, right or wrong ones alike.
- The page's Content-Security-Policy is enforced by the browser: it cannot be framed.
- A hostile draft (script, event handlers, javascript: links, SVG, iframes) shows as text:
  no dialog, no request to any other host, no new element of those kinds in the page.
- A model directory whose files do not match its card is never served.

Covered elsewhere and not repeated here: the exact security headers on the page
(tests/test_web.py), tampered and replaced artifacts refused by the loader
(tests/test_artifacts.py), audit output paths kept inside --out (tests/test_audit.py).
"""

from __future__ import annotations

import io
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import docx
import httpx
import pytest
from playwright.sync_api import Browser, Dialog, FilePayload, Page, Route, expect

from analyzer.model.paths import DEFAULT_MODEL_DIR
from tests.conftest import Service, start_service, stop_service
from tests.webpage import click_sentence, draft, wait_analyzed

pytestmark = pytest.mark.slow

ALICE = "sk-alice-5f0c9e1d7a2b4c8e"
BOB = "sk-bob-93a1c4e7d0f2b6a8"
ADMIN = "sk-ops-4d7e2a9c1b8f0e36"
#: Wrong keys a careless or hostile client might send: near misses of a right one first.
WRONG_KEYS = [
    ALICE[:-1] + "x",  # one character off
    ALICE + "0",  # one character more
    ALICE[:-1],  # one character less
    ALICE.upper(),
    "sk-mallory-0000000000000000",
]
CASE = (
    "Manual invoicing costs your team two days every month. "
    "Every quarter you wait, the backlog grows and clients pay later."
)
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)></svg>",
    '"><iframe src="https://evil.example/frame"></iframe>',
    "<img src=https://evil.example/pixel.png>",
    "[read more](javascript:alert(1))",
    "<style>body{background:url(https://evil.example/bg.png)}</style>",
]
#: Elements a payload would add if the page ever parsed the draft as HTML.
ACTIVE = "script, img, iframe, svg, a, object, embed, style, link, form, base, meta"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One worker (so /metrics is the whole server), two keys, no rate limit in the way."""
    env = {
        "ANALYZER_API_KEYS": f"alice:{ALICE},bob:{BOB}",
        "ANALYZER_ADMIN_KEYS": f"ops:{ADMIN}",
        "ANALYZER_RATE_LIMIT_PER_MINUTE": "100000",
        # 120 wrong attempts from one address, on purpose; the throttle has a test of its own.
        "ANALYZER_FAILED_AUTH_PER_MINUTE": "0",
        "ANALYZER_ADMIN_RATE_LIMIT_PER_MINUTE": "0",
    }
    server = start_service(tmp_path_factory.mktemp("guarded"), env)
    yield server
    stop_service(server)


def analysis_counters(base: str) -> dict[str, float]:
    """Labels returned and 2xx answers on /v1 routes: they move only when the model answers."""
    counters: dict[str, float] = {}
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        if line.startswith("analyzer_labels_total{") or (
            line.startswith("analyzer_http_requests_total{") and 'route="/v1/' in line and 'status="2' in line
        ):
            name, value = line.rsplit(" ", 1)
            counters[name] = float(value)
    return counters


def operations(base: str) -> list[tuple[str, str]]:
    """Every /v1 operation the server publishes, so endpoints added later are covered too."""
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() if path.startswith("/v1/") for method in ops]


def attempts() -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(what it is, headers, query) of requests that must all be refused."""
    tried: list[tuple[str, dict[str, str], dict[str, str]]] = [("no key", {}, {})]
    tried += [(f"wrong key {n}", {"Authorization": f"Bearer {key}"}, {}) for n, key in enumerate(WRONG_KEYS)]
    tried += [
        ("empty bearer", {"Authorization": "Bearer"}, {}),
        ("right key, Basic scheme", {"Authorization": f"Basic {ALICE}"}, {}),
        ("right key, no scheme", {"Authorization": ALICE}, {}),
        ("right key, X-API-Key", {"X-API-Key": ALICE}, {}),
        ("right key, cookie", {"Cookie": f"api_key={ALICE}"}, {}),
        ("right key, query api_key", {}, {"api_key": ALICE}),
        ("right key, query access_token", {}, {"access_token": ALICE}),
        ("two keys in one header", {"Authorization": f"Bearer {WRONG_KEYS[-1]} {ALICE}"}, {}),
    ]
    return tried


def test_requests_without_a_valid_key_never_reach_the_model(guarded: Service) -> None:
    before = analysis_counters(guarded.base)
    body = {"text": CASE, "options": {"suggestions": False}, "documents": [{"id": 1, "text": CASE}]}
    with httpx.Client(base_url=guarded.base, timeout=60) as client:
        for method, path in operations(guarded.base):
            for what, headers, query in attempts():
                response = client.request(method, path, headers=headers, params=query, json=body)
                if path.startswith("/v1/admin/"):  # its own keys, checked by its routes
                    assert response.status_code in (401, 403), (what, method, path, response.text)
                    continue
                assert response.status_code == 401, (what, method, path, response.text)
                assert response.json()["error"]["code"] == "unauthorized"
                assert response.headers["www-authenticate"] == "Bearer"
            if path.startswith("/v1/admin/"):  # a reviewer's key is right for /v1, not for admin
                refused = client.request(method, path, headers={"Authorization": f"Bearer {ALICE}"}, json=body)
                assert refused.status_code == 403, refused.text
    assert analysis_counters(guarded.base) == before

    # The same counters do move for a right key: the measurement can see an analysis.
    answered = httpx.post(
        f"{guarded.base}/v1/analyze",
        json={"text": CASE, "options": {"suggestions": False}},
        headers={"Authorization": f"Bearer {BOB}"},
        timeout=60,
    )
    assert answered.status_code == 200
    assert analysis_counters(guarded.base) != before


def test_keys_never_appear_in_logs_or_responses(guarded: Service) -> None:
    seen: list[str] = []

    def record(response: httpx.Response) -> None:
        seen.append(f"{response.status_code} {response.headers} {response.text}")

    right = {"Authorization": f"Bearer {ALICE}"}
    with httpx.Client(base_url=guarded.base, timeout=60) as client:
        # Answers and every kind of refusal, with the right key ...
        record(client.post("/v1/analyze", json={"text": CASE}, headers=right))
        record(client.post("/v1/analyze", json={"text": "   "}, headers=right))  # 422 empty
        record(client.post("/v1/analyze", json={"text": CASE, "api_key": ALICE}, headers=right))  # 422 extra
        record(client.post("/v1/analyze", content=b"{broken", headers={**right, "Content-Type": "application/json"}))
        record(client.post("/v1/analyze", json={"text": "x" * 3_000_000}, headers=right))  # 413
        record(client.post("/v1/analyze/file", files={"file": ("a.png", b"\x89PNG\r\n\x1a\n")}, headers=right))
        record(client.post("/v1/classify", json={"documents": [{"id": ALICE, "text": ""}]}, headers=right))
        record(client.get("/v1/nothing", headers=right))
        record(client.get("/v1/analyze", headers=right))
        record(client.get("/v1/model", headers=right, params={"api_key": ALICE}))
        record(client.get("/v1/admin/status", headers={"Authorization": f"Bearer {ADMIN}"}))
        record(client.get("/v1/admin/status", headers=right))
        record(client.get("/v1/admin/status", headers={"Authorization": f"Bearer {ADMIN[:-1]}x"}))
        # ... and with wrong keys, in every place a client might put one.
        for _, headers, query in attempts():
            record(client.post("/v1/analyze", json={"text": CASE}, headers=headers, params=query))
    time.sleep(0.5)  # let the access log lines of the last requests reach the file
    log = guarded.output()
    assert "/v1/analyze" in log and "401" in log  # the log is being written
    for key in [ALICE, BOB, ADMIN, *WRONG_KEYS]:
        assert key not in log, f"a key is in the server's log:\n{log}"
        assert key.lower() not in log.lower()
        for answer in seen:
            # A classify result echoes the document id it was given (here the key itself): that
            # is the client's own data coming back, so only that one echo is allowed.
            assert key not in answer.replace(f'"id":"{ALICE}"', ""), answer


# --- The page in Chromium -----------------------------------------------------------------


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """No keys, as a writer runs it on their own machine."""
    server = start_service(tmp_path_factory.mktemp("open"), {})
    yield server
    stop_service(server)


@dataclass
class Watched:
    page: Page
    dialogs: list[str]
    foreign: list[str]


@pytest.fixture
def watched(browser: Browser, open_server: Service) -> Iterator[Watched]:
    """A page whose every dialog and every request to another host is recorded (and the request stopped)."""
    context = browser.new_context(base_url=open_server.base)
    context.set_default_timeout(30_000)
    server_host = urlsplit(open_server.base).netloc
    foreign: list[str] = []
    dialogs: list[str] = []

    def route(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == server_host:
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield Watched(page, dialogs, foreign)
    context.close()


def active_elements(page: Page) -> dict[str, int]:
    counts: dict[str, int] = page.evaluate(
        f"""() => {{
            const counts = {{}};
            for (const el of document.querySelectorAll({ACTIVE!r})) counts[el.tagName] = (counts[el.tagName] || 0) + 1;
            return counts;
        }}"""
    )
    return counts


def docx_with(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def analyze_in_page(page: Page, text: str) -> None:
    draft(page).fill(text)
    page.get_by_role("button", name="Analyze").click()
    wait_analyzed(page)


def touch_everything(page: Page) -> None:
    """Hover and click every sentence, open every card and fill its blanks with markup, click
    every rubric item: tooltips, panels, cards and evidence all render."""
    for node in page.locator("#backdrop .sent").all():
        index = int(node.get_attribute("data-index") or -1)
        node.scroll_into_view_if_needed()
        click_sentence(page, index)
        expect(page.locator("#sentence-panel")).to_be_visible()
        rect = node.evaluate("n => { const r = n.getClientRects()[0]; return [r.x + 5, r.y + r.height / 2]; }")
        page.mouse.move(rect[0], rect[1])
    for card in page.locator("#suggestions .card").all():
        if card.locator("details").get_attribute("open") is None:
            card.locator("summary").click()
        for blank in card.locator(".blank-input").all():
            blank.fill(HOSTILE[0])
    for item in page.locator("#rubric button[data-element]").all():
        item.click()


def assert_nothing_ran(watched: Watched, baseline: dict[str, int]) -> None:
    page = watched.page
    page.wait_for_timeout(300)  # an onerror or onload would have fired by now
    assert watched.dialogs == []
    assert watched.foreign == []
    assert active_elements(page) == baseline
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_a_hostile_draft_shows_as_text_and_never_runs(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    baseline = active_elements(page)
    lines = [f"Our dashboard has 40 integrations {payload} and a mobile app." for payload in HOSTILE]
    text = "Manual invoicing costs your team two days every month.\n\n" + "\n\n".join(lines)
    analyze_in_page(page, text)
    shown = page.locator("#backdrop").inner_text()
    for payload in HOSTILE:
        assert payload in shown, payload
    touch_everything(page)
    # A rewrite of a hostile sentence, its blanks filled with markup, goes into the draft and is re-analyzed.
    card = page.locator("#suggestions .card").first
    if card.count():
        card.locator("summary").click()
        card.locator(".accept").click()
        expect(page.locator("#apply-status")).to_contain_text("→")
        wait_analyzed(page)
        assert HOSTILE[0] in draft(page).input_value() or not page.locator("#suggestions .blank").count()
        touch_everything(page)
    assert_nothing_ran(watched, baseline)


def test_hostile_files_and_file_names_show_as_text(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    baseline = active_elements(page)
    # Escaped markup in an HTML file is text after extraction, so it reaches the page as "<script>...".
    escaped = "".join(f"<p>Costs grow every month {p.replace('&', '&amp;').replace('<', '&lt;')}.</p>" for p in HOSTILE)
    html = f"<html><head><title>x</title></head><body><h1>Draft</h1>{escaped}</body></html>".encode()
    page.get_by_label("Open a file…").set_input_files(
        files=[FilePayload(name="draft.html", mimeType="text/html", buffer=html)]
    )
    wait_analyzed(page)
    # The HTML stays as written in the editor: its escaped markup is text, shown as the writer typed it.
    assert draft(page).input_value() == html.decode()
    assert "&lt;script>alert(1)&lt;/script>" in page.locator("#backdrop").inner_text()
    touch_everything(page)
    # The same markup unescaped, in a file the server extracts: it reaches the editor as text.
    docx_text = "Costs grow every month. " + " ".join(HOSTILE)
    page.get_by_label("Open a file…").set_input_files(
        files=[FilePayload(name="draft.docx", mimeType="", buffer=docx_with(docx_text))]
    )
    wait_analyzed(page)
    assert "<script>alert(1)</script>" in page.locator("#backdrop").inner_text()
    touch_everything(page)
    # A refused upload whose name is markup: the error message names the file, as text.
    hostile_name = "<img src=x onerror=alert(1)>.exe"
    page.get_by_label("Open a file…").set_input_files(
        files=[FilePayload(name=hostile_name, mimeType="application/octet-stream", buffer=b"MZ\x90\x00")]
    )
    message = page.get_by_role("alert")
    expect(message).to_contain_text("it is a program")
    assert "onerror" in message.inner_text()
    assert_nothing_ran(watched, baseline)


def test_the_page_cannot_be_framed_by_another_site(browser: Browser, open_server: Service) -> None:
    """CSP frame-ancestors 'none', as Chromium enforces it: no clickjacking of the Analyze button."""
    # Another origin on the same machine: a second little web server on its own port. /healthz
    # carries no CSP: the control that framing works at all here. /docs has the page's CSP.
    framing = (
        f'<html><body><iframe name="page" src="{open_server.base}/"></iframe>'
        f'<iframe name="docs" src="{open_server.base}/docs"></iframe>'
        f'<iframe name="probe" src="{open_server.base}/healthz"></iframe></body></html>'
    ).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(framing)))
            self.end_headers()
            self.wfile.write(framing)

        def log_message(self, format: str, *args: object) -> None:
            pass

    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        probe = page.frame(name="probe")
        assert probe is not None
        expect(probe.locator("body")).to_contain_text("ok")
        for name, control in (("page", "#analyze"), ("docs", "#swagger-ui")):
            framed = page.frame(name=name)
            assert framed is not None
            assert framed.locator(control).count() == 0, name
            assert not framed.url.startswith(open_server.base), name  # Chromium swapped in its error page
    finally:
        context.close()
        attacker.shutdown()
        attacker.server_close()


# --- The model ----------------------------------------------------------------------------


@pytest.mark.parametrize("artifact", ["model.joblib", "sentences.joblib"])
def test_a_model_that_does_not_match_its_card_is_never_served(tmp_path: Path, artifact: str) -> None:
    tampered = tmp_path / "messaging-tampered"
    shutil.copytree(DEFAULT_MODEL_DIR, tampered)
    data = bytearray((tampered / artifact).read_bytes())
    data[len(data) // 3] ^= 0x01  # one bit
    (tampered / artifact).write_bytes(bytes(data))

    server = start_service(tmp_path, {"ANALYZER_API_KEYS": f"alice:{ALICE}"}, "--model", str(tampered), ready=(503,))
    try:
        ready = httpx.get(f"{server.base}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["error"]["code"] == "not_ready"
        refused = httpx.post(
            f"{server.base}/v1/analyze", json={"text": CASE}, headers={"Authorization": f"Bearer {ALICE}"}, timeout=30
        )
        assert refused.status_code == 503
        assert str(tampered) not in refused.text  # the operator's log says where; a client learns nothing
    finally:
        stop_service(server)
    log = server.output()
    assert re.search(rf"model not loaded: .*{re.escape(artifact)} does not match its card", log), log
    assert "Traceback" not in log
