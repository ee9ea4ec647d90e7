"""The writer's page at `/`, driven in a real headless Chromium against a real `analyzer serve`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, expect

from tests.conftest import start_service, stop_service

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CASE = (ROOT / "examples" / "manual-invoicing.md").read_text(encoding="utf-8")
FEATURES = (ROOT / "examples" / "scheduling-features.md").read_text(encoding="utf-8")
HOSTILE = (
    "Manual invoicing costs your team two days every month. "
    "<script>window.__pwned=1</script> "
    '<img src=x onerror="window.__pwned=1"> '
    '<a href="javascript:window.__pwned=1">read more</a> and [this](javascript:alert(1)). '
    "Every quarter you wait, the backlog grows."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`analyzer serve` without keys on a free loopback port, as in test_api.py; its base URL."""
    service = start_service(tmp_path_factory.mktemp("web-server"), timeout=60)
    yield service.base
    stop_service(service)


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server)
    context.set_default_timeout(30_000)
    opened = context.new_page()
    yield opened
    context.close()


def analyze(page: Page, text: str) -> None:
    page.goto("/")
    page.get_by_label("Paste your draft").fill(text)
    page.get_by_role("button", name="Analyze").click()
    expect(page.locator("#doc-label")).to_be_visible()


def test_page_and_static_files_are_open_and_carry_security_headers(server: str) -> None:
    for path, kind in [("/", "text/html"), ("/static/app.js", "javascript"), ("/static/app.css", "text/css")]:
        response = httpx.get(server + path)
        assert response.status_code == 200, path
        assert kind in response.headers["content-type"]
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" not in httpx.get(server + "/docs").headers  # Swagger UI needs its CDN
    assert httpx.get(server + "/static/missing.js").status_code == 404


def test_paste_analyze_shows_label_scores_and_every_sentence(page: Page, server: str) -> None:
    expected = httpx.post(f"{server}/v1/analyze", json={"text": CASE}, timeout=60).json()
    analyze(page, CASE)
    assert page.locator("#doc-label").get_attribute("data-label") == expected["label"]
    expect(page.locator("#doc-label")).to_have_text("Case for change")
    expect(page.locator("#cfc-score")).to_have_text(str(expected["case_for_change_score"]))
    expect(page.locator(".score-row")).to_have_count(3)
    spans = page.locator("#draft-view .sent")
    expect(spans).to_have_count(len(expected["sentences"]))
    labels = [spans.nth(i).get_attribute("data-label") for i in range(len(expected["sentences"]))]
    assert labels == [s["label"] for s in expected["sentences"]]
    expect(page.locator("#rubric li")).to_have_count(3)


def test_hover_and_keyboard_focus_show_a_sentence_s_scores(page: Page) -> None:
    analyze(page, CASE)
    tip = page.locator("#tip")
    first = page.locator("#draft-view .sent").first
    first.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Sentence 1")
    expect(tip).to_contain_text("%")
    expect(tip).to_contain_text("Toward:")
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()

    second = page.locator('#draft-view .sent[data-index="1"]')
    first.focus()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Sentence 2")
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()


def test_rubric_item_scrolls_to_and_focuses_its_evidence(page: Page, server: str) -> None:
    expected = httpx.post(f"{server}/v1/analyze", json={"text": CASE}, timeout=60).json()
    analyze(page, CASE)
    for key in ("why_change", "price_of_inaction", "future_state"):
        evidence = expected["rubric"][key]["evidence"]
        assert evidence, key
        page.locator(f'#rubric [data-element="{key}"]').click()
        focused = page.locator(f'#draft-view .sent[data-index="{evidence[0]}"]')
        expect(focused).to_be_focused()
        expect(page.locator("#draft-view .sent.is-evidence")).to_have_count(len(evidence))


def test_apply_a_suggestion_rewrites_the_draft_and_moves_the_score(page: Page) -> None:
    analyze(page, FEATURES)
    before = page.locator("#cfc-score").inner_text()
    first = page.locator("#suggestions .suggestion").first
    rewrite = first.locator(".rewrite").inner_text().removeprefix("Try: ")
    first.get_by_role("button", name="Apply").click()
    expect(page.locator("#cfc-delta")).to_be_visible()
    assert page.locator("#cfc-score").inner_text() != before
    assert rewrite in page.locator("#draft").input_value()
    assert rewrite in page.locator("#draft-view").inner_text()
    expect(page.locator("#apply-status")).to_contain_text(f"{before} →")

    # What a writer sees at 1366x768 after an Apply, with a sentence's scores on hover.
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator('#draft-view .sent[data-index="1"]').hover()
    expect(page.locator("#tip")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web.png"))


def test_copy_puts_the_rewrite_on_the_clipboard(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    analyze(page, FEATURES)
    first = page.locator("#suggestions .suggestion").first
    first.get_by_role("button", name="Copy").click()
    expect(first.get_by_role("button", name="Copy")).to_have_text("Copied")
    rewrite = first.locator(".rewrite").inner_text().removeprefix("Try: ")
    assert page.evaluate("navigator.clipboard.readText()") == rewrite
    context.close()


def test_a_file_is_uploaded_and_its_text_becomes_the_draft(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Or choose a file").set_input_files(ROOT / "examples" / "manual-invoicing.md")
    expect(page.locator("#file-status")).to_contain_text("manual-invoicing.md")
    page.get_by_role("button", name="Analyze").click()
    expect(page.locator("#doc-label")).to_have_text("Case for change")
    assert "month-end close" in page.locator("#draft").input_value()


def test_api_errors_are_shown(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Analyze").click()  # an empty draft
    message = page.get_by_role("alert")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Could not analyze")
    expect(message).to_contain_text("Error code:")

    page.get_by_label("Or choose a file").set_input_files(
        files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}]
    )
    page.get_by_role("button", name="Analyze").click()
    expect(message).to_contain_text("tool.exe: it is a program, not a document")
    expect(message).to_contain_text("Send .txt, .md, .html, .pdf or .docx.")  # the hint


def test_a_hostile_draft_shows_as_text_and_never_runs(page: Page, server: str) -> None:
    dialogs: list[Dialog] = []
    hosts: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or request.url))
    analyze(page, HOSTILE)
    view = page.locator("#draft-view")
    for fragment in ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "javascript:"):
        assert fragment in view.inner_text()
    assert view.locator("script, img, a").count() == 0
    page.locator("#draft-view .sent").last.hover()
    for sentence in page.locator("#draft-view .sent").all():
        sentence.click()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert set(hosts) == {"127.0.0.1"}


def test_the_api_key_is_sent_and_kept_for_the_tab(page: Page) -> None:
    page.goto("/")
    page.locator(".key-box summary").click()
    page.get_by_label("API key", exact=True).fill("s3cret")
    with page.expect_request("**/v1/analyze") as request_info:
        page.get_by_label("Paste your draft").fill(CASE)
        page.get_by_role("button", name="Analyze").click()
    request: Request = request_info.value
    assert request.headers["authorization"] == "Bearer s3cret"
    page.reload()
    assert page.get_by_label("API key", exact=True).input_value() == "s3cret"
