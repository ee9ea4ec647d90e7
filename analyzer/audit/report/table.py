"""The table of every document: one compact row each, weakest first, sortable and filterable.

Rows are rendered as the records stream past and spooled to one temporary file per score band
(0-9, 10-19, ..., failed last), so the table costs no memory per document and comes out
weakest first without a sort. The first `PAGE_ROWS` rows are the table in report.html; the
rest are continuation pages `docs/documents-2.html`, ... with the same table; rows are copied
from the spool into the pages as they are written. The table reads
without script; `table.js` (inlined, allowed by its hash) adds sorting and filters.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

from analyzer.audit.identity import PAGES_DIR, display_title, doc_type_of
from analyzer.audit.report.page import asset, head, tail
from analyzer.audit.report.words import (
    ELEMENT_NAMES,
    capital,
    escape,
    fields,
    first_alternative,
    placeholders,
    plural,
    shorten,
    verdict,
)
from analyzer.files import new_file
from analyzer.labels import LABELS, RUBRIC_ELEMENTS

#: Rows per table page: report.html holds the first page.
PAGE_ROWS: Final = 5_000
#: A rewrite is shown in the table up to this many characters (whole on the document's page).
SUGGESTION_CHARS: Final = 160
BANDS: Final = 11  # ten score bands, then the failed documents
#: The link prefix of rows, for report.html; continuation pages sit beside the documents' pages.
_HREF: Final = f'href="{PAGES_DIR}/'


def continuation_name(number: int) -> str:
    return f"documents-{number}.html"


def row(record: Mapping[str, Any], name: str) -> tuple[int, str]:
    """(band, the `<tr>` on one line) of a record whose page is `name`: band 0-9 by score, 10 for
    a failure. The spool is read back line by line, so a line break in a title or a message
    becomes a space (HTML shows it as one anyway)."""
    band, html = _row(record, name)
    return band, html.replace("\r", " ").replace("\n", " ") + "\n"


def _row(record: Mapping[str, Any], name: str) -> tuple[int, str]:
    title = escape(display_title(record))
    doc_type, inferred = doc_type_of(record)
    kind = escape(doc_type or "")
    type_cell = f"{kind}<small> inferred</small>" if inferred else kind
    link = f'<a {_HREF}{name}">{title}</a>'
    label = record.get("label")
    if record.get("error") or label not in LABELS:
        error = fields(record.get("error"))
        code, message = (
            escape(str(error.get("code") or "failed")),
            escape(shorten(str(error.get("message") or ""), 160)),
        )
        return BANDS - 1, (
            f'<tr data-l="failed" data-t="{kind}" data-m=""><td>{link}</td><td>{type_cell}</td>'
            f'<td><span class="chip failed">failed</span></td><td class="num" data-v="-1">\u2013</td><td></td>'
            f'<td><span class="error-code">{code}</span> {message}</td></tr>'
        )
    score = min(100, max(0, int(record.get("case_for_change_score") or 0)))
    present = record.get("rubric") or {}
    missing = [element for element in RUBRIC_ELEMENTS if not present.get(element)]
    rewrite = first_alternative(record.get("suggestion"))
    mixed = ' data-x="mixed"' if record.get("mixed") else ""
    return min(score // 10, BANDS - 2), (
        f'<tr data-l="{escape(str(label))}"{mixed} data-t="{kind}" data-m="{" ".join(missing)}">'
        f"<td>{link}</td><td>{type_cell}</td><td>{verdict(label, record.get('mixed'), record.get('scores'))}</td>"
        f'<td class="num" data-v="{score}">{score}</td>'
        f"<td>{_missing(missing)}</td>"
        f"<td><span>{placeholders(shorten(rewrite['text'], SUGGESTION_CHARS)) if rewrite else ''}</span></td></tr>"
    )


def _missing(elements: list[str]) -> str:
    if len(elements) == len(RUBRIC_ELEMENTS):
        return "all three"
    return escape(", ".join(ELEMENT_NAMES[e].removeprefix("the ") for e in elements))


class DocumentsTable:
    """Rows spooled by band as records stream past; then the table's pages, weakest first."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.rows = 0
        self.types: set[str] = set()
        self._stack = contextlib.ExitStack()
        self._bands: list[IO[str]] = [
            self._stack.enter_context((workdir / f"band-{k:02d}.html").open("w+", encoding="utf-8", newline="\n"))
            for k in range(BANDS)
        ]

    def __enter__(self) -> DocumentsTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def add(self, record: Mapping[str, Any], name: str) -> None:
        """Spool the row of `record`, whose page is `name`."""
        band, html = row(record, name)
        self._bands[band].write(html)
        self.rows += 1
        doc_type = doc_type_of(record)[0]
        if doc_type and len(self.types) < 200:  # the type filter's choices
            self.types.add(doc_type)

    @property
    def pages(self) -> int:
        return max(1, -(-self.rows // PAGE_ROWS))

    def _lines(self) -> Iterator[str]:
        for band in self._bands:
            band.flush()
            band.seek(0)
            yield from band

    def write_pages(self, report: IO[str], docs: Path) -> None:
        """The table's first page into `report` (report.html, where the caller is writing), the
        other pages into `docs`; rows are copied from the spool, never all held in memory."""
        lines = self._lines()
        self._write_section(report, 1, lines, in_docs=False)
        script = asset("table.js")
        for number in range(2, self.pages + 1):
            with new_file(docs / continuation_name(number)) as page:
                page.write(head(f"Content audit: all documents, page {number}", asset("report.css"), script=script))
                page.write(
                    '\n<header class="top"><h1>All documents</h1>\n'
                    '<p><a href="../report.html">Back to the report</a></p></header>\n<main>\n'
                )
                self._write_section(page, number, lines, in_docs=True)
                page.write("</main>\n" + tail(script))

    def _write_section(self, out: IO[str], number: int, lines: Iterator[str], *, in_docs: bool) -> None:
        first, last = (number - 1) * PAGE_ROWS + 1, min(number * PAGE_ROWS, self.rows)
        opening = [
            '<section class="card" id="documents" aria-labelledby="documents-title">',
            '<h2 id="documents-title">All documents</h2>',
            f"<p>{self._span(first, last)} Each title opens the document's page: its sentences, what "
            "answers each question of a case for change, and its rewrites.</p>",
            self._pager(number, in_docs),
            *self._controls(),
            '<table class="documents" id="documents-table">',
            "<thead><tr>"
            '<th scope="col" data-sort="text">Document</th>'
            '<th scope="col" data-sort="text">Type</th>'
            '<th scope="col" data-sort="text">Message</th>'
            '<th scope="col" data-sort="number" class="num">Score</th>'
            '<th scope="col" data-sort="text">Missing</th>'
            '<th scope="col" data-sort="text">Best rewrite</th>'
            "</tr></thead>",
            "<tbody>",
        ]
        out.write("\n".join(part for part in opening if part) + "\n")
        for _ in range(last - first + 1):
            line = next(lines)
            # on pages in docs/, rows link beside them (the prefix is ours, never a document's text)
            out.write(line.replace(_HREF, 'href="', 1) if in_docs else line)
        closing = ["</tbody>", "</table>", self._pager(number, in_docs), "</section>"]
        out.write("\n".join(part for part in closing if part) + "\n")

    def _span(self, first: int, last: int) -> str:
        if self.rows == 0:
            return "No documents."
        if self.pages == 1:
            return f"{plural(self.rows, 'document')}, weakest first."
        return (
            f"Documents {first:,}\u2013{last:,} of {self.rows:,}, weakest first "
            "(sorting and filters apply to this page)."
        )

    def _pager(self, number: int, in_docs: bool) -> str:
        if self.pages == 1:
            return ""

        def href(k: int) -> str:
            if k == 1:
                return "../report.html#documents" if in_docs else "#documents"
            return continuation_name(k) if in_docs else f"{PAGES_DIR}/{continuation_name(k)}"

        links = [
            f"<strong>{k}</strong>" if k == number else f'<a href="{href(k)}">{k}</a>' for k in range(1, self.pages + 1)
        ]
        return f'<nav class="pager" aria-label="Pages of the documents table">Pages: {" ".join(links)}</nav>'

    def _controls(self) -> list[str]:
        """The filters: hidden until the script shows them, so a page without script shows none."""
        labels = "".join(f'<option value="{label}">{label}</option>' for label in LABELS)
        types = "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in sorted(self.types))
        missing = "".join(f'<option value="{e}">{escape(capital(ELEMENT_NAMES[e]))}</option>' for e in RUBRIC_ELEMENTS)
        return [
            '<div class="filters" id="documents-filters" hidden>',
            '<label>Find <input type="search" id="filter-text" placeholder="title, type or rewrite"></label>',
            '<label>Message <select id="filter-label"><option value="">any</option>'
            f'{labels}<option value="mixed">mixed</option><option value="failed">failed</option></select></label>',
            f'<label>Type <select id="filter-type"><option value="">any</option>{types}</select></label>',
            f'<label>Missing <select id="filter-missing"><option value="">anything</option>{missing}</select></label>',
            '<output id="filter-count" aria-live="polite"></output>',
            "</div>",
        ]


def spool(out_dir: Path) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder in the output folder for the table's band files."""
    return tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-")
