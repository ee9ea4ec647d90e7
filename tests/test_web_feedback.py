""" "Wrong label?" on the writer's page, in headless Chromium against a real `analyzer serve`.

What the browser sends is checked where it lands: in the server's database, through
GET /v1/feedback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.conftest import start_service, stop_service
from tests.test_web import ARTIFACTS, CASE, CSP

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`analyzer serve` without keys (reviewer "anonymous") and with its own data directory."""
    service = start_service(tmp_path_factory.mktemp("web-feedback-server"))
    yield service.base
    stop_service(service)


@pytest.fixture(scope="module")
def expected(server: str) -> dict[str, Any]:
    """The analysis the page will show for CASE."""
    analysis: dict[str, Any] = httpx.post(f"{server}/v1/analyze", json={"text": CASE}, timeout=60).json()
    return analysis


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server)
    context.set_default_timeout(30_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors  # nothing the CSP had to block


def analyze(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Paste your draft").fill(CASE)
    page.get_by_role("button", name="Analyze", exact=True).click()
    expect(page.locator("#doc-label")).to_be_visible()


def newest(server: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = httpx.get(f"{server}/v1/feedback", params={"limit": 1}).json()["items"]
    assert items, "nothing stored"
    return items[0]


def other_label(label: str) -> str:
    return next(name for name in ("awareness-only", "feature-pitch", "case-for-change") if name != label)


NAMES = {"awareness-only": "Awareness only", "feature-pitch": "Feature pitch", "case-for-change": "Case for change"}


def test_clicking_a_sentence_stores_its_offsets(page: Page, server: str, expected: dict[str, Any]) -> None:
    analyze(page)
    sentence = expected["sentences"][1]
    page.locator('#draft-view .sent[data-index="1"]').click()
    chooser = page.locator("#fb-chooser")
    expect(chooser).to_be_visible()
    expect(chooser).to_contain_text(f"Sentence 2 reads as {NAMES[sentence['label']]}")
    expect(chooser.locator(".fb-choice")).to_have_count(2)  # only the other two labels
    assert sentence["label"] not in [b.get_attribute("data-label") for b in chooser.locator(".fb-choice").all()]

    hostile = '<img src=x onerror="window.__pwned=1"> really a pitch'
    chooser.get_by_label("Comment (optional)").fill(hostile)
    target = other_label(sentence["label"])
    chooser.get_by_role("button", name=NAMES[target]).click()
    expect(chooser.locator(".fb-status")).to_contain_text(f"saved that sentence 2 should be {NAMES[target]}")

    stored = newest(server)
    assert stored["kind"] == "sentence"
    assert stored["sentence"] == {"start": sentence["start"], "end": sentence["end"]}
    assert stored["excerpt"] == CASE[sentence["start"] : sentence["end"]]
    assert stored["label"] == target
    assert stored["reviewer"] == "anonymous"
    assert stored["model_version"] == f"{expected['model']['name']}-{expected['model']['version']}"
    assert stored["comment"] == hostile
    assert page.evaluate("typeof window.__pwned") == "undefined"
    expect(page.locator('#draft-view .sent[data-index="1"]')).to_have_attribute("data-corrected", target)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-feedback.png"))


def test_the_keyboard_reaches_every_part(page: Page, server: str, expected: dict[str, Any]) -> None:
    analyze(page)
    index = len(expected["sentences"]) - 1
    sentence = expected["sentences"][index]
    span = page.locator(f'#draft-view .sent[data-index="{index}"]')
    span.focus()
    expect(page.locator("#tip")).to_contain_text("press Enter")
    page.keyboard.press("Enter")
    chooser = page.locator("#fb-chooser")
    expect(chooser).to_be_visible()
    expect(chooser.locator(".fb-choice").first).to_be_focused()
    page.keyboard.press("Escape")  # closes, and gives the focus back to the sentence
    expect(chooser).to_have_count(0)
    expect(span).to_be_focused()

    page.keyboard.press("Enter")
    target = other_label(sentence["label"])
    chooser.locator(f'.fb-choice[data-label="{target}"]').focus()
    page.keyboard.press("Enter")
    expect(chooser.locator(".fb-status")).to_contain_text("saved")
    stored = newest(server)
    assert stored["sentence"] == {"start": sentence["start"], "end": sentence["end"]} and stored["label"] == target

    # The document's control is a real button in the Tab order.
    button = page.locator("#doc-wrong")
    assert button.evaluate("node => node.tagName === 'BUTTON' && node.tabIndex === 0")
    button.focus()
    page.keyboard.press("Enter")
    expect(chooser).to_contain_text("This draft reads as")


def test_the_document_label_can_be_corrected(page: Page, server: str, expected: dict[str, Any]) -> None:
    analyze(page)
    page.get_by_role("button", name="Wrong label? Correct the label of this draft").click()
    chooser = page.locator("#fb-chooser")
    expect(chooser).to_contain_text(f"This draft reads as {NAMES[expected['label']]}")
    target = other_label(expected["label"])
    chooser.get_by_role("button", name=NAMES[target]).click()
    expect(chooser.locator(".fb-status")).to_contain_text(f"this draft should be {NAMES[target]}")
    stored = newest(server)
    assert (stored["kind"], stored["sentence"], stored["label"], stored["comment"]) == ("document", None, target, None)
    assert stored["excerpt"] == CASE[:200]
    # Saying it again is idempotent: the same row, shown as saved.
    chooser.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Wrong label? Correct the label of this draft").click()
    chooser.get_by_role("button", name=NAMES[target]).click()
    expect(chooser.locator(".fb-status")).to_contain_text(f"(correction {stored['id']})")


def test_a_refusal_is_shown_inline_and_the_choice_can_be_retried(page: Page, server: str) -> None:
    analyze(page)
    refusals = {"left": 1}

    def refuse_once(route: Route) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            error = {"code": "rate_limited", "message": "over the limit.", "hint": "Wait <b>30</b> seconds."}
            route.fulfill(status=429, json={"error": error}, headers={"Retry-After": "30"})
        else:
            route.continue_()

    page.route("**/v1/feedback", refuse_once)
    page.locator('#draft-view .sent[data-index="0"]').click()
    chooser = page.locator("#fb-chooser")
    choice = chooser.locator(".fb-choice").first
    choice.click()
    status = chooser.locator(".fb-status")
    expect(status).to_contain_text("Not saved: over the limit. Wait <b>30</b> seconds.")  # as text, not markup
    expect(choice).to_be_enabled()
    choice.click()
    expect(status).to_contain_text("saved that sentence 1")


def test_the_page_keeps_its_csp(server: str) -> None:
    for path in ("/", "/static/app.js", "/static/app.css"):
        assert httpx.get(server + path).headers["content-security-policy"] == CSP
    script = httpx.get(server + "/static/app.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
