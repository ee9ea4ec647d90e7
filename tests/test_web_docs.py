"""/docs offline, and the mapping of the analysis's offsets onto the writer's own text.

/docs is Swagger UI from the swagger-ui-bundle-v2 package, under the page's CSP: it must
render with every request to another host refused. The mapping (js/align.js) is checked on
real analyses of Markdown, HTML and plain text, and as a property over generated markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, Route, expect

from tests.webpage import CASE, CSP, FEATURES, api_analysis, new_page, words

pytestmark = pytest.mark.slow

DRAFTS = {
    "markdown": (
        CASE,
        FEATURES,
        '---\ntitle: Rota day\n---\n# Rota day\n\nRead [the guide](https://example.com/g "Guide") today. '
        "Then *call* us at AT&T.\n\n> A quote that **matters**.\n\n1. First step is _easy_.\n2. Second step.\n\n"
        "| Plan | Price |\n|---|---|\n| Team | £3 |\n",
    ),
    "html": (
        "<html><head><title>T</title><style>p{color:red}</style><script>var x = 'Our platform';</script></head>"
        "<body><h1>Big &amp; bold</h1><p>Our <strong>platform</strong> saves time.</p>"
        "<p>Caf&eacute; teams lose hours every week. <a href='/x'>Read more</a>.</p>"
        "<ul><li>One item here</li><li>Two items here</li></ul></body></html>",
    ),
    "text": ("  Hello   there.  This is   plain.\n\n\n\n* bullet one is here\n• bullet two\r\nThe end.",),
}


@pytest.fixture(scope="module")
def module_page(browser: Browser, page_server: str) -> Iterator[Page]:
    """One page for the whole module: the mapping is a pure function, evaluated many times."""
    for page in new_page(browser, page_server):
        page.goto("/")
        yield page


def test_docs_render_offline_under_the_csp(browser: Browser, page_server: str) -> None:
    foreign: list[str] = []
    for page in new_page(browser, page_server):

        def only_this_host(route: Route) -> None:
            if urlsplit(route.request.url).netloc == urlsplit(page_server).netloc:
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        page.context.route("**/*", only_this_host)
        response = page.goto("/docs")
        assert response is not None and response.headers["content-security-policy"] == CSP
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Messaging analyzer")
        operation = page.locator(".opblock-summary-path", has_text="/v1/analyze").first
        expect(operation).to_be_visible()
        operation.click()  # an operation opens, with its schema
        expect(page.locator(".opblock-body").first).to_be_visible()
    assert foreign == []


def mapped(page: Page, analyzed: str, source: str, spans: list[tuple[int, int]]) -> list[Any]:
    result: list[Any] = page.evaluate(
        """async ([analyzed, source, spans]) => {
            const { spanMapper } = await import('/static/js/align.js');
            const map = spanMapper(analyzed, source);
            return spans.map(([s, e]) => map(s, e));
        }""",
        [analyzed, source, spans],
    )
    return result


@pytest.mark.parametrize(("fmt", "text"), [(fmt, text) for fmt, texts in DRAFTS.items() for text in texts])
def test_every_sentence_maps_onto_its_own_words_in_the_writer_s_text(
    module_page: Page, page_server: str, fmt: str, text: str
) -> None:
    analysis = api_analysis(page_server, text, fmt)
    sentences = analysis["sentences"]
    spans = mapped(module_page, analysis["text"], text, [(s["start"], s["end"]) for s in sentences])
    previous_end = 0
    for sentence, span in zip(sentences, spans, strict=True):
        assert span is not None, sentence["text"]
        start, end = span
        assert previous_end <= start < end <= len(text)  # in order, never overlapping
        previous_end = end
        ours = words(text[start:end])
        theirs = [w for w in words(sentence["text"]) if w in words(text)]  # "Café" is "Caf&eacute;" in HTML
        # The writer's span holds the sentence's words in order (markup may stand between them)...
        found = iter(ours)
        assert all(word in found for word in theirs), (ours, theirs)
        # ...and starts and ends on them, not on a neighbour's.
        kept = [w for w in ours if w in theirs]
        assert (kept[0], kept[-1]) == (theirs[0], theirs[-1]), (ours, theirs)


VOCABULARY = ["rota", "shift", "payroll", "clinic", "manager", "swap", "hours", "team", "cost", "week", "2027"]
#: Markup that may stand around words in a writer's text; none of its words are in VOCABULARY.
MARKUP = st.sampled_from(
    ["**", "_", "`", "<b>", "</b>", "<a href='https://ex.example/p'>", "</a>", "[", "](https://ex.example/q)", "&amp; "]
)


@st.composite
def marked_up(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int]], list[list[str]]]:
    """(analyzed text, the same words with markup around them, sentence spans, sentence words)."""
    sentences = draw(st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8), min_size=1, max_size=6))
    analyzed, source, spans = "", "", []
    for n, sentence in enumerate(sentences):
        if n:
            analyzed += " "
            source += draw(st.sampled_from([" ", "\n\n", "\n\n## ", "\n- ", "</p><p>"]))
        start = len(analyzed)
        for k, word in enumerate(sentence):
            if k:
                analyzed += " "
                source += " "
            before, after = draw(st.lists(MARKUP, max_size=1)), draw(st.lists(MARKUP, max_size=1))
            analyzed += word
            source += "".join(before) + word + "".join(after)
        analyzed += "."
        source += "."
        spans.append((start, len(analyzed)))
    return analyzed, source, spans, sentences


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=marked_up())
def test_markup_around_words_never_moves_a_span_onto_other_words(
    module_page: Page, case: tuple[str, str, list[tuple[int, int]], list[list[str]]]
) -> None:
    analyzed, source, spans, sentences = case
    result = mapped(module_page, analyzed, source, spans)
    previous_end = 0
    for span, sentence in zip(result, sentences, strict=True):
        assert span is not None, json.dumps(case)
        start, end = span
        assert previous_end <= start < end, json.dumps(case)
        previous_end = end
        assert [w for w in words(source[start:end]) if w in VOCABULARY] == sentence, json.dumps(case)
