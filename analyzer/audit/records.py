"""One document's result line, results.jsonl as it grows, and results.csv.

A record never raises: a document that cannot be read, extracted or analyzed is a record with
an `error`. `results.jsonl` is appended line by line (and read back on `--resume`, where a line
cut short by a kill is dropped); `results.csv` is the same records flattened, with every text
cell that a spreadsheet would run as a formula made inert.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.audit.sources import READ_ERROR, SourceDocument, printable
from analyzer.errors import AnalyzerError
from analyzer.files import atomic_writer, open_output
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.text.extract import DEFAULT_LIMITS, Limits, extract

RESULTS_FILE: Final = "results.jsonl"
RESULTS_CSV: Final = "results.csv"
#: Seconds between fsyncs of results.jsonl (each line is flushed to the OS as it is written).
FSYNC_EVERY: Final = 5.0
#: The error code of an unexpected exception while analyzing one document.
ANALYSIS_FAILED: Final = "analysis_failed"

#: An audit keeps one suggestion per document, the editor's first target: the parser reads one
#: sentence. Company news gets none unless the audit is run with --include-news.
AUDIT_OPTIONS: Final = AnalyzeOptions(sentences=False, explanations=False, suggestions=True, max_suggestions=1)
#: The fields that say which document a record is about, in record order.
IDENTITY_FIELDS: Final = ("key", "source", "id", "location", "section", "title", "url", "doc_type", "published")
_SUGGESTION_FIELDS: Final = ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain")


def identity(document: SourceDocument) -> dict[str, Any]:
    """The fields every record starts with, failed or not."""
    return {
        "key": document.key,
        "source": document.source,
        "id": document.id,
        "location": document.location,
        "section": document.section,
        "title": document.title,
        "url": document.url,
        "doc_type": document.doc_type,
        "published": document.published,
    }


def error_record(document: SourceDocument, code: str, message: str, model: str) -> dict[str, Any]:
    """The record of a document that could not be read, extracted or analyzed."""
    return {
        **identity(document),
        "words": None,
        "label": None,
        "scores": None,
        "confidence": None,
        "uncertain": None,
        "mixed": None,
        "case_for_change_score": None,
        "rubric": None,
        "suggestion": None,
        "model": model,
        "error": {"code": code, "message": message},
    }


def analysis_record(document: SourceDocument, analysis: Analysis, words: int) -> dict[str, Any]:
    """The record of an analyzed document: its label, scores, rubric and best suggestion."""
    best = analysis.suggestions[0] if analysis.suggestions else None
    rubric = analysis.rubric
    return {
        **identity(document),
        "title": analysis.title,  # the source's title, else the extracted one
        "words": words,
        "label": analysis.label,
        "scores": analysis.scores,
        "confidence": analysis.confidence,
        "uncertain": analysis.uncertain,
        "mixed": analysis.mixed,
        "case_for_change_score": analysis.case_for_change_score,
        "rubric": {name: getattr(rubric, name).present for name in RUBRIC_ELEMENTS},
        "suggestion": {name: getattr(best, name) for name in _SUGGESTION_FIELDS} if best else None,
        "model": f"{analysis.model.name}@{analysis.model.version}",
        "error": None,
    }


def audit_record(
    document: SourceDocument,
    analyzer: Analyzer,
    limits: Limits = DEFAULT_LIMITS,
    options: AnalyzeOptions = AUDIT_OPTIONS,
) -> dict[str, Any]:
    """One document's record; never raises: a failure becomes a record with an `error`."""
    model = f"{analyzer.model.name}@{analyzer.model.version}"
    if document.data is None:
        reason = document.error or "the source gave no content for this document."
        return error_record(document, document.error_code or READ_ERROR, reason, model)
    try:
        extracted = extract(document.data, document.filename, document.media_type, limits)
        analysis = analyzer.analyze(extracted, source=document.location, title=document.title, options=options)
    except AnalyzerError as exc:
        return error_record(document, exc.code, exc.message, model)
    except Exception as exc:  # one bad document must never stop the audit
        message = f"unexpected {type(exc).__name__} while analyzing: {exc}. This is a bug: please report it."
        return error_record(document, ANALYSIS_FAILED, message, model)
    return analysis_record(document, analysis, len(extracted.text.split()))


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One JSON line. A lone surrogate (a file name that is not UTF-8) is written as its JSON
    escape, so the line stays valid UTF-8 and reads back to the same string."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


def printable_record(value: Any) -> Any:
    """A record (or any part of one) with every lone surrogate in its strings as U+FFFD.

    results.jsonl keeps a file name that is not UTF-8 as it is, so `--resume` finds its
    document again; what people read (results.csv, the report) gets text that can be written,
    so one such record, even one an older version wrote, never stops the report.
    """
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {key: printable_record(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable_record(item) for item in value]
    return value


@dataclass
class Existing:
    """What a previous run left in results.jsonl."""

    keys: set[str] = field(default_factory=set)
    failed: int = 0
    #: Incomplete or unreadable lines dropped (a SIGKILL mid-write leaves one at the end).
    dropped: int = 0


def read_existing(path: Path) -> Existing:
    """The keys done in `path`, repairing the file so that it holds only complete, unique lines.

    A truncated last line is cut off in place; anything wrong further up (which our writer
    never leaves) is dropped by rewriting the file.
    """
    existing = Existing()
    good_end = 0  # the offset after the last good line
    bad_before_good = False
    with open(open_output(path, os.O_RDWR), "rb") as handle:
        offset = 0
        for line in handle:
            offset += len(line)
            record = _parse_line(line)
            if record is None or record["key"] in existing.keys:
                existing.dropped += 1
                continue
            if existing.dropped:
                bad_before_good = True
            existing.keys.add(record["key"])
            existing.failed += record.get("error") is not None
            good_end = offset
        if existing.dropped and not bad_before_good:
            os.ftruncate(handle.fileno(), good_end)
    if bad_before_good:
        rewrite_lines(path, lambda record: True)
    return existing


def _parse_line(line: bytes) -> dict[str, Any] | None:
    if not line.endswith(b"\n"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("key"), str):
        return None
    return record


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The complete records of a results file, in file order."""
    with open(open_output(path, os.O_RDONLY), "rb") as handle:
        for line in handle:
            record = _parse_line(line)
            if record is not None:
                yield record


def rewrite_lines(path: Path, keep: Callable[[dict[str, Any]], bool]) -> None:
    """Rewrite `path` with the first complete line of each key that `keep` accepts, atomically."""
    seen: set[str] = set()
    with atomic_writer(path, "wb") as out:
        for record in iter_records(path):
            if record["key"] not in seen and keep(record):
                seen.add(record["key"])
                out.write(encode_record(record))


class ResultsWriter:
    """Appends whole lines to results.jsonl; each write reaches the OS before the next chunk.

    The file descriptor is unbuffered, so a SIGKILL loses nothing that `write` returned from.
    When a write fails (disk full), the file is cut back to its last complete line. A link or
    anything but a regular file in its place is refused (`open_output`).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = open_output(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        self._size = os.fstat(self._fd).st_size
        self._synced_at = time.monotonic()

    def write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise
        self._size += len(data)
        if time.monotonic() - self._synced_at > FSYNC_EVERY:
            os.fsync(self._fd)
            self._synced_at = time.monotonic()

    def close(self) -> None:
        try:
            os.fsync(self._fd)
        finally:
            os.close(self._fd)


#: results.csv: one row per record, the nested fields flattened.
CSV_COLUMNS: Final = (
    *IDENTITY_FIELDS,
    "words",
    "label",
    *(f"score_{label.replace('-', '_')}" for label in LABELS),
    "confidence",
    "uncertain",
    "mixed",
    "case_for_change_score",
    *RUBRIC_ELEMENTS,
    *(f"suggestion_{name}" for name in _SUGGESTION_FIELDS),
    "model",
    "error_code",
    "error_message",
)
#: A cell starting with one of these is a formula to a spreadsheet; a title from the web must
#: not run as one, so such cells get a leading apostrophe (OWASP's advice for CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """The CSV cells of a record, in `CSV_COLUMNS` order."""
    scores = record.get("scores") or {}
    rubric = record.get("rubric") or {}
    suggestion = record.get("suggestion") or {}
    error = record.get("error") or {}
    values = [
        *(record.get(name) for name in IDENTITY_FIELDS),
        record.get("words"),
        record.get("label"),
        *(scores.get(label) for label in LABELS),
        record.get("confidence"),
        record.get("uncertain"),
        record.get("mixed"),
        record.get("case_for_change_score"),
        *(rubric.get(name) for name in RUBRIC_ELEMENTS),
        *(suggestion.get(name) for name in _SUGGESTION_FIELDS),
        record.get("model"),
        error.get("code"),
        error.get("message"),
    ]
    return [_cell(value) for value in values]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)
