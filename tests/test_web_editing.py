"""Editing in the page: accepting a rewrite, dismissing one, and the writer's own typing
(caret, undo, paste, IME) never disturbed by the analyses running behind it.

In a real headless Chromium against a real `analyzer serve`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.webpage import (
    ARTIFACTS,
    CASE,
    FEATURES,
    LAUNCH,
    answer,
    api_analysis,
    backdrop_text,
    card_with_blanks,
    draft,
    new_page,
    score,
    wait_analyzed,
    write,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Browser, page_server: str) -> Iterator[Page]:
    yield from new_page(browser, page_server, permissions=["clipboard-read", "clipboard-write"])


def test_accepting_a_rewrite_fills_its_blanks_first_and_scores_the_edited_draft(page: Page, page_server: str) -> None:
    write(page, LAUNCH)
    before = score(page)
    original = draft(page).input_value()
    card = card_with_blanks(page)
    index = int(card.get_attribute("data-sentence") or -1)
    card.locator("summary").click()
    accept = card.get_by_role("button", name=re.compile("^Accept"))
    expect(accept).to_be_disabled()  # never spliced with a blank unfilled
    blanks = card.locator(".blank")
    answers = []
    for k in range(blanks.count()):
        question = blanks.nth(k).locator(".blank-q").inner_text()
        answers.append(answer(question))
        card.get_by_label(question, exact=True).fill(answers[-1])
        if k < blanks.count() - 1:
            expect(accept).to_be_disabled()
            expect(card.locator(".card-note")).to_contain_text("to accept")
    expect(accept).to_be_enabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "web-1280.png"))  # the blanks filled, before Accept
    accept.click()
    wait_analyzed(page)
    expect(page.locator("#apply-status")).to_contain_text("→")

    edited = draft(page).input_value()
    assert edited != original
    for given in answers:
        assert given in edited
    assert not re.search(r"\[[^\[\]\n]{1,200}\]", edited)  # no placeholder left in the draft
    # Only the sentence changed: the rest of the writer's Markdown is exactly as it was.
    assert edited.startswith("# Pawsheet 4 is here\n\n")
    assert original.count("**") - edited.count("**") in (0, 2)

    # The score shown is a fresh analysis of the edited draft, never the suggestion's estimate.
    fresh = api_analysis(page_server, edited)
    assert score(page) == fresh["case_for_change_score"]
    after = fresh["case_for_change_score"]
    expect(page.locator("#apply-status")).to_contain_text(
        f"Accepted the rewrite of sentence {index + 1}. Case-for-change score {before} → {after}."
    )
    # The new text is outlined and in view: the writer's sentence and the one the rewrite added after it.
    active = page.locator("#backdrop .sent.is-active")
    expect(active.first).to_be_in_viewport()
    outlined = " ".join(active.all_inner_texts())
    assert all(given in outlined for given in answers), (outlined, answers, edited[-600:])
    # An accepted rewrite is not rewritten again in this draft.
    expect(page.locator(f'#suggestions .card[data-sentence="{index}"]')).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "web-1280-accepted.png"))

    # The browser's own undo takes the rewrite back, and the page analyzes the draft again.
    draft(page).focus()
    page.keyboard.press("Control+z")
    assert draft(page).input_value() == original
    wait_analyzed(page)
    assert score(page) == before


def test_alternatives_each_keep_their_own_blanks(page: Page) -> None:
    write(page, LAUNCH)
    card = card_with_blanks(page)
    card.locator("summary").click()
    choices = card.locator(".alt-choice input")
    if choices.count() < 2:
        pytest.skip("the API sends one rewrite per suggestion (before schema 1.1's alternatives)")
    first = card.locator(".blank-input").first
    first.fill("kept")
    choices.nth(1).check()
    expect(card.locator(".rewrite")).not_to_contain_text("kept")
    choices.nth(0).check()
    expect(card.locator(".blank-input").first).to_have_value("kept")


def test_copy_puts_the_rewrite_on_the_clipboard(page: Page) -> None:
    write(page, LAUNCH)
    card = card_with_blanks(page)
    card.locator("summary").click()
    card.get_by_role("button", name="Copy").click()
    expect(card.get_by_role("button", name="Copied")).to_be_visible()
    assert re.search(r"\[[^\]]+\]", page.evaluate("navigator.clipboard.readText()"))  # unfilled: [questions] kept
    for blank in card.locator(".blank-input").all():
        blank.fill("six hours a week")
    card.get_by_role("button", name="Copy").click()
    # What is copied is what the card shows: its text, each blank as the writer filled it.
    shown = card.locator(".rewrite").evaluate(
        """r => [...r.childNodes].slice(1).map(n => n.nodeType === 3 ? n.textContent
              : n.querySelector('input').value).join('')"""
    )
    assert page.evaluate("navigator.clipboard.readText()") == shown
    assert "[" not in shown


def test_a_dismissed_suggestion_stays_dismissed_for_this_draft(page: Page) -> None:
    write(page, LAUNCH)
    cards = page.locator("#suggestions .card")
    count = cards.count()
    first = cards.first
    index = int(first.get_attribute("data-sentence") or -1)
    first.locator("summary").click()
    first.get_by_role("button", name="Dismiss").click()
    expect(cards).to_have_count(count - 1)
    expect(page.locator(f'#backdrop .sent[data-index="{index}"]')).not_to_have_class(re.compile(r"\btarget\b"))
    # Typing re-analyzes the draft: the suggestion does not come back.
    draft(page).focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Try it free.")
    wait_analyzed(page)
    expect(cards).to_have_count(count - 1)
    page.reload()
    wait_analyzed(page)
    expect(cards).to_have_count(count - 1)
    page.get_by_role("button", name="Show dismissed suggestions (1)").click()
    expect(cards).to_have_count(count)


def test_a_late_answer_never_replaces_a_newer_one(page: Page, page_server: str) -> None:
    held: list[Route] = []
    aborted: list[str] = []

    def hold_the_first(route: Route) -> None:
        if not held:
            held.append(route)  # answered only after the second draft's analysis is shown
        else:
            route.continue_()

    page.on("requestfailed", lambda r: aborted.append(r.url))
    page.route("**/v1/analyze", hold_the_first)
    page.goto("/")
    draft(page).fill(FEATURES)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first analysis was never sent"
    draft(page).fill(CASE)
    wait_analyzed(page)
    newest = api_analysis(page_server, CASE)
    assert score(page) == newest["case_for_change_score"]

    late = held[0].fetch()  # the first draft's real answer, arriving last
    with contextlib.suppress(Exception):  # the page cancelled it: Chromium may refuse the answer outright
        held[0].fulfill(response=late)
    page.wait_for_timeout(500)
    assert aborted, "the stale request was not cancelled"
    assert score(page) == newest["case_for_change_score"]
    expect(page.locator("#doc-label")).to_have_text("Case for change")


def test_typing_during_an_analysis_keeps_the_caret_and_the_marks_follow_the_text(page: Page) -> None:
    write(page, CASE)
    box = draft(page)
    anchor = CASE.index("Three years ago")
    box.evaluate(f"area => {{ area.focus(); area.setSelectionRange({anchor}, {anchor}); }}")
    page.keyboard.type("Honestly, ")
    mark = page.locator("#backdrop .sent").filter(has_text="Three years ago").first
    expect(mark).to_contain_text("Honestly, Three years ago")  # moved with the edit before the answer
    wait_analyzed(page)
    page.keyboard.type("truly ")
    assert box.input_value()[anchor : anchor + 22] == "Honestly, truly Three "
    wait_analyzed(page)
    # The backdrop holds the same text as the textarea, character for character, line for line,
    # through edits within a line, new lines, and deletions across lines.
    assert backdrop_text(page) == box.input_value()
    page.keyboard.press("Enter")
    page.keyboard.type("A new line.")
    assert backdrop_text(page) == box.input_value()
    for _ in range(len("A new line.") + 2):
        page.keyboard.press("Backspace")
    assert backdrop_text(page) == box.input_value()
    wait_analyzed(page)
    assert backdrop_text(page) == box.input_value()


def test_paste_brings_plain_text_only(page: Page) -> None:
    page.goto("/")
    page.evaluate(
        """async () => {
            const html = new Blob(['<b>Manual</b> invoicing costs <i>two days</i>.'], {type: 'text/html'});
            const text = new Blob(['Manual invoicing costs two days.'], {type: 'text/plain'});
            await navigator.clipboard.write([new ClipboardItem({'text/html': html, 'text/plain': text})]);
        }"""
    )
    draft(page).focus()
    page.keyboard.press("Control+v")
    assert draft(page).input_value() == "Manual invoicing costs two days."
    wait_analyzed(page)
    assert page.locator("#backdrop b, #backdrop i").count() == 0


def test_ime_composition_commits_into_the_draft(page: Page) -> None:
    write(page, "Manual invoicing costs your team two days every month. ")
    box = draft(page)
    box.focus()
    page.keyboard.press("Control+End")
    session = page.context.new_cdp_session(page)
    session.send("Input.imeSetComposition", {"text": "にほ", "selectionStart": 2, "selectionEnd": 2})
    session.send("Input.imeSetComposition", {"text": "にほん", "selectionStart": 3, "selectionEnd": 3})
    session.send("Input.insertText", {"text": "日本"})
    assert box.input_value().endswith("month. 日本")
    wait_analyzed(page)
    assert box.input_value().endswith("month. 日本")
