"""An audit's result files: results.jsonl as it grows and is read back, and results.csv.

`results.jsonl` is appended line by line (and read back on `--resume`, where a line cut short by
a kill is dropped); `results.csv` is the same records flattened, with every text cell that a
spreadsheet would run as a formula made inert. Nothing here imports the analysis, so reading
an audit's results (a report, a comparison) costs no model or parser.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from analyzer.files import atomic_writer, open_output
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.text.extract.layout import printable

RESULTS_FILE: Final = "results.jsonl"
RESULTS_CSV: Final = "results.csv"
#: Seconds between fsyncs of results.jsonl (each line is flushed to the OS as it is written).
FSYNC_EVERY: Final = 5.0
#: The fields that say which document a record is about: its first fields, and results.csv's first columns.
IDENTITY_FIELDS: Final = (
    "key",
    "source",
    "id",
    "location",
    "section",
    "title",
    "url",
    "doc_type",
    "published",
    "inferred_type",
)
_SUGGESTION_FIELDS: Final = ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain")
#: A JSON escape that may be half a surrogate pair: only a line holding one can hold a lone surrogate.
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")


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


def iter_records(path: Path, *, for_people: bool = False) -> Iterator[dict[str, Any]]:
    """The complete records of a results file, in file order; `for_people`: as results.csv and
    the report show them (`printable_record`, walked only for a line holding a surrogate's
    escape: walking every record would cost the report step as much as its pages' escaping)."""
    with open(open_output(path, os.O_RDONLY), "rb") as handle:
        for line in handle:
            record = _parse_line(line)
            if record is None:
                continue
            yield printable_record(record) if for_people and _SURROGATE_ESCAPE.search(line) else record


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
    "mixed",
    *(f"score_{label.replace('-', '_')}" for label in LABELS),
    "confidence",
    "uncertain",
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
        bool(record.get("mixed")) if record.get("label") else None,
        *(scores.get(label) for label in LABELS),
        record.get("confidence"),
        record.get("uncertain"),
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
