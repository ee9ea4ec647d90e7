"""The audit report: `summary.json`, `report.html`, a page per document in `docs/`, `compare.json`.

The page is read by a marketing lead, not an engineer: headline findings in plain words first,
the trends since an earlier audit, the charts, the pieces to fix first, every document in a
sortable table, and what could not be analyzed. Each document's title opens its own page: its
sentences by message, the rubric's evidence, its rewrites. Every page is self-contained (inline
styles, SVG charts, one hashed inline script for the table) under a Content-Security-Policy that
forbids loading anything, and every string from a document is escaped.

Everything is written in one pass over the records, in memory that does not grow with their
number: the figures are counted (`audit/summary.py`), the table's rows spooled to files, each
document's page written as its record goes by, and an earlier audit matched in SQLite
(`audit/compare.py`). The pages go into a new folder that replaces `docs/` at the end; the
other files are written to temporary files and moved into place, so a crash never leaves half
a report (report.html is moved into place just before docs/, so for a moment it may link to
pages of the run before). `html.py` is the main page, `table.py` the documents table, `document.py` a
document's page, `trends.py` the comparison, `charts.py` the charts, `page.py` what they share.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from analyzer.audit.compare import COMPARE_FILE, comparing
from analyzer.audit.identity import PAGES_DIR, page_name
from analyzer.audit.report.document import DocumentPages
from analyzer.audit.report.html import page_parts
from analyzer.audit.report.table import DocumentsTable, spool
from analyzer.audit.summary import Summary
from analyzer.files import atomic_writer, replaced_directory, write_atomically

SUMMARY_FILE: Final = "summary.json"
REPORT_FILE: Final = "report.html"


@dataclass(frozen=True)
class ReportOutcome:
    """What a report pass wrote, for the command's closing line."""

    summary: dict[str, Any]
    #: compare.json's figures, when the audit was compared with an earlier one.
    compare: dict[str, Any] | None
    pages: int


def write_report(
    records: Iterable[Mapping[str, Any]],
    out_dir: Path,
    run: Mapping[str, Any],
    *,
    compare_with: Path | None = None,
    each: Callable[[Mapping[str, Any]], None] | None = None,
) -> ReportOutcome:
    """Write the report of `records` (read once, in order) into `out_dir`.

    `compare_with`: an earlier audit's folder, to write compare.json and the trends section
    (without it, an older compare.json is removed so it never disagrees with the report).
    `each` is called with every record as it goes by (the runner writes results.csv with it).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        spool(out_dir) as workdir,
        comparing(compare_with, out_dir, Path(workdir)) as comparison,
        replaced_directory(out_dir / PAGES_DIR) as staging,
        DocumentsTable(Path(workdir)) as table,
    ):
        summary, pages = Summary(), DocumentPages(staging, out_dir / PAGES_DIR)
        for record in records:
            if each is not None:
                each(record)
            summary.add(record)
            name = page_name(record)
            table.add(record, name)
            pages.add(record, name)
            if comparison is not None:
                comparison.add(record)
        figures = summary.figures(run)
        finished = run.get("finished") or run.get("started")
        trends = comparison.figures(finished) if comparison is not None else None
        before, after = page_parts(figures, trends=trends)
        with atomic_writer(out_dir / REPORT_FILE, "w", encoding="utf-8") as page:
            page.write(before)
            table.write_pages(page, staging)
            page.write(after)
    write_atomically(out_dir / SUMMARY_FILE, json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    if trends is not None:
        write_atomically(out_dir / COMPARE_FILE, json.dumps(trends, ensure_ascii=False, indent=2) + "\n")
    else:
        (out_dir / COMPARE_FILE).unlink(missing_ok=True)
    return ReportOutcome(figures, trends, pages.written)
