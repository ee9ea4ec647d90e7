"""CMS exports: JSONL and CSV, one document a row, read row by row with each row's size bounded."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from analyzer.audit.sources.document import (
    INVALID_ERROR,
    SourceDocument,
    normalize_date,
    too_large_reason,
    url_section,
)
from analyzer.errors import InputError, TooLargeError, UndecodableError
from analyzer.text.extract import DEFAULT_LIMITS, Limits
from analyzer.text.extract.layout import printable

JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
CSV_EXTENSIONS = frozenset({".csv"})
#: The csv module's own field limit (128 KiB), kept when documents are allowed fewer bytes.
CSV_DEFAULT_FIELD_LIMIT = 131_072


def iter_jsonl(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """One document per line of `{"id", "url", "title", "text" or "html", "published", "doc_type"}`.

    A line that is not JSON, not an object, not UTF-8 or too long is a record with an error
    naming its line; the other lines are read as usual.
    """
    rows = _ExportRows(path, source, limits)
    # JSON escapes can take six bytes per character, so a line may be longer than its text.
    max_line = 6 * limits.max_bytes + 65_536
    with path.open("rb") as file:
        for number, line in enumerate(_bounded_lines(file, max_line), start=1):
            if line is None:
                yield rows.error(number, f"line {number} is over {max_line:,} bytes.", TooLargeError.code)
                continue
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield rows.error(
                    number, f"line {number} is not UTF-8 ({exc.reason} at byte {exc.start}).", UndecodableError.code
                )
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                yield rows.error(number, f"line {number} is not valid JSON ({exc.msg}).")
                continue
            if not isinstance(row, dict):
                yield rows.error(number, f"line {number} is a JSON {type(row).__name__}, not an object.")
                continue
            yield rows.document(number, row)


def iter_csv(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """One document per row under a header naming `id`, `url`, `title`, `text` or `html`, ...

    The file is UTF-8 (a byte-order mark is fine), checked before the audit starts. A row over
    the document limit is a record with an error; a field so long that the csv parser gives up
    stops the file with an error record, as where the next row starts cannot then be known.
    """
    # A document's text is one field, so a field as long as a whole document must parse. The
    # limit is the csv module's, for the whole process: set, not raised, so a run is repeatable.
    csv.field_size_limit(max(limits.max_bytes + 1, CSV_DEFAULT_FIELD_LIMIT))
    rows = _ExportRows(path, source, limits)
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = [name.strip().lower() for name in next(reader)]
        line = reader.line_num
        while True:
            start = line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                code = TooLargeError.code if "field limit" in str(exc) else INVALID_ERROR
                yield rows.error(start, f"line {start}: {exc}; the rows after it are not read.", code)
                return
            line = reader.line_num
            if not fields:
                continue
            if len(fields) != len(header):
                yield rows.error(start, f"line {start} has {len(fields)} fields; the header has {len(header)}.")
                continue
            yield rows.document(start, dict(zip(header, fields, strict=True)))


def check_jsonl(path: Path, source: str, limits: Limits) -> None:
    """The first line must be an export row, else the file is not the export it claims to be."""
    with path.open("rb") as file:
        for line in _bounded_lines(file, 6 * limits.max_bytes + 65_536):
            if line is None or line.strip():
                break
        else:
            raise InputError(f"{source} is empty: a JSONL export has one JSON object per line.")
    try:
        first = json.loads((line or b"").decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        first = None
    if not isinstance(first, dict) or not ({"text", "html"} & first.keys()):
        raise InputError(
            f"{source} does not look like a JSONL export: its first line is not a JSON object with "
            '"text" or "html". Give one object per line: {"id", "url", "title", "text" or "html", ...}.'
        )


def check_csv(path: Path, source: str) -> None:
    """UTF-8 throughout (read in chunks) and a header with a `text` or `html` column."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            try:
                decoder.decode(chunk)
                offset += len(chunk)
            except UnicodeDecodeError as exc:
                raise UndecodableError(
                    f"{source} is not UTF-8 ({exc.reason} near byte {offset + exc.start:,}). "
                    "Export it again as CSV UTF-8."
                ) from None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UndecodableError(f"{source} ends in the middle of a UTF-8 character. Export it again.") from None
    with path.open(encoding="utf-8-sig", newline="") as file:
        try:
            header = [name.strip().lower() for name in next(csv.reader(file))]
        except StopIteration:
            raise InputError(f"{source} is empty: a CSV export needs a header row.") from None
        except csv.Error as exc:
            raise InputError(f"{source}: the header row cannot be read as CSV ({exc}).") from None
    if not {"text", "html"} & set(header):
        raise InputError(
            f"{source} has no text or html column (its header: {', '.join(header)[:200]}). "
            "Name the column with the document `text` (plain text) or `html`."
        )


def _bounded_lines(file: IO[bytes], max_line: int) -> Iterator[bytes | None]:
    """The file's lines, each read with at most `max_line` bytes in memory; None for a longer one."""
    while line := file.readline(max_line + 1):
        if len(line) > max_line and not line.endswith(b"\n"):
            while (rest := file.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


class _ExportRows:
    """Turns export rows into documents: ids, file names, dates and sections, the same for JSONL and CSV."""

    def __init__(self, path: Path, source: str, limits: Limits) -> None:
        self.path = path
        self.source = source
        self.limits = limits
        self.first_line_of_id: dict[str, int] = {}

    def error(self, line: int, message: str, code: str = INVALID_ERROR, row_id: str | None = None) -> SourceDocument:
        place = f"{self.path.name}:{line}"
        return SourceDocument(
            self.source,
            row_id or place,
            f"{self.path}:{line}",
            "",
            f"{place}.txt",
            None,
            f"{self.path.name}: {message}",
            code,
        )

    def document(self, line: int, row: Mapping[str, Any]) -> SourceDocument:
        row_id = row.get("id")
        if isinstance(row_id, bool) or not isinstance(row_id, str | int | None):
            return self.error(line, f"line {line}: id must be a string or a number.")
        # Fields that name the document are shown in the report: no lone surrogate may reach it.
        row_id = printable(str(row_id).strip()) if row_id is not None else ""
        if row_id in self.first_line_of_id:
            first = self.first_line_of_id[row_id]
            return self.error(line, f"line {line} repeats the id {row_id!r} of line {first}.")
        if row_id:
            self.first_line_of_id[row_id] = line
        doc_id = row_id or f"{self.path.name}:{line}"
        fields = {name: row.get(name) for name in ("url", "title", "published", "doc_type", "html", "text")}
        for name, value in fields.items():
            if value is not None and not isinstance(value, str):
                return self.error(line, f"line {line}: {name} must be a string.", row_id=row_id or None)
            if name not in ("html", "text") and value is not None:  # the text is cleaned by extraction
                fields[name] = printable(value)
        # HTML keeps the headings that delimit sections, so it wins when a row has both.
        html, text = fields["html"], fields["text"]
        body, extension = (html, ".html") if html else (text, ".txt")
        if body is None:
            return self.error(line, f"line {line} has no text or html.", row_id=row_id or None)
        data = body.encode("utf-8", "surrogatepass")
        url = fields["url"] or None
        too_large = len(data) > self.limits.max_bytes
        return SourceDocument(
            source=self.source,
            id=doc_id,
            location=url or f"{self.path}:{line}",
            section=url_section(url) if url else "",
            filename=safe_filename(doc_id) + extension,
            data=None if too_large else data,
            error=too_large_reason(f"{self.path.name}:{line}", len(data), self.limits) if too_large else None,
            error_code=TooLargeError.code if too_large else None,
            title=fields["title"] or None,
            url=url,
            doc_type=fields["doc_type"] or None,
            published=normalize_date(fields["published"]),
        )


def safe_filename(name: str) -> str:
    """A name safe to use as a file name (ids come from anywhere); its extension is added after."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100] or "document"
