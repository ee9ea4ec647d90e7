"""The audit report: `summary.json` (the figures) and `report.html` (a briefing for a content lead).

The page is read by a marketing lead, not an engineer: headline findings in plain words first,
then the charts, then the pieces to fix first, then what could not be analyzed and what to do.
It is one self-contained file: inline CSS, charts inlined as SVG (matplotlib), no script, and a
Content-Security-Policy that forbids loading anything. Every string that comes from a document
(titles, URLs, suggestions, error messages) is escaped; only http(s) URLs become links.

The page is rendered from the summary alone, so the two never disagree. Both are written to a
temporary file in the output folder and moved into place, so a crash never leaves half a report.

"Most to gain" (the "Fix these first" list): a piece's priority is

    (100 - case-for-change score) x gain of its top suggested rewrite

where the gain is how much the rewrite raises its sentence's case-for-change probability (0-1).
A weak piece with a strong, ready fix comes first; a piece with no rewrite on offer has
priority 0 and only fills the list when fewer pieces have one. Ties go to the lower score.
"""

from __future__ import annotations

import heapq
import html
import io
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analyzer.files import write_atomically
from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS, RUBRIC_ELEMENTS

SUMMARY_VERSION = "1.0"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.html"
#: Pieces in "Fix these first".
TOP_PIECES = 25
#: Groups (doc types, sections) kept in summary.json and in a chart; the rest are merged as "other".
SUMMARY_GROUPS = 100
CHART_GROUPS = 10
#: Above this many months the timeline chart shows years (summary.json keeps every month).
CHART_MONTHS = 36
#: Failed documents listed one by one; all are counted, and results.jsonl has every one.
SUMMARY_FAILURES = 1000
PAGE_FAILURES = 100
#: A score from which a piece counts as a strong case for change in the headlines.
STRONG_SCORE = 60
#: Analyzed pieces a doc type needs before the headlines compare it with others.
MIN_COMPARED = 5
SCORE_BINS = 10

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

LABEL_COLOURS = {AWARENESS: "#2563eb", FEATURE: "#d97706", CHANGE: "#15803d"}
#: What each label means for the reader, in one line (from the annotation guide).
LABEL_MEANINGS = {
    AWARENESS: "Tells the reader about the company, an event or a topic, and stops there: nothing to weigh, "
    "no reason to act.",
    FEATURE: "Describes what the product has, does or costs; the reader's own situation is never questioned.",
    CHANGE: "Argues that the reader's current way of working no longer holds and what standing still costs: "
    "a reason to act now, before any product is named.",
}
#: The label as a verb phrase, for sentences like "62% of the library only builds awareness".
LABEL_PHRASES = {AWARENESS: "only builds awareness", FEATURE: "pitches features", CHANGE: "makes a case for change"}
ELEMENT_NAMES = {
    "why_change": "why change",
    "price_of_inaction": "the price of inaction",
    "future_state": "the future state",
}
ELEMENT_QUESTIONS = {
    "why_change": "Why change? What has shifted in the reader's world so the current way no longer works.",
    "price_of_inaction": "The price of inaction: what the reader loses, risks or pays by doing nothing.",
    "future_state": "The future state: where the reader must get to, and the first step.",
}
#: Per error code: what went wrong in plain words, and what to do about it.
FAILURE_ADVICE: dict[str, tuple[str, str]] = {
    "E001": ("The text could not be analyzed as it is", "Open the file and check that it holds readable text."),
    "E010": (
        "A kind of file the audit does not read (an image, an archive, a legacy .doc)",
        "Save it as PDF, DOCX, HTML, Markdown or plain text, or leave it out of the audit.",
    ),
    "E011": (
        "The file is over a size limit",
        "Split it into separate pieces, or audit it on its own with a higher limit.",
    ),
    "E012": ("The file is damaged", "Export or download it again from where it was made."),
    "E013": ("The file is password-protected", "Remove the password and export it again."),
    "E014": ("The file is not readable text", "Save it again as UTF-8 text, or export it as PDF or DOCX."),
    "E015": (
        "No text in it (an empty page, or only images or a scan)",
        "Add the text, or drop the placeholder from the library.",
    ),
    "read_failed": ("The file could not be opened", "Check that it still exists and that the audit may read it."),
    "fetch_failed": (
        "The page could not be downloaded",
        "Open the URL in a browser: it may be gone, moved, or blocking automated visits.",
    ),
    "analysis_failed": (
        "An unexpected error while analyzing it",
        "Send the message below to whoever runs the audit; the other documents are not affected.",
    ),
}
UNKNOWN_FAILURE = ("Could not be analyzed", "See the message for what to do.")
RANKING = (
    "Ranked by what a rewrite could win: the room a piece has to grow (100 minus its case-for-change score) "
    "times how much its top suggested rewrite raises that sentence's case-for-change probability. A weak "
    "piece with a strong, ready fix comes first; pieces with no rewrite on offer come last."
)
SCORE_FORMULA = (
    "The case-for-change score (0-100) is 40% the model's confidence that the piece as a whole makes a case "
    "for change, plus 20% for each of the three questions it answers: why change, the price of inaction, "
    "the future state."
)
_DATE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-\d{2}")
_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,80}\]")


# The figures


def build_summary(records: Sequence[Mapping[str, Any]], run: Mapping[str, Any]) -> dict[str, Any]:
    """The audit's figures, JSON-serializable; `report.html` is rendered from them alone.

    Keys:
    - `summary_version`; `run`: the runner's facts made JSON-safe (`model`, `sources`, `started`,
      `finished`, `duration_seconds`, `jobs`, ...), `model` taken from the records and
      `duration_seconds` from `started`/`finished` when the runner did not give them.
    - `totals`: `documents`, `analyzed`, `failed`, `uncertain` (analyzed with a label under 0.6),
      `words` (analyzed), `dated` (documents with a known publication date).
    - `labels`: `counts` and `shares` of the analyzed documents per label.
    - `by_doc_type`, `by_section`: groups by descending size, at most `SUMMARY_GROUPS` and one
      merged row (`"merged": n`); each `{name, documents, analyzed, failed, counts, shares}`
      with shares of the group's analyzed documents. `name` is null for no doc type and ""
      for the top level.
    - `by_month`: the same per `YYYY-MM` of `published`, in date order; empty without dates.
    - `scores`: `mean`, `median` (null when nothing was analyzed) and `histogram`: ten bins
      `{from, to, count, counts}` of case-for-change scores, 0-9 ... 90-100, counts per label.
    - `rubric`: per element `{present, missing, share}` over the analyzed documents.
    - `fix_first`: `ranking` (how "most to gain" is defined) and `items`, the top
      `TOP_PIECES` pieces with their priority, identity, label, score, missing elements and
      top suggestion.
    - `failures`: `count`, `by_code` (`{code, count, what, action}`, most common first), and
      `items` (the first `SUMMARY_FAILURES` failed documents with their code and message).
    """
    totals = Counter[str]()
    label_counts = [0] * len(LABELS)
    # label counts, then failures; defaultdict: no new list per record for a group already seen
    by_type: defaultdict[str | None, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    by_section: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    by_month: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    histogram = [[0] * len(LABELS) for _ in range(SCORE_BINS)]
    scores: list[int] = []
    rubric = dict.fromkeys(RUBRIC_ELEMENTS, 0)
    codes = Counter[str]()
    failure_items: list[dict[str, Any]] = []
    ranked: list[tuple[float, int, int, Mapping[str, Any]]] = []
    models = Counter[str]()
    failed_column = len(LABELS)
    months: dict[str, str | None] = {}  # dates repeat: parse each once (100,000 records in about a second)

    for index, record in enumerate(records):
        totals["documents"] += 1
        published = record.get("published")
        month = None
        if isinstance(published, str):
            month = months[published] if published in months else months.setdefault(published, _month(published))
        rows = [by_type[record.get("doc_type") or None], by_section[str(record.get("section") or "")]]
        if month is not None:
            totals["dated"] += 1
            rows.append(by_month[month])
        label = record.get("label")
        if record.get("error") or label not in LABELS:
            totals["failed"] += 1
            for row in rows:
                row[failed_column] += 1
            code, message = _error_of(record)
            codes[code] += 1
            if len(failure_items) < SUMMARY_FAILURES:
                failure_items.append({**_identity(record), "code": code, "message": message})
            continue
        column = LABELS.index(label)
        totals["analyzed"] += 1
        totals["uncertain"] += bool(record.get("uncertain"))
        totals["words"] += int(record.get("words") or 0)
        label_counts[column] += 1
        for row in rows:
            row[column] += 1
        score = min(100, max(0, int(record.get("case_for_change_score") or 0)))
        scores.append(score)
        histogram[min(score // 10, SCORE_BINS - 1)][column] += 1
        present = record.get("rubric") or {}
        for element in RUBRIC_ELEMENTS:
            rubric[element] += bool(present.get(element))
        if record.get("model"):
            models[str(record["model"])] += 1
        ranked.append((_priority(score, record.get("suggestion")), -score, -index, record))

    analyzed = totals["analyzed"]
    failures = sorted(codes.items(), key=lambda item: (-item[1], item[0]))
    return {
        "summary_version": SUMMARY_VERSION,
        "run": _run_info(run, models),
        "totals": {key: totals[key] for key in ("documents", "analyzed", "failed", "uncertain", "words", "dated")},
        "labels": {"counts": _by_label(label_counts), "shares": _shares(label_counts)},
        "by_doc_type": _groups(by_type, SUMMARY_GROUPS),
        "by_section": _groups(by_section, SUMMARY_GROUPS),
        "by_month": [_group(month, by_month[month]) for month in sorted(by_month)],
        "scores": {
            "mean": round(statistics.fmean(scores), 1) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "histogram": [
                {
                    "from": 10 * k,
                    "to": 100 if k == SCORE_BINS - 1 else 10 * k + 9,
                    "count": sum(row),
                    "counts": _by_label(row),
                }
                for k, row in enumerate(histogram)
            ],
        },
        "rubric": {
            element: {"present": n, "missing": analyzed - n, "share": round(n / analyzed, 4) if analyzed else 0.0}
            for element, n in rubric.items()
        },
        "fix_first": {
            "ranking": RANKING,
            "items": [_fix_item(rank, entry) for rank, entry in enumerate(heapq.nlargest(TOP_PIECES, ranked), 1)],
        },
        "failures": {
            "count": totals["failed"],
            "by_code": [
                {"code": code, "count": n, "what": _advice(code)[0], "action": _advice(code)[1]} for code, n in failures
            ],
            "items": failure_items,
        },
    }


def _month(published: Any) -> str | None:
    if isinstance(published, str) and _DATE.match(published):
        return published[:7]
    return None


def _error_of(record: Mapping[str, Any]) -> tuple[str, str]:
    error = record.get("error")
    if isinstance(error, Mapping):
        return str(error.get("code") or "analysis_failed"), str(error.get("message") or "")
    if error:
        return "analysis_failed", str(error)
    return "analysis_failed", "The result has no label."


def _advice(code: str) -> tuple[str, str]:
    return FAILURE_ADVICE.get(code, UNKNOWN_FAILURE)


def _priority(score: int, suggestion: Any) -> float:
    gain = float(suggestion.get("gain") or 0.0) if isinstance(suggestion, Mapping) else 0.0
    return (100 - score) * max(0.0, gain)


def _identity(record: Mapping[str, Any]) -> dict[str, Any]:
    """Where a person finds the document; `title` falls back to its id or location."""
    title = record.get("title") or record.get("id") or record.get("location") or "(untitled)"
    return {
        "key": record.get("key"),
        "id": record.get("id"),
        "title": str(title),
        "url": record.get("url"),
        "location": record.get("location"),
        "source": record.get("source"),
        "section": record.get("section") or "",
        "doc_type": record.get("doc_type"),
        "published": record.get("published"),
    }


def _fix_item(rank: int, entry: tuple[float, int, int, Mapping[str, Any]]) -> dict[str, Any]:
    priority, negative_score, _, record = entry
    present = record.get("rubric") or {}
    suggestion = record.get("suggestion")
    return {
        "rank": rank,
        "priority": round(priority, 2),
        **_identity(record),
        "label": record.get("label"),
        "case_for_change_score": -negative_score,
        "missing": [element for element in RUBRIC_ELEMENTS if not present.get(element)],
        "suggestion": (
            {
                key: suggestion.get(key)
                for key in ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain")
            }
            if isinstance(suggestion, Mapping)
            else None
        ),
    }


def _by_label(counts: Sequence[int]) -> dict[str, int]:
    return dict(zip(LABELS, counts[: len(LABELS)], strict=True))


def _shares(counts: Sequence[int]) -> dict[str, float]:
    analyzed = sum(counts[: len(LABELS)])
    return {label: round(n / analyzed, 4) if analyzed else 0.0 for label, n in _by_label(counts).items()}


def _group(name: str | None, counts: Sequence[int]) -> dict[str, Any]:
    analyzed = sum(counts[: len(LABELS)])
    return {
        "name": name,
        "documents": analyzed + counts[len(LABELS)],
        "analyzed": analyzed,
        "failed": counts[len(LABELS)],
        "counts": _by_label(counts),
        "shares": _shares(counts),
    }


def _groups(table: Mapping[Any, Sequence[int]], limit: int) -> list[dict[str, Any]]:
    """Groups by descending size (then name); past `limit`, the rest merged into one row."""
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1]), item[0] is not None, str(item[0])))
    groups = [_group(name, counts) for name, counts in ordered[:limit]]
    rest = ordered[limit:]
    if rest:
        merged = [sum(counts[k] for _, counts in rest) for k in range(len(LABELS) + 1)]
        groups.append({**_group("other", merged), "merged": len(rest)})
    return groups


def _run_info(run: Mapping[str, Any], models: Counter[str]) -> dict[str, Any]:
    info: dict[str, Any] = _json_safe(dict(run))
    if not info.get("model") and models:
        info["model"] = models.most_common(1)[0][0]
    if info.get("duration_seconds") is None:
        started, finished = _datetime(run.get("started")), _datetime(run.get("finished"))
        if started and finished and (started.tzinfo is None) == (finished.tzinfo is None):
            info["duration_seconds"] = round((finished - started).total_seconds(), 3)
    return info


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


# Writing


def write_report(records: Sequence[Mapping[str, Any]], out_dir: Path, run: Mapping[str, Any]) -> None:
    """Write `summary.json` and `report.html` into `out_dir`, each replaced whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = build_summary(records, run)
    write_atomically(out_dir / SUMMARY_FILE, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    write_atomically(out_dir / REPORT_FILE, render_html(summary))


# The page


def render_html(summary: Mapping[str, Any]) -> str:
    """The briefing page for a summary from `build_summary`: one self-contained HTML file."""
    css = files("analyzer.audit.report").joinpath("report.css").read_text(encoding="utf-8")
    run = summary["run"]
    sources = run.get("sources")
    sources_text = ", ".join(str(s) for s in sources) if isinstance(sources, list) and sources else "the library"
    totals = summary["totals"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Content audit: {_e(sources_text)}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        "<h1>Content audit</h1>",
        f"<p>{_plural(totals['documents'], 'document')} from {_e(sources_text)}{_e(_audited(run))}</p>",
        "</header>",
        "<main>",
        _findings_section(summary),
        _labels_section(),
        _charts_section(summary),
        _fixes_section(summary),
        _failures_section(summary),
        _run_section(summary),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def headlines(summary: Mapping[str, Any]) -> list[str]:
    """The findings in plain words, most important first (plain text, not yet escaped)."""
    totals = summary["totals"]
    documents, analyzed, failed = totals["documents"], totals["analyzed"], totals["failed"]
    if documents == 0:
        return ["The audit found no documents to read."]
    lines: list[str] = []
    if analyzed == 0:
        lines.append(
            f"None of the {_plural(documents, 'document')} could be analyzed; the reasons, and what to do, are at "
            "the end of this page."
        )
        return lines
    shares = summary["labels"]["shares"]
    mix = sorted(LABELS, key=lambda label: (-shares[label], LABELS.index(label)))
    lines.append(
        f"{_pct(shares[mix[0]])} of the library {LABEL_PHRASES[mix[0]]}, {_pct(shares[mix[1]])} "
        f"{LABEL_PHRASES[mix[1]]} and {_pct(shares[mix[2]])} {LABEL_PHRASES[mix[2]]}."
    )
    rubric = summary["rubric"]
    gaps = sorted(RUBRIC_ELEMENTS, key=lambda e: (-rubric[e]["missing"], RUBRIC_ELEMENTS.index(e)))
    first, *others = (f"{ELEMENT_NAMES[e]} from {_pct(rubric[e]['missing'] / analyzed)}" for e in gaps)
    lines.append(_capital(f"{first.replace(' from ', ' is missing from ', 1)} of pieces, {_join(others)}."))
    strong = sum(row["count"] for row in summary["scores"]["histogram"] if row["from"] >= STRONG_SCORE)
    lines.append(
        f"The median case-for-change score is {_number(summary['scores']['median'])} out of 100; "
        f"{_plural(strong, 'piece')} ({_pct(strong / analyzed)}) {'scores' if strong == 1 else 'score'} "
        f"{STRONG_SCORE} or more."
    )
    compared = [g for g in summary["by_doc_type"] if g["name"] is not None and "merged" not in g]
    compared = [g for g in compared if g["analyzed"] >= MIN_COMPARED]
    if len(compared) >= 2:
        best = max(compared, key=lambda g: (g["shares"][CHANGE], -compared.index(g)))
        worst = min(compared, key=lambda g: (g["shares"][CHANGE], compared.index(g)))
        if best["shares"][CHANGE] > worst["shares"][CHANGE]:
            lines.append(
                f"Pieces of type {best['name']} make a case for change most often ({_pct(best['shares'][CHANGE])}); "
                f"{worst['name']} least often ({_pct(worst['shares'][CHANGE])})."
            )
    items = summary["fix_first"]["items"]
    if items:
        with_rewrite = sum(1 for item in items if item["suggestion"])
        lines.append(
            f"“Fix these first” lists the {_plural(len(items), 'piece')} with the most to gain; "
            + ("each comes" if with_rewrite == len(items) else f"{with_rewrite} come")
            + " with a rewrite to start from."
        )
    if failed:
        by_code = summary["failures"]["by_code"]
        common = by_code[0]
        most_often = (
            f" (most often: {common['what'][0].lower()}{common['what'][1:]}, {common['count']:,})"
            if common["count"] > 1 and (len(by_code) == 1 or common["count"] > by_code[1]["count"])
            else ""
        )
        lines.append(
            f"{failed:,} of {_plural(documents, 'document')} could not be analyzed{most_often}; "
            "what to do is at the end of this page."
        )
    return lines


def _findings_section(summary: Mapping[str, Any]) -> str:
    totals = summary["totals"]
    analyzed = totals["analyzed"]
    figures = [
        (f"{totals['analyzed']:,}", "pieces analyzed"),
        (f"{totals['failed']:,}", "could not be analyzed"),
    ]
    if analyzed:
        figures += [
            (_pct(summary["labels"]["shares"][CHANGE]), "make a case for change"),
            (f"{_number(summary['scores']['median'])}/100", "median case-for-change score"),
        ]
    return "\n".join(
        [
            '<section class="card" id="findings" aria-labelledby="findings-title">',
            '<h2 id="findings-title">What we found</h2>',
            '<ul class="headlines">',
            *(f"<li>{_e(line)}</li>" for line in headlines(summary)),
            "</ul>",
            '<ul class="figures">',
            *(f"<li><strong>{_e(value)}</strong>{_e(caption)}</li>" for value, caption in figures),
            "</ul>",
            "</section>",
        ]
    )


def _labels_section() -> str:
    return "\n".join(
        [
            '<section class="card" id="labels" aria-labelledby="labels-title">',
            '<h2 id="labels-title">The three messages</h2>',
            '<p class="muted">Every piece is labelled by the message that fills most of it and that it ends on.</p>',
            '<ul class="legend">',
            *(f"<li>{_chip(label)} {_e(LABEL_MEANINGS[label])}</li>" for label in LABELS),
            "</ul>",
            "<h3>A case for change answers three questions</h3>",
            '<ul class="legend">',
            *(f"<li>{_e(ELEMENT_QUESTIONS[element])}</li>" for element in RUBRIC_ELEMENTS),
            "</ul>",
            f'<p class="muted">{_e(SCORE_FORMULA)}</p>',
            "</section>",
        ]
    )


def _charts_section(summary: Mapping[str, Any]) -> str:
    parts = [
        '<section class="card" id="charts" aria-labelledby="charts-title">',
        '<h2 id="charts-title">The library at a glance</h2>',
    ]
    if not summary["totals"]["analyzed"]:
        parts += ['<p class="muted">No piece could be analyzed, so there is nothing to chart.</p>', "</section>"]
        return "\n".join(parts)
    overall = [{"name": "All pieces", **{k: summary["totals"][k] for k in ("analyzed", "failed")}, **summary["labels"]}]
    parts.append(
        _figure(
            "mix-overall",
            "The message mix",
            _mix_chart("mix-overall", overall),
            "Share of analyzed pieces by message.",
        )
    )
    by_type = summary["by_doc_type"]
    if any(group["name"] is not None for group in by_type):
        kinds = _top_groups(by_type, CHART_GROUPS, "(no type)")
        parts.append(
            _figure(
                "mix-doc-type",
                "By kind of piece",
                _mix_chart("mix-doc-type", kinds),
                "Share of each message within each kind of piece; n is the number analyzed."
                + (" The largest are shown; the rest are merged into “other”." if "merged" in kinds[-1] else ""),
            )
        )
    else:
        parts.append('<p class="muted">The sources gave no document types, so there is no breakdown by kind.</p>')
    by_section = summary["by_section"]
    if any(group["name"] for group in by_section):
        sections = _top_groups(by_section, CHART_GROUPS, "(top level)")
        merged = " The largest are shown; the rest are merged into “other”." if "merged" in sections[-1] else ""
        parts.append(
            _figure(
                "mix-section",
                "By folder or site section",
                _mix_chart("mix-section", sections),
                f"Share of each message within each folder or site section; n is the number analyzed.{merged}",
            )
        )
    else:
        parts.append('<p class="muted">Every piece sits at the top level: there are no sections to compare.</p>')
    by_month = summary["by_month"]
    if by_month:
        periods, unit = _timeline(by_month)
        parts.append(
            _figure(
                "mix-month",
                f"By {unit} of publication",
                _timeline_chart("mix-month", periods),
                f"{summary['totals']['dated']:,} of {summary['totals']['documents']:,} documents have a known date.",
            )
        )
    else:
        parts.append('<p class="muted">No publication dates were known, so there is no timeline.</p>')
    scores = summary["scores"]
    parts.append(
        _figure(
            "scores",
            "Case-for-change scores",
            _histogram_chart("scores", scores),
            f"Pieces per score band, coloured by message; median {_number(scores['median'])}, "
            f"mean {_number(scores['mean'])}.",
        )
    )
    parts.append(
        _figure(
            "rubric",
            "The three questions",
            _rubric_chart("rubric", summary["rubric"], summary["totals"]["analyzed"]),
            "Share of analyzed pieces that answer each question of a case for change.",
        )
    )
    parts.append("</section>")
    return "\n".join(parts)


def _figure(name: str, title: str, svg: str, caption: str) -> str:
    return (
        f'<figure class="chart" id="chart-{name}" aria-labelledby="chart-{name}-title">\n'
        f'<h3 id="chart-{name}-title">{_e(title)}</h3>\n'
        f'<div class="chart-image" role="img" aria-label="{_e(title)}: {_e(caption)}">\n{svg}</div>\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def _top_groups(groups: Sequence[Mapping[str, Any]], limit: int, unnamed: str) -> list[dict[str, Any]]:
    """The first `limit` groups that have analyzed pieces, with display names; the rest merged as "other"."""
    charted = [group for group in groups if group["analyzed"]]  # a group that all failed has no mix to show
    shown = [
        {**group, "name": unnamed if not group["name"] else str(group["name"])}
        for group in charted[:limit]
        if "merged" not in group
    ]
    rest = charted[len(shown) :]
    if rest:
        counts = {label: sum(group["counts"][label] for group in rest) for label in LABELS}
        analyzed = sum(counts.values())
        shown.append(
            {
                "name": "other",
                "analyzed": analyzed,
                "failed": sum(group["failed"] for group in rest),
                "counts": counts,
                "shares": {label: n / analyzed if analyzed else 0.0 for label, n in counts.items()},
                "merged": len(rest),
            }
        )
    return shown


def _timeline(by_month: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Months, or years when there are more months than a chart can show legibly."""
    if len(by_month) <= CHART_MONTHS:
        return [dict(group) for group in by_month], "month"
    years: dict[str, dict[str, int]] = {}
    for group in by_month:
        counts = years.setdefault(group["name"][:4], dict.fromkeys(LABELS, 0))
        for label in LABELS:
            counts[label] += group["counts"][label]
    return [
        {
            "name": year,
            "analyzed": sum(counts.values()),
            "counts": counts,
            "shares": {label: n / sum(counts.values()) if sum(counts.values()) else 0.0 for label, n in counts.items()},
        }
        for year, counts in sorted(years.items())
    ], "year"


# Charts: matplotlib Figures rendered straight to SVG, without pyplot, so no global backend
# or figure registry is touched (other code in the process may use pyplot).


@contextmanager
def _chart_style(salt: str) -> Iterator[None]:
    """Readable, deterministic SVG: a fixed id salt per chart, text kept as text, no math parsing."""
    with matplotlib.rc_context(
        {
            "svg.hashsalt": f"analyzer-report-{salt}",
            "svg.fonttype": "none",
            "text.parse_math": False,  # a "$" in a section name is text, not TeX
            "font.family": ["DejaVu Sans"],
            "font.size": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
        }
    ):
        yield


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _legend(axes: Axes) -> None:
    axes.legend(
        handles=[Patch(facecolor=LABEL_COLOURS[label], label=label) for label in LABELS],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=len(LABELS),
        frameon=False,
        fontsize=10,
    )


def _mix_chart(salt: str, groups: Sequence[Mapping[str, Any]]) -> str:
    """Horizontal 100% bars, one per group, largest first."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 0.9 + 0.45 * len(groups)))
        axes = figure.add_subplot()
        names = [f"{_short(str(g['name']))} (n={g['analyzed']:,})" for g in groups]
        left = [0.0] * len(groups)
        for label in LABELS:
            widths = [100 * g["shares"][label] for g in groups]
            bars = axes.barh(names, widths, left=left, color=LABEL_COLOURS[label], height=0.7)
            for bar, width in zip(bars, widths, strict=True):
                if width >= 7:
                    axes.text(
                        bar.get_x() + width / 2,
                        bar.get_y() + bar.get_height() / 2,
                        f"{round(width)}%",
                        ha="center",
                        va="center",
                        color="white",
                        fontsize=10,
                    )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.set_xlim(0, 100)
        axes.invert_yaxis()
        axes.set_xlabel("share of analyzed pieces (%)")
        _legend(axes)
        return _svg(figure)


def _timeline_chart(salt: str, periods: Sequence[Mapping[str, Any]]) -> str:
    """Vertical 100% bars, one per month or year, in date order."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 4))
        axes = figure.add_subplot()
        names = [str(p["name"]) for p in periods]
        bottom = [0.0] * len(periods)
        for label in LABELS:
            heights = [100 * p["shares"][label] for p in periods]
            axes.bar(names, heights, bottom=bottom, color=LABEL_COLOURS[label], width=0.75)
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        axes.set_ylim(0, 100)
        axes.set_ylabel("share of analyzed pieces (%)")
        if len(names) > 12:
            axes.tick_params(axis="x", labelrotation=60, labelsize=9)
        _legend(axes)
        return _svg(figure)


def _histogram_chart(salt: str, scores: Mapping[str, Any]) -> str:
    """Pieces per score band of 10, stacked by message, with the median and mean marked."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 4))
        axes = figure.add_subplot()
        starts = [row["from"] for row in scores["histogram"]]
        bottom = [0] * len(starts)
        for label in LABELS:
            heights = [row["counts"][label] for row in scores["histogram"]]
            axes.bar(starts, heights, bottom=bottom, width=9.2, align="edge", color=LABEL_COLOURS[label])
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        axes.axvline(scores["median"], color="#111827", linestyle="--", linewidth=1.5)
        axes.text(
            scores["median"],
            0.97,
            f" median {_number(scores['median'])}",
            transform=axes.get_xaxis_transform(),
            va="top",
            fontsize=10,
        )
        axes.set_ylim(0, max(bottom) * 1.12)
        axes.set_xlim(0, 100)
        axes.set_xticks([10 * k for k in range(SCORE_BINS + 1)])
        axes.set_xlabel("case-for-change score")
        axes.set_ylabel("pieces")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(axes)
        return _svg(figure)


def _rubric_chart(salt: str, rubric: Mapping[str, Mapping[str, Any]], analyzed: int) -> str:
    """Share of pieces that answer each rubric question."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 2.4))
        axes = figure.add_subplot()
        names = [_capital(ELEMENT_NAMES[element]) for element in RUBRIC_ELEMENTS]
        shares = [100 * rubric[element]["share"] for element in RUBRIC_ELEMENTS]
        axes.barh(names, [100] * len(names), color="#e5e7eb", height=0.6)
        axes.barh(names, shares, color=LABEL_COLOURS[CHANGE], height=0.6)
        for y, element in enumerate(RUBRIC_ELEMENTS):
            present = rubric[element]["present"]
            axes.text(
                101, y, f"{_pct(rubric[element]['share'])} ({present:,} of {analyzed:,})", va="center", fontsize=10
            )
        axes.set_xlim(0, 100)
        axes.invert_yaxis()
        axes.set_xlabel("share of analyzed pieces that answer it (%)")
        return _svg(figure)


def _fixes_section(summary: Mapping[str, Any]) -> str:
    items = summary["fix_first"]["items"]
    parts = [
        '<section class="card" id="fix-first" aria-labelledby="fix-first-title">',
        '<h2 id="fix-first-title">Fix these first</h2>',
        f'<p class="muted">{_e(summary["fix_first"]["ranking"])} '
        "Bracketed parts of a rewrite are yours to fill in.</p>",
    ]
    if not items:
        parts += ["<p>No piece was analyzed, so there is nothing to rank.</p>", "</section>"]
        return "\n".join(parts)
    parts.append('<ol class="fixes">')
    for item in items:
        missing = ", ".join(ELEMENT_NAMES[e] for e in item["missing"]) or "nothing: all three questions are answered"
        meta = [_chip(item["label"]), f"score {item['case_for_change_score']}/100"]
        meta += [_e(str(item[key])) for key in ("doc_type", "section", "published") if item.get(key)]
        where = item.get("location") or ""
        parts += [
            "<li>",
            f'<div class="piece-title">{_link(item["title"], item.get("url"))}</div>',
            f'<div class="piece-meta">{" · ".join(meta)}</div>',
            f'<div class="piece-meta">{_e(str(where))}</div>' if where and where != item.get("url") else "",
            f"<div>Missing: {_e(_capital(missing))}</div>",
        ]
        suggestion = item["suggestion"]
        if suggestion:
            target = ELEMENT_NAMES.get(str(suggestion.get("target")), str(suggestion.get("target") or ""))
            parts += [
                '<dl class="rewrite">',
                f'<dt>Before</dt><dd class="before">{_e(str(suggestion.get("original") or ""))}</dd>',
                f'<dt>After</dt><dd class="after">{_placeholders(str(suggestion.get("rewrite") or ""))}</dd>',
                f'<dt>Why</dt><dd class="why">{_e(str(suggestion.get("rationale") or ""))}'
                + (f" (adds {_e(target)})" if target else "")
                + "</dd>",
                "</dl>",
            ]
        else:
            parts.append('<p class="muted">No single sentence to rewrite: the piece needs a new angle.</p>')
        parts.append("</li>")
    parts += ["</ol>", "</section>"]
    return "\n".join(part for part in parts if part)


def _failures_section(summary: Mapping[str, Any]) -> str:
    failures = summary["failures"]
    parts = [
        '<section class="card" id="failures" aria-labelledby="failures-title">',
        '<h2 id="failures-title">Documents that could not be analyzed</h2>',
    ]
    if not failures["count"]:
        parts += ["<p>Every document was analyzed.</p>", "</section>"]
        return "\n".join(parts)
    parts += [
        f"<p>{_plural(failures['count'], 'document')} could not be analyzed. By reason:</p>",
        "<table>",
        '<thead><tr><th scope="col">Reason</th><th scope="col" class="num">Documents</th>'
        '<th scope="col">What to do</th></tr></thead>',
        "<tbody>",
        *(
            f'<tr><td><span class="error-code">{_e(row["code"])}</span> {_e(row["what"])}</td>'
            f'<td class="num">{row["count"]:,}</td><td>{_e(row["action"])}</td></tr>'
            for row in failures["by_code"]
        ),
        "</tbody>",
        "</table>",
        "<h3>The documents</h3>",
        '<table class="failures-list">',
        '<thead><tr><th scope="col">Document</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>',
        "<tbody>",
    ]
    for item in failures["items"][:PAGE_FAILURES]:
        where = item.get("location") or ""
        parts.append(
            f"<tr><td>{_link(item['title'], item.get('url'))}"
            + (f'<div class="piece-meta">{_e(str(where))}</div>' if where and where != item["title"] else "")
            + f'</td><td><span class="error-code">{_e(item["code"])}</span></td><td>{_e(item["message"])}</td></tr>'
        )
    parts += ["</tbody>", "</table>"]
    hidden = failures["count"] - min(len(failures["items"]), PAGE_FAILURES)
    if hidden > 0:
        parts.append(f'<p class="muted">…and {hidden:,} more: every one is in results.jsonl.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _run_section(summary: Mapping[str, Any]) -> str:
    run = summary["run"]
    rows: list[tuple[str, str]] = []
    if run.get("sources"):
        sources = run["sources"]
        rows.append(("Sources", ", ".join(map(str, sources)) if isinstance(sources, list) else str(sources)))
    if run.get("model"):
        rows.append(("Model", str(run["model"])))
    for key, name in (("started", "Started"), ("finished", "Finished")):
        if run.get(key):
            moment = _datetime(run[key])
            rows.append((name, moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else str(run[key])))
    if isinstance(run.get("duration_seconds"), int | float):
        rows.append(("Duration", _duration(float(run["duration_seconds"]))))
    if run.get("jobs"):
        rows.append(("Parallel jobs", str(run["jobs"])))
    if run.get("cluster"):
        rows.append(("Cluster", str(run["cluster"])))
    if isinstance(run.get("resumed"), int) and run["resumed"]:
        rows.append(("Carried over from an earlier run", f"{run['resumed']:,} documents"))
    totals = summary["totals"]
    rows.append(("Words analyzed", f"{totals['words']:,}"))
    if totals["analyzed"]:
        rows.append(("Uncertain labels", f"{totals['uncertain']:,} (the model was under 60% sure: worth a read)"))
    return "\n".join(
        [
            '<section class="card" id="run" aria-labelledby="run-title">',
            '<h2 id="run-title">About this audit</h2>',
            '<dl class="run">',
            *(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in rows),
            "</dl>",
            '<p class="muted">Every figure on this page is also in summary.json; every document\'s result is in '
            "results.jsonl.</p>",
            "</section>",
        ]
    )


# Small text helpers


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _link(text: str, url: Any) -> str:
    """The text, as a link only when the URL is http(s): never javascript:, data: or a file path."""
    if isinstance(url, str):
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return f'<a href="{_e(url.strip())}" rel="noopener noreferrer nofollow">{_e(text)}</a>'
    return _e(text)


def _placeholders(rewrite: str) -> str:
    """The escaped rewrite with its [bracketed] parts marked (brackets never contain markup once escaped)."""
    return _PLACEHOLDER.sub(lambda m: f"<mark>{m.group(0)}</mark>", _e(rewrite))


def _chip(label: Any) -> str:
    name = str(label)
    css = name if name in LABELS else ""
    return f'<span class="chip {css}">{_e(name)}</span>'


def _pct(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{round(100 * share)}%"


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(value: Any) -> str:
    moment = _datetime(value)
    return moment.date().isoformat() if moment else ""


def _audited(run: Mapping[str, Any]) -> str:
    day = _day(run.get("finished") or run.get("started"))
    return f", audited {day}" if day else ""


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
