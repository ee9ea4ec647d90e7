"""Where an audit's documents come from: folders, CMS exports and sitemaps, as `SourceDocument`s.

Reading is cheap and happens here, in the audit's main process; extraction and analysis are
the expensive part and happen in the workers, from the raw bytes each `SourceDocument` carries.
A document that cannot be read or fetched is not an exception that stops the audit: it is a
`SourceDocument` with an `error`, which becomes a result line of its own. A SOURCE argument
that cannot be audited at all (missing, of no supported kind, a malformed export header) is an
`InputError` raised by `iter_documents` before the first document is read.

Every source is streamed: a folder is walked, an export read row by row, an XML file parsed
element by element, and a sitemap's pages fetched a few at a time, so a library of any size
costs the memory of a handful of documents.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import random
import re
import stat
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, Literal, Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx
from lxml import etree

from analyzer import __version__
from analyzer.errors import InputError, TooLargeError, UndecodableError, UnsupportedFormatError
from analyzer.text.extract import DEFAULT_LIMITS, Limits

#: Extensions a folder audit reads; anything else in the folder is skipped, not failed.
FOLDER_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
CSV_EXTENSIONS = frozenset({".csv"})
#: The csv module's own field limit (128 KiB), kept when documents are allowed fewer bytes.
CSV_DEFAULT_FIELD_LIMIT = 131_072
#: Error codes of documents that never reached extraction. A row or page that breaks the
#: export's schema uses `InputError.code`, one over a size limit `TooLargeError.code`.
READ_ERROR = "read_failed"
FETCH_ERROR = "fetch_failed"
ROBOTS_ERROR = "robots_disallowed"
INVALID_ERROR = InputError.code

#: Product token and version first, so robots.txt rules for `messaging-analyzer` match us.
USER_AGENT = f"messaging-analyzer/{__version__} (batch content audit; python-httpx/{httpx.__version__})"
#: WordPress export namespaces are versioned (`http://wordpress.org/export/1.2/`).
WXR_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
#: WordPress post types an audit reads, and the doc_type each becomes.
WXR_DOC_TYPES = {"post": "blog", "page": "page"}
#: robots.txt is read up to this size, as RFC 9309 allows (and the rest ignored).
ROBOTS_MAX_BYTES = 500 * 1024
#: A gzipped WordPress export may unpack to this much (exports of big sites run to gigabytes).
WXR_MAX_UNPACKED_BYTES = 20_000_000_000
_WXR_NAMESPACE = re.compile(r"http://wordpress\.org/export/[0-9.]+/")


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document of a library, read but not yet extracted."""

    #: The SOURCE argument it came from (a folder, an export file, a sitemap), for grouping.
    source: str
    #: Stable within the source: the path under the folder, the export row's id, the page URL.
    id: str
    #: Where a person finds it: a file path, `export.csv:17`, a URL.
    location: str
    #: The folder under the root, or the first segment of a URL path; "" at the top level.
    section: str
    #: The name whose extension tells `extract` the format (`page.html`, `row-17.txt`).
    filename: str
    #: The raw document; None when it could not be read (then `error` says why).
    data: bytes | None
    #: Why it could not be read or fetched, and the error code that goes with it (E011: too large).
    error: str | None = None
    error_code: str | None = None
    title: str | None = None
    url: str | None = None
    doc_type: str | None = None
    #: ISO date (YYYY-MM-DD) when the source knows it.
    published: str | None = None
    #: A media type the source declared (an HTTP Content-Type), which beats the extension.
    media_type: str | None = None

    @property
    def key(self) -> str:
        """The content hash an audit's results are keyed by: the same bytes at the same place.

        The place is part of the key so that two pages with the same text are two results, and
        an edited document is analyzed again on `--resume`.
        """
        digest = hashlib.sha256()
        for part in (self.source, self.id):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(self.data if self.data is not None else b"\0error\0" + (self.error or "").encode())
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How a sitemap's pages are fetched: politely, in bounded parallel, and never forever."""

    #: Requests in flight at once, robots.txt and sitemaps included.
    concurrency: int = 4
    connect_timeout: float = 10.0
    #: Longest silence while waiting for a response or its next bytes.
    read_timeout: float = 30.0
    #: Longest one response may take from request to last byte (against slow-drip servers).
    total_timeout: float = 120.0
    #: Retries after the first attempt, on connection errors, 429 and 5xx.
    retries: int = 3
    #: The first retry waits about this long, each next one twice as long (x0.5-1.5 jitter).
    backoff: float = 1.0
    max_backoff: float = 30.0
    #: A server's Retry-After is honoured up to this many seconds.
    max_retry_after: float = 60.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    #: Sitemap indexes nested deeper than this are not followed.
    max_sitemap_depth: int = 3
    #: URLs (pages and child sitemaps) one sitemap SOURCE may list; past that, one error record.
    max_urls: int = 50_000
    #: One sitemap file, uncompressed (the sitemap protocol's own limit is 50 MB).
    max_sitemap_bytes: int = 50_000_000


DEFAULT_FETCH = FetchSettings()
SourceKind = Literal["folder", "file", "jsonl", "csv", "wxr", "sitemap-file", "sitemap-url"]


def iter_documents(
    sources: Sequence[str], limits: Limits = DEFAULT_LIMITS, *, fetch: FetchSettings = DEFAULT_FETCH
) -> Iterator[SourceDocument]:
    """Every document of every source, in a stable order, read lazily.

    Each SOURCE is checked first (it exists, is of a kind we read, its header is sound; a
    sitemap URL's sitemap is fetched), so an unusable argument raises `InputError` before
    any document is read; after that, bad documents are records with an `error`.
    """
    robots = _RobotsCache()
    readers = [(source, _open_source(source, limits, fetch, robots)) for source in sources]

    def documents() -> Iterator[SourceDocument]:
        for source, reader in readers:
            try:
                yield from reader()
            except (OSError, UnicodeDecodeError) as exc:  # the disk failed or the file changed under us
                reason = f"reading {source} stopped ({exc}); the documents after that point are not read."
                yield SourceDocument(source, source, source, "", Path(source).name, None, reason, READ_ERROR)

    return documents()


def source_kind(source: str) -> SourceKind:
    """What kind of source an argument is, from its form and, for XML, its root element."""
    if source.startswith(("http://", "https://")):
        return "sitemap-url"
    path = Path(source)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise InputError(
            f"{source}: no such file or folder. Give a folder, an export (.jsonl, .csv, .xml) or a sitemap."
        )
    if not path.is_file():
        raise UnsupportedFormatError(f"{source} is not a regular file or folder.")
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        return "jsonl"
    if suffix in CSV_EXTENSIONS:
        return "csv"
    if suffix in FOLDER_EXTENSIONS:
        return "file"
    with _open_maybe_gzip(path, DEFAULT_FETCH.max_sitemap_bytes) as stream:
        root = _xml_root(stream, source)
    if root.localname == "rss" and any(ns.startswith(WXR_NAMESPACE_PREFIX) for ns in root.namespaces):
        return "wxr"
    if root.localname in ("urlset", "sitemapindex"):
        return "sitemap-file"
    raise UnsupportedFormatError(
        f"{source} is XML with a <{root.localname}> root: neither a WordPress export (WXR) nor a sitemap."
    )


def _open_source(
    source: str, limits: Limits, fetch: FetchSettings, robots: _RobotsCache
) -> Callable[[], Iterator[SourceDocument]]:
    """Check one SOURCE now; return what reads its documents later."""
    try:
        return _check_source(source, limits, fetch, robots)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}.") from None


def _check_source(
    source: str, limits: Limits, fetch: FetchSettings, robots: _RobotsCache
) -> Callable[[], Iterator[SourceDocument]]:
    kind = source_kind(source)
    path = Path(source)
    if kind == "folder":
        os.scandir(path).close()  # a folder we may not list is an unreadable SOURCE
        return lambda: iter_folder(path, source, limits)
    if kind == "file":
        return lambda: iter_file(path, source, limits)
    if kind == "jsonl":
        _check_jsonl(path, source, limits)
        return lambda: iter_jsonl(path, source, limits)
    if kind == "csv":
        _check_csv(path, source)
        return lambda: iter_csv(path, source, limits)
    if kind == "wxr":
        return lambda: iter_wxr(path, source, limits)
    if kind == "sitemap-file":
        return lambda: iter_sitemap(source, limits, fetch, robots=robots)
    root = _fetch_root_sitemap(source, fetch, robots)
    return lambda: iter_sitemap(source, limits, fetch, robots=robots, root=root)


# Folders and single files ---------------------------------------------------------------------


def iter_folder(root: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """The supported files under `root`, recursively, sorted; hidden files and folders skipped.

    A folder's files come before its subfolders'. Symbolic links, FIFOs and devices are never
    opened, so an audit neither wanders outside the folder it was given nor blocks on a pipe.
    An unreadable subfolder is a record with an error.
    """
    for path, error in _walk(root):
        relative = path.relative_to(root).as_posix()
        if error is None:
            yield _read_file(path, source, relative, _folder_section(relative), limits)
        else:
            yield SourceDocument(
                source,
                relative + "/",
                str(path),
                _folder_section(relative + "/x"),
                path.name,
                None,
                f"cannot read the folder {path}: {error.strerror}.",
                READ_ERROR,
            )


def count_documents(sources: Sequence[str]) -> int | None:
    """How many documents the sources hold, when that costs only a walk over folder names
    (None for exports and sitemaps): an estimate for a progress bar, never for results."""
    total = 0
    for source in sources:
        root = Path(source)
        if not root.is_dir():
            return None
        total += sum(error is None for _, error in _walk(root))
    return total


def _walk(root: Path) -> Iterator[tuple[Path, OSError | None]]:
    """The files `iter_folder` reads, in its order, and each folder it cannot list (with why).

    Hidden names are skipped; symbolic links, FIFOs and devices are never followed or listed.
    """
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            yield directory, exc
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and Path(entry.name).suffix.lower() in FOLDER_EXTENSIONS:
                yield Path(entry.path), None
        pending.extend(reversed(subfolders))


def iter_file(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """One document given on its own (`analyzer audit post.md`)."""
    yield _read_file(path, source, path.name, "", limits)


def _folder_section(relative: str) -> str:
    return relative.split("/", 1)[0] if "/" in relative else ""


def _read_file(path: Path, source: str, relative: str, section: str, limits: Limits) -> SourceDocument:
    def document(data: bytes | None, error: str | None = None, code: str | None = None) -> SourceDocument:
        return SourceDocument(source, relative, str(path), section, path.name, data, error, code)

    try:
        # O_NOFOLLOW, O_NONBLOCK: a file swapped for a link or a FIFO since the walk is refused, not waited on.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return document(None, f"{path} is not a regular file.", READ_ERROR)
            if info.st_size > limits.max_bytes:
                return document(None, _too_large(str(path), info.st_size, limits), TooLargeError.code)
            data = file.read(limits.max_bytes + 1)
    except OSError as exc:
        return document(None, f"cannot read {path}: {exc.strerror or exc}.", READ_ERROR)
    if len(data) > limits.max_bytes:  # it grew while we read it
        return document(None, _too_large(str(path), len(data), limits), TooLargeError.code)
    return document(data)


def _too_large(what: str, size: int, limits: Limits) -> str:
    return f"{what} is {size:,} bytes, over the limit of {limits.max_bytes:,}."


# CMS exports: JSONL and CSV -------------------------------------------------------------------


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


def _check_jsonl(path: Path, source: str, limits: Limits) -> None:
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


def _check_csv(path: Path, source: str) -> None:
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
        row_id = str(row_id).strip() if row_id is not None else ""
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
            filename=_safe_filename(doc_id) + extension,
            data=None if too_large else data,
            error=_too_large(f"{self.path.name}:{line}", len(data), self.limits) if too_large else None,
            error_code=TooLargeError.code if too_large else None,
            title=fields["title"] or None,
            url=url,
            doc_type=fields["doc_type"] or None,
            published=normalize_date(fields["published"]),
        )


def _safe_filename(name: str) -> str:
    """A name safe to use as a file name (ids come from anywhere); its extension is added after."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100] or "document"


# Dates and sections ---------------------------------------------------------------------------


def normalize_date(value: str | None) -> str | None:
    """YYYY-MM-DD from an ISO 8601 or RFC 2822 date (WXR's `pubDate`), else None.

    The date is the one written, in its own time zone: a post published at 23:30 in New York
    was published that day there.
    """
    text = (value or "").strip()
    if not text or text.startswith("0000"):  # WordPress's "no date" for drafts
        return None
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            return parse(text).date().isoformat()
        except (ValueError, TypeError, IndexError, OverflowError):
            continue
    return None


def url_section(url: str) -> str:
    """The first folder of a URL's path: `/blog/launch` is in `blog`; `/pricing/` is at the top level ("")."""
    try:
        segments = urlsplit(url).path.strip("/").split("/")
    except ValueError:  # an export's url can be anything, an unclosed IPv6 bracket included
        return ""
    return unquote(segments[0]) if len(segments) > 1 else ""


# XML: WordPress exports and sitemap files -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _XmlRoot:
    localname: str
    namespaces: tuple[str, ...]


def _iterparse(stream: _Readable, name: str) -> Iterator[tuple[str, Any]]:
    """lxml's streaming parser, hardened: no entities, no network, no DTD at all, no huge trees.

    Sitemaps and WordPress exports never declare a DTD, so any DOCTYPE is refused at once:
    that stops billion-laughs and external-entity documents before a single entity exists.
    """
    events = etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    first = True
    for event, element in events:
        if first:
            docinfo = element.getroottree().docinfo
            if docinfo.doctype or docinfo.internalDTD is not None:
                raise InputError(
                    f"{name} declares a DTD (<!DOCTYPE ...>), which sitemaps and exports never need; refused."
                )
            first = False
        yield event, element


def _xml_root(stream: _Readable, name: str) -> _XmlRoot:
    try:
        for _event, element in _iterparse(stream, name):
            return _XmlRoot(etree.QName(element).localname, tuple(ns for ns in element.nsmap.values() if ns))
    except etree.XMLSyntaxError as exc:
        raise UnsupportedFormatError(
            f"{name} is not a folder, a JSONL or CSV export, or well-formed XML ({exc})."
        ) from None
    raise UnsupportedFormatError(f"{name} is empty.")


def _release(element: Any) -> None:
    """Free an element handled by a streaming parse, and its handled siblings."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def iter_wxr(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """Published posts and pages of a WordPress export (WXR), streamed item by item.

    Attachments, revisions, menu items and custom post types are not collateral and are
    skipped; so are drafts, pending, private, scheduled and trashed items: an audit measures
    what readers can read (`analyzer check` is the tool for drafts).
    """
    name = path.name
    try:
        with _open_maybe_gzip(path, WXR_MAX_UNPACKED_BYTES) as stream:
            depth = 0
            for event, element in _iterparse(stream, source):
                depth += 1 if event == "start" else -1
                if event != "end":
                    continue
                if etree.QName(element).localname == "item" and not etree.QName(element).namespace:
                    document = _wxr_document(element, path, source, limits)
                    _release(element)
                    if document is not None:
                        yield document
                elif depth == 2:  # the channel's other children (authors, terms): not needed
                    _release(element)
    except etree.XMLSyntaxError as exc:
        reason = f"{name} is not well-formed XML at line {exc.lineno} ({exc.msg}); the items after it are not read."
        yield SourceDocument(
            source, f"{name}:{exc.lineno}", f"{path}:{exc.lineno}", "", name, None, reason, INVALID_ERROR
        )
    except (InputError, OSError, EOFError, zlib.error) as exc:  # a gzipped export that is corrupt or too big
        reason = f"{name} could not be read to the end ({exc}); the items after that point are not read."
        code = exc.code if isinstance(exc, InputError) else READ_ERROR
        yield SourceDocument(source, name, str(path), "", name, None, reason, code)


def _wxr_document(item: Any, path: Path, source: str, limits: Limits) -> SourceDocument | None:
    fields: dict[str, str] = {}
    for child in item:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        qname = etree.QName(child)
        namespace = qname.namespace or ""
        prefix = "wp:" if _WXR_NAMESPACE.fullmatch(namespace) else ""
        prefix = "content:" if namespace == CONTENT_NAMESPACE else prefix
        if prefix or not namespace:
            fields.setdefault(prefix + qname.localname, (child.text or "").strip())
    post_type = fields.get("wp:post_type", "")
    if post_type not in WXR_DOC_TYPES or fields.get("wp:status", "publish") != "publish":
        return None
    post_id = fields.get("wp:post_id") or f"{path.name}:{item.sourceline}"
    link = fields.get("link") or None
    data = _wordpress_paragraphs(fields.get("content:encoded", "")).encode("utf-8", "surrogatepass")
    too_large = len(data) > limits.max_bytes
    return SourceDocument(
        source=source,
        id=post_id,
        location=link or f"{path}:{item.sourceline}",
        section=url_section(link) if link else "",
        filename=_safe_filename(post_id) + ".html",
        data=None if too_large else data,
        error=_too_large(f"post {post_id}", len(data), limits) if too_large else None,
        error_code=TooLargeError.code if too_large else None,
        title=fields.get("title") or None,
        url=link,
        doc_type=WXR_DOC_TYPES[post_type],
        published=normalize_date(fields.get("wp:post_date")) or normalize_date(fields.get("pubDate")),
    )


_BLOCK_START = re.compile(r"<(p|div|h[1-6]|ul|ol|li|table|blockquote|pre|figure|section|hr|!--)[\s>/]", re.I)


def _wordpress_paragraphs(html: str) -> str:
    """Classic WordPress content marks paragraphs with blank lines, and adds the `<p>`s only when
    it renders (wpautop); without them a page's paragraphs would run together."""
    if re.search(r"<p[\s>]", html, re.I):
        return html
    chunks = (chunk.strip() for chunk in re.split(r"\n\s*\n", html))
    return "\n".join(chunk if _BLOCK_START.match(chunk) else f"<p>{chunk}</p>" for chunk in chunks if chunk)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _CappedGzip:
    """A gzip file read on the fly that refuses to unpack past `limit` bytes (a gzip bomb stops there)."""

    def __init__(self, file: IO[bytes], limit: int, name: str) -> None:
        self.file = file
        self.unpacked = gzip.GzipFile(fileobj=file)
        self.remaining = limit
        self.limit = limit
        self.name = name

    def read(self, size: int = -1, /) -> bytes:
        data = self.unpacked.read(self.remaining + 1 if size < 0 else min(size, self.remaining + 1))
        self.remaining -= len(data)
        if self.remaining < 0:
            raise TooLargeError(f"{self.name} unpacks to over {self.limit:,} bytes; refused.")
        return data

    def __enter__(self) -> _CappedGzip:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.unpacked.close()
        self.file.close()


@contextmanager
def _open_maybe_gzip(path: Path, limit: int) -> Iterator[_Readable]:
    """The file, gunzipped on the fly when it is gzip (`sitemap.xml.gz`), and then capped at `limit`."""
    with path.open("rb") as file:
        gzipped = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        if not gzipped:
            yield file
            return
        with _CappedGzip(file, limit, str(path)) as stream:
            yield stream


def _gunzip(data: bytes, limit: int, name: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        unpacked = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"{name} is not valid gzip ({exc}).") from None
    if len(unpacked) > limit:
        raise TooLargeError(f"{name} unpacks to over {limit:,} bytes; refused.")
    return unpacked


# Sitemaps -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RootSitemap:
    """A sitemap URL's sitemap, fetched when the SOURCE was checked."""

    url: str
    data: bytes


def iter_sitemap(
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    fetch: FetchSettings = DEFAULT_FETCH,
    *,
    robots: _RobotsCache | None = None,
    root: _RootSitemap | None = None,
) -> Iterator[SourceDocument]:
    """The pages a sitemap (a file, or a URL already fetched as `root`) lists, fetched over HTTP.

    Pages are fetched `fetch.concurrency` at a time and yielded in the sitemap's order. The
    fetching uses a synchronous httpx client shared by a thread pool rather than an async
    client: `iter_documents` is a plain generator that the runner pulls from, and a thread
    pool lets it hand out finished pages while others download, with no event loop to own
    across `yield`s. The work is network waits, which threads do well despite the GIL.
    """
    fetcher = _Fetcher(fetch, robots or _RobotsCache())
    walk = _SitemapWalk(source, fetcher, fetch)
    entries = walk.from_url(root.url, root.data) if root else walk.from_file(Path(source))
    pool = ThreadPoolExecutor(max_workers=fetch.concurrency, thread_name_prefix="sitemap-fetch")
    window: deque[Future[SourceDocument] | SourceDocument] = deque()
    try:
        for entry in entries:
            if isinstance(entry, str):
                window.append(pool.submit(_fetch_page, fetcher, entry, source, limits))
            else:
                window.append(entry)
            # A few pages wait behind those downloading; each is handed out once it and all before it are done.
            while window and (len(window) > 2 * fetch.concurrency or _ready(window[0])):
                yield _result(window.popleft())
        while window:
            yield _result(window.popleft())
    finally:
        entries.close()
        pool.shutdown(wait=True, cancel_futures=True)
        fetcher.close()


def _ready(item: Future[SourceDocument] | SourceDocument) -> bool:
    return not isinstance(item, Future) or item.done()


def _result(item: Future[SourceDocument] | SourceDocument) -> SourceDocument:
    return item.result() if isinstance(item, Future) else item


def _fetch_page(fetcher: _Fetcher, url: str, source: str, limits: Limits) -> SourceDocument:
    filename = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2]) or "index"
    page = {"source": source, "id": url, "location": url, "section": url_section(url), "filename": filename, "url": url}
    try:
        response = fetcher.get(url, limits.max_bytes)
    except _FetchError as failure:
        return SourceDocument(**page, data=None, error=f"{url}: {failure.reason}", error_code=failure.code)
    return SourceDocument(**page, data=response.data, media_type=response.media_type)


class _SitemapWalk:
    """Reads sitemaps and sitemap indexes depth-first, yielding page URLs in order, each once,
    and records with an error for the sitemaps that fail."""

    def __init__(self, source: str, fetcher: _Fetcher, settings: FetchSettings) -> None:
        self.source = source
        self.fetcher = fetcher
        self.settings = settings
        self.seen_pages: set[str] = set()
        self.seen_sitemaps: set[str] = set()
        #: Distinct page and child-sitemap URLs met so far, against `max_urls`.
        self.listed = 0
        self.truncated = False

    def from_file(self, path: Path) -> Generator[str | SourceDocument, None, None]:
        with _open_maybe_gzip(path, self.settings.max_sitemap_bytes) as stream:
            yield from self._entries(stream, str(path), str(path), depth=0)

    def from_url(self, url: str, data: bytes) -> Generator[str | SourceDocument, None, None]:
        self.seen_sitemaps.add(_without_fragment(url))
        yield from self._entries(io.BytesIO(data), url, url, depth=0)

    def _entries(self, stream: _Readable, name: str, location: str, depth: int) -> Iterator[str | SourceDocument]:
        try:
            for kind, loc in _sitemap_locs(stream, name):
                if self.truncated:
                    return
                url = _http_url(loc, base=location)
                if url is None:
                    yield self._error(loc, f"{name} lists {loc!r}, which is not an http(s) URL.", INVALID_ERROR)
                    continue
                seen = self.seen_sitemaps if kind == "sitemap" else self.seen_pages
                if _without_fragment(url) in seen:
                    continue
                if self.listed >= self.settings.max_urls:
                    self.truncated = True
                    yield self._error(
                        name,
                        f"{self.source} lists more than {self.settings.max_urls:,} URLs (pages and sitemaps); "
                        "the rest are not audited (FetchSettings.max_urls).",
                        INVALID_ERROR,
                    )
                    return
                seen.add(_without_fragment(url))
                self.listed += 1
                if kind == "sitemap":
                    yield from self._child(url, name, depth + 1)
                else:
                    yield url
        except (etree.XMLSyntaxError, InputError, OSError, EOFError, zlib.error) as exc:
            reason = exc.message if isinstance(exc, InputError) else f"not well-formed XML or gzip ({exc})"
            yield self._error(location, f"{name}: {reason}; the URLs after that point are not read.", INVALID_ERROR)

    def _child(self, url: str, parent: str, depth: int) -> Iterator[str | SourceDocument]:
        if depth > self.settings.max_sitemap_depth:
            message = (
                f"{parent} nests sitemap indexes deeper than {self.settings.max_sitemap_depth}; {url} is not read."
            )
            yield self._error(url, message, INVALID_ERROR)
            return
        try:
            data = _gunzip(
                self.fetcher.get(url, self.settings.max_sitemap_bytes).data, self.settings.max_sitemap_bytes, url
            )
        except _FetchError as failure:
            yield self._error(url, f"sitemap {url}: {failure.reason}", failure.code)
            return
        except InputError as exc:
            yield self._error(url, exc.message, exc.code)
            return
        yield from self._entries(io.BytesIO(data), url, url, depth)

    def _error(self, where: str, message: str, code: str) -> SourceDocument:
        return SourceDocument(self.source, where, where, "", "sitemap.xml", None, message, code)


def _sitemap_locs(stream: _Readable, name: str) -> Iterator[tuple[Literal["page", "sitemap"], str]]:
    """(kind, URL) for each `<url><loc>` (a page) and `<sitemap><loc>` (a child sitemap), streamed."""
    for event, element in _iterparse(stream, name):
        if event != "end":
            continue
        localname = etree.QName(element).localname
        if localname in ("url", "sitemap"):
            loc = next((child.text for child in element if etree.QName(child).localname == "loc"), None)
            _release(element)
            if loc and loc.strip():
                yield ("page" if localname == "url" else "sitemap"), loc.strip()


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def _http_url(loc: str, base: str) -> str | None:
    """`loc` as an absolute http(s) URL with a host (relative to `base` when that is a URL), else None."""
    try:
        url = urljoin(base, loc) if base.startswith(("http://", "https://")) else loc
        split = urlsplit(url)
    except ValueError:  # a malformed URL, such as an unclosed IPv6 bracket
        return None
    return url if split.scheme in ("http", "https") and split.hostname else None


def _fetch_root_sitemap(url: str, settings: FetchSettings, robots: _RobotsCache) -> _RootSitemap:
    """Fetch a sitemap URL given as a SOURCE: failing here is a bad argument, not a bad page."""
    if _http_url(url, base="") is None:
        raise InputError(f"{url} is not an http(s) URL with a host.")
    fetcher = _Fetcher(settings, robots)
    try:
        data = _gunzip(fetcher.get(url, settings.max_sitemap_bytes).data, settings.max_sitemap_bytes, url)
    except _FetchError as failure:
        raise InputError(f"cannot fetch the sitemap {url}: {failure.reason}") from None
    finally:
        fetcher.close()
    root = _xml_root(io.BytesIO(data), url)
    if root.localname not in ("urlset", "sitemapindex"):
        raise UnsupportedFormatError(f"{url} is not a sitemap (its root element is <{root.localname}>).")
    return _RootSitemap(url, data)


# HTTP -----------------------------------------------------------------------------------------


class _FetchError(Exception):
    """Why a URL gave no document; becomes a record's `error`."""

    def __init__(self, reason: str, code: str = FETCH_ERROR, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status


@dataclass(frozen=True, slots=True)
class _Response:
    data: bytes
    media_type: str | None


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What one request gave: a body (2xx), a redirect target, or a status to retry or refuse."""

    status: int
    data: bytes | None = None
    media_type: str | None = None
    location: str | None = None
    retry_after: str | None = None


#: Failures worth trying again: the connection, not the server's answer, went wrong. A read
#: timeout is not among them: a server too slow once is usually as slow the next time.
_RETRYABLE_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.PoolTimeout,
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _Fetcher:
    """GETs with the audit's manners: our user agent, robots.txt, a bound on requests in flight,
    retries with backoff, redirects checked hop by hop, and bodies cut off at a size limit."""

    def __init__(self, settings: FetchSettings, robots: _RobotsCache) -> None:
        self.settings = settings
        self.robots = robots
        # Every request, from any thread, takes a slot: the bound holds for pages, sitemaps and robots.txt alike.
        self.slots = threading.BoundedSemaphore(settings.concurrency)
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency),
            follow_redirects=False,  # followed by hand, so each hop is checked against robots.txt
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, max_bytes: int, *, check_robots: bool = True, truncate: bool = False) -> _Response:
        """The body of `url` after redirects; `_FetchError` says why not."""
        for _hop in range(self.settings.max_redirects + 1):
            if _http_url(url, base="") is None:
                raise _FetchError(f"redirected to {url!r}, which is not an http(s) URL.")
            if check_robots and not self.robots.allowed(url, self):
                raise _FetchError("disallowed by robots.txt; not fetched.", ROBOTS_ERROR)
            attempt = self._with_retries(url, max_bytes, truncate)
            if attempt.location is None:
                return _Response(attempt.data or b"", attempt.media_type)
            try:
                url = urljoin(url, attempt.location)
            except ValueError:
                raise _FetchError(f"redirected to {attempt.location!r}, which is not a URL.") from None
        raise _FetchError(f"more than {self.settings.max_redirects} redirects.")

    def _with_retries(self, url: str, max_bytes: int, truncate: bool) -> _Attempt:
        settings = self.settings
        for tries in range(1, settings.retries + 2):
            last_try = tries > settings.retries
            try:
                with self.slots:
                    attempt = self._once(url, max_bytes, truncate)
            except _RETRYABLE_ERRORS as exc:
                if last_try:
                    raise _FetchError(f"{_describe(exc)} ({tries} attempts).") from None
                time.sleep(self._backoff(tries))
                continue
            except httpx.TimeoutException:
                raise _FetchError(f"no answer within {settings.read_timeout:g} s (timed out).") from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                raise _FetchError(f"{_describe(exc)}.") from None
            if attempt.status == 429 or attempt.status >= 500:
                if last_try:
                    raise _FetchError(f"HTTP {attempt.status} ({tries} attempts).", status=attempt.status)
                time.sleep(self._retry_after(attempt.retry_after) or self._backoff(tries))
                continue
            if attempt.status in _REDIRECTS and attempt.location:
                return attempt
            if not 200 <= attempt.status < 300:
                raise _FetchError(f"HTTP {attempt.status}.", status=attempt.status)
            return attempt
        raise AssertionError("unreachable: the last try returns or raises")

    def _once(self, url: str, max_bytes: int, truncate: bool) -> _Attempt:
        deadline = time.monotonic() + self.settings.total_timeout
        with self.client.stream("GET", url) as response:
            if not 200 <= response.status_code < 300:
                return _Attempt(
                    response.status_code,
                    location=response.headers.get("location"),
                    retry_after=response.headers.get("retry-after"),
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise _FetchError(
                    f"the response is {int(declared):,} bytes, over the limit of {max_bytes:,}; not read.",
                    TooLargeError.code,
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    if truncate:
                        del body[max_bytes:]
                        break
                    raise _FetchError(
                        f"the response is over the limit of {max_bytes:,} bytes; cut off.", TooLargeError.code
                    )
                if time.monotonic() > deadline:
                    raise _FetchError(f"the response took over {self.settings.total_timeout:g} s; cut off.")
            return _Attempt(response.status_code, bytes(body), response.headers.get("content-type"))

    def _backoff(self, tries: int) -> float:
        delay: float = min(self.settings.max_backoff, self.settings.backoff * 2.0 ** (tries - 1))
        return delay * random.uniform(0.5, 1.5)  # jitter: clients that failed together do not retry together

    def _retry_after(self, header: str | None) -> float | None:
        """Seconds a 429 or 503's Retry-After asks for (a number or an HTTP date), capped."""
        if not header:
            return None
        header = header.strip()
        if header.isdigit():
            seconds = float(header)
        else:
            try:
                seconds = float(parsedate_to_datetime(header).timestamp()) - time.time()
            except (ValueError, TypeError, IndexError, OverflowError):
                return None
        return max(0.0, min(seconds, self.settings.max_retry_after))


def _describe(exc: Exception) -> str:
    kinds: dict[type[Exception], str] = {
        httpx.ConnectError: "cannot connect",
        httpx.ConnectTimeout: "connection timed out",
    }
    kind = kinds.get(type(exc))
    return f"{kind or type(exc).__name__}: {exc}" if str(exc) else kind or type(exc).__name__


class _RobotsCache:
    """robots.txt per origin, fetched once (by whichever thread needs it first), as RFC 9309 says:

    - 2xx: its rules, for our product token `messaging-analyzer`;
    - 4xx (no robots.txt): everything is allowed;
    - 5xx, a timeout or no connection, after retries: nothing is fetched from that origin, and
      its pages say why. A server that cannot answer for its rules has not allowed anything,
      and one under stress is the last one to crawl.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.origins: dict[str, _OriginRules] = {}

    def allowed(self, url: str, fetcher: _Fetcher) -> bool:
        split = urlsplit(url)
        origin = f"{split.scheme}://{split.netloc}"
        with self.lock:
            rules = self.origins.setdefault(origin, _OriginRules())
        with rules.lock:
            if rules.parser is None and rules.unavailable is None:
                self._load(origin, rules, fetcher)
        if rules.unavailable is not None:
            raise _FetchError(
                f"robots.txt of {origin} could not be read ({rules.unavailable}); not fetched, to be safe.",
                ROBOTS_ERROR,
            )
        assert rules.parser is not None
        return rules.parser.can_fetch(fetcher.settings.user_agent, url)

    @staticmethod
    def _load(origin: str, rules: _OriginRules, fetcher: _Fetcher) -> None:
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            body = fetcher.get(origin + "/robots.txt", ROBOTS_MAX_BYTES, check_robots=False, truncate=True).data
            parser.parse(body.decode("utf-8", "replace").splitlines())
        except _FetchError as failure:
            if failure.status is not None and 400 <= failure.status < 500:
                parser.parse([])  # no rules: everything allowed
            else:
                rules.unavailable = failure.reason.rstrip(".")
                return
        rules.parser = parser


class _OriginRules:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parser: RobotFileParser | None = None
        self.unavailable: str | None = None
