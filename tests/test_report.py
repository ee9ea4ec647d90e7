"""The audit report: figures checked against records from real analyses, the page in headless Chromium."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, Route

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.audit import report
from analyzer.audit.report import write_report
from analyzer.audit.report.html import PAGE_FAILURES
from analyzer.audit.summary import SUMMARY_FAILURES, build_summary
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.corpus import Document, load_corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
SECTIONS = ("blog", "news", "products/2024", "")
RUN = {
    "sources": ["content/", "export.csv"],
    "started": "2026-03-02T09:00:00+00:00",
    "finished": "2026-03-02T09:04:30+00:00",
    "jobs": 2,
}
OPTIONS = AnalyzeOptions(sentences=False, explanations=False, max_suggestions=1)


def record_of(
    analysis: Analysis,
    document: Document,
    *,
    section: str,
    title: str | None,
    url: str | None,
    doc_type: str | None,
    published: str | None,
) -> dict[str, Any]:
    """An audit result line exactly as the contract between the runner and the report gives it."""
    suggestion = analysis.suggestions[0] if analysis.suggestions else None
    return {
        "key": hashlib.sha256(document.id.encode()).hexdigest(),
        "source": "content/",
        "id": document.id,
        "location": f"content/{section + '/' if section else ''}{document.id}.md",
        "section": section,
        "title": title or analysis.title,
        "url": url,
        "doc_type": doc_type,
        "published": published,
        "words": len(analysis.text.split()),
        "label": analysis.label,
        "scores": analysis.scores,
        "confidence": analysis.confidence,
        "uncertain": analysis.uncertain,
        "mixed": analysis.mixed,
        "case_for_change_score": analysis.case_for_change_score,
        "rubric": {name: element.present for name, element in analysis.rubric},
        "suggestion": (
            {
                "sentence": suggestion.sentence,
                "original": suggestion.original,
                "rewrite": suggestion.rewrite,
                "target": suggestion.target,
                "strategy": suggestion.strategy,
                "rationale": suggestion.rationale,
                "gain": suggestion.gain,
            }
            if suggestion
            else None
        ),
        "model": f"{analysis.model.name}@{analysis.model.version}",
        "error": None,
    }


#: The fields of a record that a failed document leaves empty.
NOT_ANALYZED = (
    *("words", "label", "scores", "confidence", "uncertain", "mixed"),
    *("case_for_change_score", "rubric", "suggestion"),
)


def failure(
    doc_id: str, code: str, message: str, *, title: str | None = None, url: str | None = None
) -> dict[str, Any]:
    """A document that never got a result: its identity, nulls, and the error."""
    return {
        "key": hashlib.sha256(doc_id.encode()).hexdigest(),
        "source": "content/",
        "id": doc_id,
        "location": f"content/news/{doc_id}",
        "section": "news",
        "title": title,
        "url": url,
        "doc_type": None,
        "published": None,
        **dict.fromkeys(NOT_ANALYZED),
        "model": "messaging@1.2.0",
        "error": {"code": code, "message": message},
    }


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """40 corpus documents really analyzed (3 of each doc type and a hostile one), plus 4 failures."""
    by_type: dict[str, list[Document]] = {}
    for document in load_corpus(ROOT / "corpus"):
        by_type.setdefault(document.doc_type, []).append(document)
    chosen = [doc for kind in sorted(by_type) for doc in by_type[kind][:3]][:39]
    chosen.append(by_type["product-page"][3])
    analyzer = Analyzer.load()
    result = []
    for i, document in enumerate(chosen):
        analysis = analyzer.analyze(document.text, source=document.id, options=OPTIONS)
        result.append(
            record_of(
                analysis,
                document,
                section=SECTIONS[i % len(SECTIONS)],
                title=document.text.split("\n", 1)[0][:90] if i % 4 else None,
                url=f"https://www.example.com/{document.id}" if i % 3 == 0 else None,
                doc_type=None if i % 13 == 5 else document.doc_type,
                published=f"2025-{1 + i % 7:02d}-{1 + i % 28:02d}" if i % 5 else None,
            )
        )
    hostile = result[-1]
    hostile.update(title=HOSTILE, url="javascript:alert(1)", section="<b>promo</b>")
    return [
        *result,
        failure("scan.pdf", "E012", "content/news/scan.pdf is not a readable PDF. Export it again."),
        failure("image-only.html", "E015", "No text <b>here</b>.", title=HOSTILE),
        failure(
            "gone", "fetch_failed", "https://www.example.com/gone answered 404.", url="https://www.example.com/gone"
        ),
        failure("locked.docx", "E013", "content/news/locked.docx is password-protected."),
    ]


def analyzed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["error"] is None]


def test_summary_figures_match_the_records(records: list[dict[str, Any]]) -> None:
    summary = build_summary(records, RUN)
    ok = analyzed(records)
    assert summary["totals"] == {
        "documents": 44,
        "analyzed": 40,
        "failed": 4,
        "uncertain": sum(r["uncertain"] for r in ok),
        "mixed": sum(r["mixed"] for r in ok),
        "words": sum(r["words"] for r in ok),
        "dated": sum(r["published"] is not None for r in records),
    }
    labels = Counter(r["label"] for r in ok)
    assert summary["labels"]["counts"] == {label: labels[label] for label in LABELS}
    assert summary["labels"]["shares"] == {label: round(labels[label] / 40, 4) for label in LABELS}
    assert len(labels) >= 2, "the sample should hold more than one message"

    by_type = {g["name"]: g for g in summary["by_doc_type"]}
    assert set(by_type) == {r["doc_type"] for r in records}
    for name, group in by_type.items():
        members = [r for r in records if r["doc_type"] == name]
        assert group["documents"] == len(members)
        assert group["failed"] == sum(r["error"] is not None for r in members)
        assert group["counts"] == {label: sum(r["label"] == label for r in members) for label in LABELS}
    assert [g["documents"] for g in summary["by_doc_type"]] == sorted(
        (g["documents"] for g in summary["by_doc_type"]), reverse=True
    )
    by_section = {g["name"]: g for g in summary["by_section"]}
    assert by_section["news"]["failed"] == 4
    assert by_section["<b>promo</b>"]["analyzed"] == 1
    assert by_section[""]["analyzed"] == sum(r["section"] == "" for r in ok)

    months = Counter(r["published"][:7] for r in records if r["published"])
    assert [(g["name"], g["documents"]) for g in summary["by_month"]] == sorted(months.items())

    scores = [r["case_for_change_score"] for r in ok]
    assert summary["scores"]["median"] == statistics.median(scores)
    assert summary["scores"]["mean"] == round(sum(scores) / len(scores), 1)
    histogram = summary["scores"]["histogram"]
    assert [(row["from"], row["to"]) for row in histogram] == [(10 * k, 10 * k + 9) for k in range(9)] + [(90, 100)]
    for row in histogram:
        members = [r for r in ok if row["from"] <= r["case_for_change_score"] <= row["to"]]
        assert row["count"] == len(members)
        assert row["counts"] == {label: sum(r["label"] == label for r in members) for label in LABELS}

    for element in RUBRIC_ELEMENTS:
        present = sum(r["rubric"][element] for r in ok)
        assert summary["rubric"][element] == {
            "present": present,
            "missing": 40 - present,
            "share": round(present / 40, 4),
        }

    failures = summary["failures"]
    assert failures["count"] == 4
    assert {row["code"]: row["count"] for row in failures["by_code"]} == {
        "E012": 1,
        "E015": 1,
        "fetch_failed": 1,
        "E013": 1,
    }
    assert all(row["what"] and row["action"] for row in failures["by_code"])
    assert [item["title"] for item in failures["items"]] == ["scan.pdf", HOSTILE, "gone", "locked.docx"]

    assert summary["run"]["duration_seconds"] == 270.0
    assert summary["run"]["model"] == "messaging@1.2.0"  # from the records: the runner did not say
    json.dumps(summary, allow_nan=False)  # JSON-serializable as it is


def test_fix_first_ranks_by_room_to_grow_times_the_rewrite_gain(records: list[dict[str, Any]]) -> None:
    items = build_summary(records, RUN)["fix_first"]["items"]
    ok = analyzed(records)

    def priority(record: Mapping[str, Any]) -> float:
        gain = record["suggestion"]["gain"] if record["suggestion"] else 0.0
        return float((100 - record["case_for_change_score"]) * gain)

    expected = sorted(enumerate(ok), key=lambda pair: (-priority(pair[1]), pair[1]["case_for_change_score"], pair[0]))
    assert [item["key"] for item in items] == [record["key"] for _, record in expected[:25]]
    assert len(items) == 25
    assert [item["rank"] for item in items] == list(range(1, 26))
    assert all(a["priority"] >= b["priority"] for a, b in pairwise(items))
    by_location = {r["location"]: r for r in ok}
    for item in items:
        record = by_location[item["location"]]
        assert item["missing"] == [e for e in RUBRIC_ELEMENTS if not record["rubric"][e]]
        assert item["case_for_change_score"] == record["case_for_change_score"]
        if record["suggestion"]:
            assert item["suggestion"]["rewrite"] == record["suggestion"]["rewrite"]
    assert sum(item["suggestion"] is not None for item in items) >= 20, "real analyses should offer rewrites"


def test_files_are_deterministic_and_replaced_whole(
    records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_report(records, first, RUN)
    write_report(records, second, RUN)
    for name in ("summary.json", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert sorted(p.name for p in first.iterdir()) == ["report.html", "summary.json"]
    assert json.loads((first / "summary.json").read_text(encoding="utf-8")) == build_summary(records, RUN)
    assert (first / "report.html").stat().st_mode & 0o044 == 0o044  # readable by the team, not just its writer

    before = (first / "report.html").read_bytes()

    def crash(summary: Mapping[str, Any]) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "render_html", crash)
    with pytest.raises(RuntimeError):
        write_report(records[:3], first, RUN)
    assert (first / "report.html").read_bytes() == before  # the old report stays whole
    assert sorted(p.name for p in first.iterdir()) == ["report.html", "summary.json"]  # no temporary files left


@pytest.mark.parametrize(
    ("case", "expected", "absent"),
    [
        ("empty", ["The audit found no documents to read."], ["<svg"]),
        ("all failed", ["None of the 4 documents could be analyzed", "E012", "E013"], ["<svg"]),
        ("one document", ["1 piece with the most to gain", "<svg"], ["By folder or site section"]),
        ("no dates, types or sections", ["no timeline", "no document types", "no sections to compare"], []),
    ],
)
def test_edge_cases_still_make_a_report(
    records: list[dict[str, Any]], tmp_path: Path, case: str, expected: list[str], absent: list[str]
) -> None:
    plain = [{**r, "published": None, "doc_type": None, "section": ""} for r in records]
    chosen = {
        "empty": [],
        "all failed": [r for r in records if r["error"]],
        "one document": [next(r for r in plain if r["suggestion"])],
        "no dates, types or sections": plain,
    }[case]
    write_report(chosen, tmp_path, {})
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["documents"] == len(chosen)
    assert len(summary["fix_first"]["items"]) == min(25, len(analyzed(chosen)))
    for text in expected:
        assert text in page, text
    for text in absent:
        assert text not in page, text


def test_a_hundred_thousand_records_make_a_page_of_reasonable_size(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    many = []
    for i in range(100_000):
        base = records[i % len(records)]
        many.append({**base, "id": f"doc-{i}", "location": f"content/doc-{i}", "section": f"section-{i % 57}"})
    write_report(many, tmp_path, RUN)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["documents"] == 100_000
    assert summary["totals"]["failed"] == sum(r["error"] is not None for r in many)
    assert len(summary["fix_first"]["items"]) == 25
    assert len(summary["failures"]["items"]) == SUMMARY_FAILURES
    assert len(summary["by_section"]) == 57
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(page) < 1_000_000
    assert page.count("<tr><td>") <= PAGE_FAILURES + len(summary["failures"]["by_code"])
    assert "every one is in results.jsonl" in page


def open_report(browser: Browser, path: Path) -> tuple[Page, list[str], list[Dialog], list[str]]:
    """The report from a file:// URL; every request, dialog and console error is recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[Dialog] = []
    errors: list[str] = []

    def route(route: Route, request: Request) -> None:
        if request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    return page, requests, dialogs, errors


def test_the_page_in_chromium_is_self_contained_safe_and_complete(
    browser: Browser, records: list[dict[str, Any]], tmp_path: Path
) -> None:
    write_report(records, tmp_path, RUN)
    path = tmp_path / "report.html"
    page, requests, dialogs, errors = open_report(browser, path)

    assert requests == [path.as_uri()]  # nothing but the file itself: no fonts, images, scripts or beacons
    assert dialogs == []
    assert errors == []
    assert page.locator("script, img, iframe, object, embed, link[rel=stylesheet]").count() == 0

    assert page.get_by_role("heading", name="What we found").is_visible()
    headlines = page.locator("#findings .headlines li").all_inner_texts()
    assert any("makes a case for change" in line for line in headlines)
    assert any("could not be analyzed" in line for line in headlines)

    charts = page.locator("figure.chart svg")
    assert charts.count() == 6  # overall, doc type, section, month, scores, rubric
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 80, box
        assert charts.nth(i).is_visible()
    assert page.locator("#chart-mix-section svg text", has_text="<b>promo</b>").count() == 1  # text, not markup
    # 14 kinds of piece (one is "no type"): the 10 largest and one merged "other" bar
    assert page.locator("#chart-mix-doc-type svg text", has_text="other (n=").count() == 1
    assert "merged into “other”" in page.locator("#chart-mix-doc-type figcaption").inner_text()
    assert "merged" not in page.locator("#chart-mix-section figcaption").inner_text()

    fixes = page.locator("ol.fixes > li")
    assert fixes.count() == 25
    first = fixes.first
    assert first.locator("dd.before").inner_text()
    assert first.locator("dd.after").inner_text()

    hostile = page.get_by_text(HOSTILE)
    assert hostile.count() >= 1 and hostile.first.is_visible()
    assert page.locator("b", has_text="here").count() == 0 and page.locator("b", has_text="promo").count() == 0
    hrefs = page.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert "https://www.example.com/gone" in hrefs

    failures = page.locator("#failures table.failures-list tbody tr")
    assert failures.count() == 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    page.context.close()


def test_an_all_failed_report_opens_without_charts(
    browser: Browser, records: list[dict[str, Any]], tmp_path: Path
) -> None:
    write_report([r for r in records if r["error"]], tmp_path, RUN)
    page, requests, dialogs, errors = open_report(browser, tmp_path / "report.html")
    assert (requests, dialogs, errors) == ([(tmp_path / "report.html").as_uri()], [], [])
    assert page.locator("svg").count() == 0
    assert page.locator("ol.fixes > li").count() == 0
    assert page.locator("#failures table.failures-list tbody tr").count() == 4
    assert page.get_by_text("None of the 4 documents could be analyzed").is_visible()
    page.context.close()
