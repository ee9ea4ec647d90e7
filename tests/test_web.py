"""The writer's page at `/`, in a real headless Chromium against a real `analyzer serve`.

The draft is edited where it is marked: a textarea over a backdrop of marks (js/editor.js).
These tests cover what a writer sees and does: typing moves the score, marks tied to cards,
Markdown kept as written, files, errors in plain words, a phone; test_web_editing.py covers
accepting rewrites and stale answers, test_web_docs.py the docs and the offset mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.conftest import start_service, stop_service
from tests.make_files import sample_docx, text_pdf
from tests.webpage import (
    ARTIFACTS,
    CASE,
    CSP,
    FEATURES,
    LAUNCH,
    ROOT,
    api_analysis,
    click_sentence,
    draft,
    new_page,
    score,
    sentence,
    wait_analyzed,
    write,
)

pytestmark = pytest.mark.slow

MARKDOWN = (
    "# Why rota day hurts\n\n"
    "Our dashboard has forty integrations and a mobile app.\n\n"
    "## What it costs\n\n"
    "- **Shift swaps** that staff request from the app\n"
    "- Payroll export to [Sage](https://example.com/sage) and Xero\n\n"
    "Every month you wait, managers lose two days to spreadsheets.\n"
)


@pytest.fixture
def page(browser: Browser, page_server: str) -> Iterator[Page]:
    yield from new_page(browser, page_server)


def test_page_docs_and_static_files_are_open_and_carry_security_headers(page_server: str) -> None:
    for path, kind in [
        ("/", "text/html"),
        ("/static/js/app.js", "javascript"),
        ("/static/app.css", "text/css"),
        ("/docs", "text/html"),
        ("/docs/assets/swagger-ui-bundle.js", "javascript"),
        ("/favicon.ico", "image/svg+xml"),
    ]:
        response = httpx.get(page_server + path)
        assert response.status_code == 200, path
        assert kind in response.headers["content-type"]
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert httpx.get(page_server + "/static/missing.js").status_code == 404
    assert httpx.get(page_server + "/docs/assets/index.html").status_code == 404  # only the two files it needs
    for script in (ROOT / "analyzer" / "service" / "web").rglob("*.js"):
        source = script.read_text(encoding="utf-8")
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "eval(" not in source, script


def test_typing_moves_the_score_without_a_click(page: Page, page_server: str) -> None:
    requests: list[Request] = []
    page.on("request", lambda r: requests.append(r) if r.url.endswith("/v1/analyze") else None)
    write(page, FEATURES)
    before = score(page)
    assert before == api_analysis(page_server, FEATURES)["case_for_change_score"]
    expect(page.locator("#doc-label")).to_have_attribute("data-label", "feature-pitch")

    box = draft(page)
    box.focus()
    page.keyboard.press("Control+End")
    body = CASE.split("\n\n", 1)[1]  # the case for change, without its heading
    page.keyboard.type("\n\n" + body[:400], delay=2)
    wait_analyzed(page)
    expect(page.locator("#cfc-score")).not_to_have_text(str(before))
    typed = box.input_value()
    fresh = api_analysis(page_server, typed)
    assert score(page) == fresh["case_for_change_score"] > before
    assert page.locator("#doc-label").get_attribute("data-label") == fresh["label"]
    for key, element in fresh["rubric"].items():
        row = page.locator(f'#rubric .rubric-row[data-element="{key}"]')
        expect(row).to_have_class(re.compile("present" if element["present"] else "missing"))
    assert len(requests) >= 2  # analyzed again as the writer typed, without Analyze


def test_marks_are_quiet_numbered_and_tagged(page: Page, page_server: str) -> None:
    write(page, CASE)
    expected = api_analysis(page_server, CASE)
    assert expected["label"] == "case-for-change"
    # A case for change: its case-for-change sentences need no attention, so they are not marked.
    marked = page.locator("#backdrop .sent.mark")
    for node in marked.all():
        index = int(node.get_attribute("data-index") or -1)
        s = expected["sentences"][index]
        is_target = any(g["sentence"] == index for g in expected["suggestions"])
        assert is_target or (s["label"] != "case-for-change" and not s["low_signal"]), s
        tag = node.locator(".tag").inner_text().lower()
        assert tag.startswith(f"{index + 1} · "), tag  # the same number as the CLI and the audit

    page.get_by_label("Mark", exact=True).select_option("all")
    shown = [s for s in expected["sentences"] if not s["low_signal"]]
    assert page.locator("#backdrop .sent.mark").count() >= len(shown) - len(expected["sections"])
    page.get_by_label("Mark", exact=True).select_option("none")
    expect(page.locator("#backdrop .sent.mark")).to_have_count(0)


def test_clicking_a_card_outlines_its_span_and_clicking_the_span_opens_the_card(page: Page) -> None:
    write(page, LAUNCH)
    card = page.locator("#suggestions .card").last
    index = int(card.get_attribute("data-sentence") or -1)
    card.locator("summary").click()
    span = sentence(page, index)
    expect(span).to_have_class(re.compile(r"\bis-active\b"))
    expect(span).to_be_in_viewport()
    expect(card.locator("details")).to_have_attribute("open", "")

    card.locator("summary").click()  # closed again
    expect(card.locator("details")).not_to_have_attribute("open", "")
    page.mouse.wheel(0, 2000)
    click_sentence(page, index)
    expect(card.locator("details")).to_have_attribute("open", "")
    expect(card).to_have_class(re.compile(r"\bis-active\b"))
    expect(card).to_be_in_viewport()
    panel = page.locator("#sentence-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(f"Sentence {index + 1}")
    expect(panel).to_contain_text("%")


def test_the_checklist_and_its_sentences_point_at_each_other(page: Page, page_server: str) -> None:
    write(page, CASE)
    expected = api_analysis(page_server, CASE)
    for key in ("why_change", "price_of_inaction", "future_state"):
        evidence = expected["rubric"][key]["evidence"]
        assert evidence, key
        page.locator(f'#rubric button[data-element="{key}"]').click()
        expect(page.locator("#backdrop .sent.is-active")).to_have_count(len(evidence))
        expect(sentence(page, evidence[0])).to_be_in_viewport()
    key = "price_of_inaction"
    first = expected["rubric"][key]["evidence"][0]
    click_sentence(page, first)
    expect(page.locator(f'#rubric .rubric-row[data-element="{key}"]')).to_have_class(re.compile("is-linked"))
    expect(page.locator("#sentence-panel")).to_contain_text("What does waiting cost?")


def test_a_section_the_writer_titled_answers_its_part_of_the_checklist(page: Page, page_server: str) -> None:
    text = (ROOT / "tests" / "drafts" / "named-sections.md").read_text(encoding="utf-8")
    expected = api_analysis(page_server, text)
    cost = expected["rubric"]["price_of_inaction"]
    assert cost["present"] and cost["named_by"] == "What waiting costs"
    write(page, text)
    row = page.locator('#rubric .rubric-row[data-element="price_of_inaction"]')
    expect(row).to_have_class(re.compile("present"))
    expect(row).to_contain_text("Named by your section \u201cWhat waiting costs\u201d: sentences")
    expect(row.locator("ul.coaching")).to_have_count(0)
    page.locator('#rubric button[data-element="price_of_inaction"]').click()
    expect(page.locator("#backdrop .sent.is-active")).to_have_count(len(cost["evidence"]))


ARGUED_LAUNCH = (
    "# Harbourline 2 is here\n\n"
    "Until now, dispatchers at small ferry operators kept the crossing schedule in a shared spreadsheet and "
    "phoned the terminal with every change.\n\n"
    "Harbourline 2 publishes every change to the crossing schedule to the booking site and the terminal screens "
    "within a minute of a dispatcher saving it.\n\n"
    "It also adds the day's tide table to the dispatcher view.\n"
)


def test_without_a_rewrite_the_page_points_at_the_main_claim(page: Page, page_server: str) -> None:
    """The draft says "until now" itself, so no form is offered; the checklist's questions still are,
    and the page says where their answers go."""
    expected = api_analysis(page_server, ARGUED_LAUNCH)
    assert expected["suggestions"] == [] and expected["coaching"]
    claim = expected["main_claim"]["sentence"]
    write(page, ARGUED_LAUNCH)
    expect(page.locator("#no-suggestions")).to_be_hidden()
    pointer = page.locator("#main-claim")
    expect(pointer).to_be_visible()
    expect(pointer).to_contain_text("No rewrite on offer")
    expect(page.locator("#main-claim-link")).to_have_text(f"sentence {claim + 1}")
    page.locator("#main-claim-link").click()
    expect(page.locator("#backdrop .sent.is-active")).to_have_count(1)
    expect(sentence(page, claim)).to_have_class(re.compile("is-active"))
    expect(page.locator("#sentence-panel")).to_be_visible()
    expect(page.locator("#rubric ul.coaching li").first).to_be_visible()
    # A draft with a rewrite on offer shows its card, not the pointer.
    write(page, LAUNCH)
    expect(page.locator("#suggestions .card").first).to_be_visible()
    expect(pointer).to_be_hidden()


def test_hovering_a_mark_explains_it_in_plain_words(page: Page) -> None:
    write(page, FEATURES)
    node = page.locator("#backdrop .sent.mark").first
    index = int(node.get_attribute("data-index") or -1)
    rect = node.evaluate("n => { const r = n.getClientRects()[0]; return [r.x + 20, r.y + r.height / 2]; }")
    page.mouse.move(rect[0], rect[1])
    tip = page.locator("#tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(f"Sentence {index + 1}: talks about the product's features")
    expect(tip).to_contain_text("%")
    assert "signal:" not in tip.inner_text()
    page.mouse.move(2, 2)
    expect(tip).to_be_hidden()


def test_markdown_headings_are_sections_never_labelled_sentences(page: Page, page_server: str) -> None:
    with page.expect_request("**/v1/analyze") as sent:
        page.goto("/")
        draft(page).fill(MARKDOWN)
    body = sent.value.post_data_json
    assert body["markdown"] == MARKDOWN and "text" not in body  # sent as Markdown, as written
    wait_analyzed(page)
    expect(page.locator("#format-auto")).to_have_text("Detect: Markdown")
    assert draft(page).input_value() == MARKDOWN  # never replaced by the extracted text

    headings = page.locator("#backdrop .sent.heading")
    expect(headings).to_have_count(2)
    assert [h.inner_text() for h in headings.all()] == ["Why rota day hurts", "What it costs"]
    for heading in headings.all():
        assert heading.locator(".tag").count() == 0
        index = int(heading.get_attribute("data-index") or -1)
        assert page.locator(f'#suggestions .card[data-sentence="{index}"]').count() == 0
    page.get_by_label("Mark", exact=True).select_option("all")
    for node in page.locator("#backdrop .sent.mark").all():
        text = node.inner_text()
        assert "Why rota day hurts" not in text and "What it costs" not in text
    # Marks sit on the writer's own text, markup included: a link's address, a bold marker.
    marked = " ".join(n.inner_text() for n in page.locator("#backdrop .sent").all())
    assert "[Sage](https://example.com/sage)" in marked
    assert "**Shift swaps**" in marked
    click_sentence(page, int(headings.first.get_attribute("data-index") or -1))
    expect(page.locator("#sentence-panel")).to_contain_text("A heading starts a section")


def test_a_markdown_file_keeps_its_markdown_in_the_editor(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Open a file…").set_input_files(ROOT / "examples" / "manual-invoicing.md")
    wait_analyzed(page)
    assert draft(page).input_value() == CASE
    expect(page.get_by_label("Format", exact=True)).to_have_value("markdown")
    expect(page.locator("#doc-label")).to_have_text("Case for change")
    expect(page.locator("#file-status")).to_contain_text("manual-invoicing.md")


def test_an_html_file_keeps_its_html_and_pdf_and_docx_are_extracted(page: Page, page_server: str) -> None:
    html = "<html><body><h1>Rota day</h1><p>Every month you wait, managers lose <b>two days</b>.</p></body></html>"
    page.goto("/")
    page.get_by_label("Open a file…").set_input_files(
        files=[{"name": "draft.html", "mimeType": "text/html", "buffer": html.encode()}]
    )
    wait_analyzed(page)
    assert draft(page).input_value() == html
    expect(page.get_by_label("Format", exact=True)).to_have_value("html")
    assert "<b>two days</b>." in page.locator("#backdrop").inner_text()

    pdf = text_pdf(["Every quarter you wait, the backlog grows."])
    for name, data in [("brief.pdf", pdf), ("brief.docx", sample_docx())]:
        page.get_by_label("Open a file…").set_input_files(files=[{"name": name, "mimeType": "", "buffer": data}])
        expect(page.locator("#file-status")).to_contain_text(name)
        wait_analyzed(page)
        extracted = httpx.post(f"{page_server}/v1/analyze/file", files={"file": (name, data)}, timeout=60).json()
        assert draft(page).input_value() == extracted["text"]
        expect(page.get_by_label("Format", exact=True)).to_have_value("text")
        assert score(page) == extracted["case_for_change_score"]


def test_errors_say_what_to_do_in_the_writer_s_words(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Analyze").click()  # an empty draft: nothing is sent
    message = page.get_by_role("alert")
    expect(message).to_have_text(re.compile("There is nothing to analyze yet. Write or paste your draft"))

    page.get_by_label("Open a file…").set_input_files(
        files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}]
    )
    expect(message).to_contain_text("can't read this kind of file. Open a .txt, .md, .html, .pdf or .docx file")
    expect(message).to_contain_text("tool.exe")  # the server's own words, below, for whoever runs it
    for jargon in ("Bearer", "/docs", "schema", "request body"):
        assert jargon not in message.inner_text()

    draft(page).fill("   \n\n  ")  # whitespace only: not analyzed as you type, refused in words on Analyze
    page.get_by_role("button", name="Analyze").click()
    expect(message).to_contain_text("There is nothing to analyze yet")


def test_a_busy_server_is_retried_by_itself(page: Page) -> None:
    refused = {"left": 1}

    def busy_once(route: Route) -> None:
        if refused["left"]:
            refused["left"] -= 1
            error = {"code": "rate_limited", "message": "over the limit.", "hint": "Wait."}
            route.fulfill(status=429, json={"error": error}, headers={"Retry-After": "1"})
        else:
            route.continue_()

    page.route("**/v1/analyze", busy_once)
    page.goto("/")
    draft(page).fill(CASE)
    expect(page.get_by_role("alert")).to_contain_text("Too many analyses in a short time. The page will try again in 1")
    wait_analyzed(page)
    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.locator("#doc-label")).to_have_text("Case for change")


def test_the_api_key_is_sent_and_kept_for_the_tab(page: Page) -> None:
    page.goto("/")
    page.locator("#key-box summary").click()
    page.get_by_label("API key", exact=True).fill("s3cret")
    with page.expect_request("**/v1/analyze") as request_info:
        draft(page).fill(CASE)
    request: Request = request_info.value
    assert request.headers["authorization"] == "Bearer s3cret"
    page.reload()
    assert page.get_by_label("API key", exact=True).input_value() == "s3cret"
    assert draft(page).input_value() == CASE  # the draft survives a reload of the tab


def test_a_phone_sees_the_result_after_analyze_and_a_sentence_s_scores_on_tap(
    browser: Browser, page_server: str
) -> None:
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
    for page in new_page(browser, page_server, **phone):
        page.goto("/")
        draft(page).fill(LAUNCH)
        page.get_by_role("button", name="Analyze").tap()
        wait_analyzed(page)
        expect(page.locator("#summary")).to_be_in_viewport()
        expect(page.locator("#cfc-score")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

        target = int(page.locator("#suggestions .card").first.get_attribute("data-sentence") or -1)
        click_sentence(page, target, tap=True)
        panel = page.locator("#sentence-panel")
        expect(panel).to_be_in_viewport()
        expect(panel).to_contain_text(f"Sentence {target + 1}")
        expect(panel.locator(".sentence-scores li")).to_have_count(3)
        expect(panel).to_contain_text("%")
        # The chooser is an explicit button, never what a tap on a sentence opens.
        expect(page.locator("#fb-chooser")).to_have_count(0)
        panel.get_by_role("button", name=re.compile("Wrong label")).tap()
        expect(page.locator("#fb-chooser")).to_be_visible()
        page.get_by_role("button", name="Close", exact=True).last.tap()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-390.png"))


def test_no_request_leaves_the_host_and_no_favicon_is_missing(page: Page, page_server: str) -> None:
    hosts: set[str] = set()
    missing: list[str] = []
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or r.url))
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    write(page, FEATURES)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert hosts == {"127.0.0.1"}
    assert missing == []


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`analyzer serve` that asks for a key."""
    service = start_service(
        tmp_path_factory.mktemp("web-guarded"), {"ANALYZER_API_KEYS": "writer:sk-writer-1c2d3e4f5a6b"}
    )
    yield service.base
    stop_service(service)


def test_the_key_box_opens_itself_when_the_server_asks_for_a_key(browser: Browser, guarded: str) -> None:
    for page in new_page(browser, guarded):
        page.goto("/")
        expect(page.locator("#key-box")).not_to_have_attribute("open", "")
        draft(page).fill(CASE)
        message = page.get_by_role("alert")
        expect(message).to_contain_text("This server asks for an API key. Enter it in the box below")
        assert "Bearer" not in message.inner_text()
        expect(page.locator("#key-box")).to_have_attribute("open", "")
        page.get_by_label("API key", exact=True).fill("sk-wrong")
        expect(message).to_contain_text("The server did not accept this API key")
        page.get_by_label("API key", exact=True).fill("sk-writer-1c2d3e4f5a6b")  # no click: it tries again
        wait_analyzed(page)
        expect(message).to_be_hidden()
        expect(page.locator("#doc-label")).to_have_text("Case for change")


def test_a_mixed_draft_shows_its_two_leading_messages(page: Page) -> None:
    """`mixed` and `leading` come from a newer model; the page shows them when present."""

    def add_mixed(route: Route) -> None:
        answer = route.fetch()
        analysis = answer.json()
        analysis.update(mixed=True, leading=[{"label": "feature-pitch"}, {"label": "awareness-only"}])
        route.fulfill(response=answer, json=analysis)

    page.route("**/v1/analyze", add_mixed)
    write(page, FEATURES)
    expect(page.locator("#doc-label")).to_have_text("Mixed")
    expect(page.locator("#summary")).to_contain_text("mostly Feature pitch, then Awareness only")
    page.unroute("**/v1/analyze")
    draft(page).fill(FEATURES + "\nTry it.")
    wait_analyzed(page)
    expect(page.locator("#doc-label")).to_have_text("Feature pitch")  # absent: the label as before
