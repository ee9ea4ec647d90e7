"""The writer's page on long drafts: what a keystroke costs, the offset mapping, a re-analysis.

    .venv/bin/python benchmarks/page.py [--words 1000 5000 25000] [--runs 5]

Debian's headless Chromium (through Playwright) on a real `analyzer serve`. Each draft is
Markdown stitched from corpus documents, a heading every ~300 words and a bold phrase in each
paragraph. For each size:
- keystroke: one character typed in the middle of the draft, from the edit to the backdrop
  laid out again (the `input` handler moves the marks and redraws the line; the layout is
  forced), the median of 50 in the page; new line: the same for Enter and Backspace, which
  redraw every line;
- mapping: `spanMapper` over the analysis's text and the draft, and every sentence mapped;
- analysis: from Analyze to the marks drawn, and the server's own time for the same request,
  so the page's share is the difference.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import httpx
from harness import documents
from load import Service
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
OPTIONS = {"sentences": True, "explanations": True, "suggestions": True}


def markdown_draft(words: int) -> str:
    """About `words` words of Markdown: sections of ~300 words, paragraphs of ~60, one bold phrase each."""
    pool = " ".join(documents(max(1, words // 500 + 1))).split()[:words]
    parts: list[str] = []
    for start in range(0, len(pool), 60):
        chunk = pool[start : start + 60]
        if start % 300 == 0:
            parts.append(f"## Section {start // 300 + 1}")
        if len(chunk) > 4:
            chunk[1] = "**" + chunk[1]
            chunk[3] = chunk[3] + "**"
        parts.append(" ".join(chunk))
    return "\n\n".join(parts) + "\n"


KEYSTROKES = """(typed) => {
    const area = document.getElementById("draft");
    const backdrop = document.getElementById("backdrop");
    const times = [];
    let at = 0;
    for (let i = 0; i < 50; i++) {
        const backspace = typed === "\\n" && i % 2 === 1; // Enter, then Backspace over it
        if (!backspace) at = Math.floor(area.value.length / 2);
        const started = performance.now();
        if (backspace) area.setRangeText("", at, at + 1, "end");
        else area.setRangeText(typed, at, at, "end");
        area.dispatchEvent(new InputEvent("input", { inputType: "insertText", data: typed }));
        void backdrop.offsetHeight;
        times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
}"""

MAPPING = """async (options) => {
    const { spanMapper } = await import("/static/js/align.js");
    const text = document.getElementById("draft").value;
    const answer = await fetch("/v1/analyze", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ markdown: text, options: options }),
    });
    const analysis = await answer.json();
    const times = [];
    let mapped = 0;
    for (let run = 0; run < 5; run++) {
        const started = performance.now();
        const map = spanMapper(analysis.text, text);
        mapped = analysis.sentences.filter((s) => map(s.start, s.end)).length;
        times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return [times[2], mapped, analysis.sentences.length];
}"""


def analyze_once(page: Page) -> float:
    started = time.perf_counter()
    page.get_by_role("button", name="Analyze").click()
    page.wait_for_selector("#editor[data-state=analyzed]", timeout=300_000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[1000, 5000, 25000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    service = Service()  # two workers, as `analyzer serve` runs in the Dockerfile
    service.start()
    print(f"python {platform.python_version()}, {platform.machine()}, chromium headless, 2 server workers")
    print("| words | characters | sentences | keystroke ms | new line ms | mapping ms | analysis s | server s |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        with sync_playwright() as playwright, httpx.Client(base_url=service.base, timeout=600) as client:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            for words in args.words:
                draft = markdown_draft(words)
                page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=service.base).new_page()
                page.goto("/")
                page.locator("#draft").fill(draft)
                page.wait_for_selector("#editor[data-state=analyzed]", timeout=300_000)
                analysis = statistics.median(analyze_once(page) for _ in range(args.runs))
                server = statistics.median(server_seconds(client, draft) for _ in range(args.runs))
                mapping, mapped, sentences = page.evaluate(MAPPING, OPTIONS)
                keystroke = page.evaluate(KEYSTROKES, "x")
                newline = page.evaluate(KEYSTROKES, "\n")
                assert mapped == sentences, f"{sentences - mapped} sentences not mapped"
                print(
                    f"| {words:,} | {len(draft):,} | {sentences:,} | {keystroke:.1f} | {newline:.1f} | {mapping:.1f} "
                    f"| {analysis:.2f} | {server:.2f} |"
                )
                page.context.close()
            browser.close()
    finally:
        service.stop()


def server_seconds(client: httpx.Client, draft: str) -> float:
    """The server's time for the request the page sends, without the page."""
    started = time.perf_counter()
    client.post("/v1/analyze", json={"markdown": draft, "options": OPTIONS}).raise_for_status()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
