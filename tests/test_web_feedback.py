""" "Wrong label?" on the writer's page, in headless Chromium against a real `analyzer serve`.

What the browser sends is checked where it lands: in the server's database, through
GET /v1/feedback. The offsets stored are those of the text the server analyzed (the
Markdown's extracted text), the text stored beside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.conftest import start_service, stop_service
from tests.webpage import ARTIFACTS, CASE, CSP, ROOT, api_analysis, click_sentence, new_page, write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`analyzer serve` without keys (reviewer "anonymous") and with its own data directory."""
    service = start_service(tmp_path_factory.mktemp("web-feedback-server"))
    yield service.base
    stop_service(service)


@pytest.fixture(scope="module")
def expected(server: str) -> dict[str, Any]:
    """The analysis the page will show for CASE (sent as Markdown, as the page sends it)."""
    return api_analysis(server, CASE)


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    yield from new_page(browser, server, viewport={"width": 1366, "height": 768})


def newest(server: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = httpx.get(f"{server}/v1/feedback", params={"limit": 1}).json()["items"]
    assert items, "nothing stored"
    return items[0]


def other_label(label: str) -> str:
    return next(name for name in ("awareness-only", "feature-pitch", "case-for-change") if name != label)


NAMES = {"awareness-only": "Awareness only", "feature-pitch": "Feature pitch", "case-for-change": "Case for change"}


def test_a_sentence_s_wrong_label_button_stores_its_offsets(page: Page, server: str, expected: dict[str, Any]) -> None:
    write(page, CASE)
    sentence = expected["sentences"][1]
    click_sentence(page, 1)
    expect(page.locator("#fb-chooser")).to_have_count(0)  # a click shows the sentence, never the chooser
    page.locator("#sentence-panel").get_by_role("button", name="Wrong label? Correct the label of sentence 2").click()
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
    assert stored["excerpt"] == expected["text"][sentence["start"] : sentence["end"]]
    assert stored["label"] == target
    assert stored["reviewer"] == "anonymous"
    assert stored["model_version"] == f"{expected['model']['name']}-{expected['model']['version']}"
    assert stored["comment"] == hostile
    assert page.evaluate("typeof window.__pwned") == "undefined"
    expect(page.locator("#sentence-wrong")).to_have_attribute("data-corrected", target)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-feedback.png"))


def test_the_keyboard_reaches_every_part(page: Page, server: str, expected: dict[str, Any]) -> None:
    write(page, CASE)
    index = len(expected["sentences"]) - 1
    sentence = expected["sentences"][index]
    area = page.get_by_label("Your draft", exact=True)
    area.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Alt+Enter")  # the sentence at the caret: its panel, its first action focused
    panel = page.locator("#sentence-panel")
    expect(panel).to_contain_text(f"Sentence {index + 1}")
    wrong = page.locator("#sentence-wrong")
    if not wrong.evaluate("n => n === document.activeElement"):
        page.keyboard.press("Tab")  # past "See the suggested rewrite", when the sentence has one
    expect(wrong).to_be_focused()
    page.keyboard.press("Enter")
    chooser = page.locator("#fb-chooser")
    expect(chooser).to_be_visible()
    expect(chooser.locator(".fb-choice").first).to_be_focused()
    page.keyboard.press("Escape")  # closes, and gives the focus back to the button
    expect(chooser).to_have_count(0)
    expect(wrong).to_be_focused()

    page.keyboard.press("Enter")
    target = other_label(sentence["label"])
    chooser.locator(f'.fb-choice[data-label="{target}"]').focus()
    page.keyboard.press("Enter")
    expect(chooser.locator(".fb-status")).to_contain_text("saved")
    stored = newest(server)
    assert stored["sentence"] == {"start": sentence["start"], "end": sentence["end"]} and stored["label"] == target

    # Escape closes the panel and puts the writer back in the draft.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(area).to_be_focused()

    # The document's control is a real button in the Tab order.
    button = page.locator("#doc-wrong")
    assert button.evaluate("node => node.tagName === 'BUTTON' && node.tabIndex === 0")
    button.focus()
    page.keyboard.press("Enter")
    expect(chooser).to_contain_text("This draft reads as")


def test_the_document_label_can_be_corrected(page: Page, server: str, expected: dict[str, Any]) -> None:
    write(page, CASE)
    page.get_by_role("button", name="Wrong label? Correct the label of this draft").click()
    chooser = page.locator("#fb-chooser")
    expect(chooser).to_contain_text(f"This draft reads as {NAMES[expected['label']]}")
    target = other_label(expected["label"])
    chooser.get_by_role("button", name=NAMES[target]).click()
    expect(chooser.locator(".fb-status")).to_contain_text(f"this draft should be {NAMES[target]}")
    stored = newest(server)
    assert (stored["kind"], stored["sentence"], stored["label"], stored["comment"]) == ("document", None, target, None)
    assert stored["excerpt"] == expected["text"][:200]
    # Saying it again is idempotent: the same row, shown as saved.
    chooser.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Wrong label? Correct the label of this draft").click()
    chooser.get_by_role("button", name=NAMES[target]).click()
    expect(chooser.locator(".fb-status")).to_contain_text(f"(correction {stored['id']})")


def test_a_refusal_is_shown_inline_and_the_choice_can_be_retried(page: Page, server: str) -> None:
    write(page, CASE)
    refusals = {"left": 1}

    def refuse_once(route: Route) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            error = {"code": "rate_limited", "message": "over the limit.", "hint": "Wait <b>30</b> seconds."}
            route.fulfill(status=429, json={"error": error}, headers={"Retry-After": "30"})
        else:
            route.continue_()

    page.route("**/v1/feedback", refuse_once)
    click_sentence(page, 1)
    page.locator("#sentence-wrong").click()
    chooser = page.locator("#fb-chooser")
    choice = chooser.locator(".fb-choice").first
    choice.click()
    status = chooser.locator(".fb-status")
    expect(status).to_contain_text("Not saved: Too many corrections in a short time. Try again in 30 seconds.")
    expect(status).to_contain_text("(over the limit.)")
    expect(choice).to_be_enabled()
    choice.click()
    expect(status).to_contain_text("saved that sentence 2")


def test_the_page_keeps_its_csp(server: str) -> None:
    scripts = sorted((ROOT / "analyzer" / "service" / "web").rglob("*.js"))
    assert len(scripts) >= 10
    for script in scripts:
        path = "/static/" + script.relative_to(ROOT / "analyzer" / "service" / "web").as_posix()
        response = httpx.get(server + path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "innerHTML" not in response.text and "insertAdjacentHTML" not in response.text, path
    page = httpx.get(server + "/").text
    assert "<script>" not in page and "style=" not in page and " on" + "click" not in page  # nothing inline
