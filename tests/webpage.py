"""Helpers for the browser tests of the writer's page (test_web*.py, test_security.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
#: A case for change and a feature list, both Markdown (a heading, lists, bold).
CASE = (ROOT / "examples" / "manual-invoicing.md").read_text(encoding="utf-8")
FEATURES = (ROOT / "examples" / "scheduling-features.md").read_text(encoding="utf-8")
#: A launch said to its reader that gets a rewrite to fill: the form goes only where the claim
#: ranker gives an editor's choice at least `score.REWRITE_CHANCE` (0.93 here; the feature list's
#: first feature is read at 0.72, so it has questions but no rewrite).
LAUNCH = "# " + (ROOT / "tests" / "drafts" / "kennel-launch.txt").read_text(encoding="utf-8")
#: The options the page sends with every analysis.
OPTIONS = {"sentences": True, "explanations": True, "suggestions": True}


def api_analysis(server: str, text: str, fmt: str = "markdown") -> dict[str, Any]:
    """What /v1/analyze answers for a draft sent the way the page sends it."""
    key = fmt if fmt in ("markdown", "html") else "text"
    response = httpx.post(f"{server}/v1/analyze", json={key: text, "options": OPTIONS}, timeout=60)
    response.raise_for_status()
    analysis: dict[str, Any] = response.json()
    return analysis


def new_page(browser: Browser, server: str, **context: Any) -> Iterator[Page]:
    """A page on the server that fails its test if the CSP blocked anything or a script threw."""
    options: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
    options.update(context)
    opened = browser.new_context(base_url=server, **options)
    opened.set_default_timeout(30_000)
    page = opened.new_page()
    problems: list[str] = []
    blocked = "Content Security Policy"
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and blocked in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    opened.close()
    assert problems == [], problems


def draft(page: Page) -> Any:
    return page.get_by_label("Your draft", exact=True)


def wait_analyzed(page: Page) -> None:
    """Until the analysis shown is of the draft as it is now."""
    # Generous: the first analysis with suggestions loads the parser, on a machine shared by many.
    expect(page.locator("#editor")).to_have_attribute("data-state", "analyzed", timeout=60_000)


def write(page: Page, text: str) -> None:
    """Open the page and put a draft in the editor (as a paste does); the page analyzes it by itself."""
    page.goto("/")
    draft(page).fill(text)
    wait_analyzed(page)


def score(page: Page) -> int:
    return int(page.locator("#cfc-score").inner_text())


def sentence(page: Page, index: int) -> Any:
    return page.locator(f'#backdrop .sent[data-index="{index}"]')


def click_sentence(page: Page, index: int, tap: bool = False) -> None:
    """Click (or tap) the middle of a sentence's first line, through the textarea above it."""
    node = sentence(page, index)
    node.scroll_into_view_if_needed()
    rect = node.evaluate("n => { const r = n.getClientRects()[0]; return {x: r.x, y: r.y, w: r.width, h: r.height}; }")
    x, y = rect["x"] + min(rect["w"] / 2, 40), rect["y"] + rect["h"] / 2
    if tap:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def backdrop_text(page: Page) -> str:
    """The text the backdrop draws under the textarea: its lines without the tags."""
    text: str = page.locator("#backdrop").evaluate(
        """b => [...b.children].map(line => {
            const copy = line.cloneNode(true);
            for (const tag of copy.querySelectorAll('.tag')) tag.remove();
            return copy.textContent.replace(/\\u200b/g, '');
        }).join('\\n')"""
    )
    return text


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def card_with_blanks(page: Page) -> Any:
    """The first suggestion card whose rewrite has blanks to fill."""
    cards = page.locator("#suggestions .card").filter(has=page.locator(".blank"))
    if cards.count() == 0:
        pytest.fail("no suggestion with placeholders for the feature list: the test needs one")
    return cards.first


def answer(question: str) -> str:
    """A writer's answer to a placeholder's question."""
    q = question.lower()
    if "year" in q or "when" in q:
        return "2027"
    if "cost" in q:
        return "two days of a manager's time every month"
    if "hour" in q or "how many" in q or "how much" in q or q.startswith("n "):
        return "six hours a week"
    return "moving one clinic onto shared rotas"
