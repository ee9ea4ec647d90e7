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

One module per kind of source: `folder`, `exports` (JSONL and CSV), `wordpress` (WXR) and
`sitemap`; `fetch` is the HTTP client sitemaps use (timeouts, retries, robots.txt), `network`
the sockets under it (public addresses only, a deadline per request), and `xmlstream` the
streamed, size-capped XML both XML sources read. This module tells a SOURCE's
kind and hands it to its reader.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from analyzer.audit.sources.document import (
    FETCH_ERROR,
    INVALID_ERROR,
    READ_ERROR,
    REFUSED_ERROR,
    ROBOTS_ERROR,
    SourceDocument,
    normalize_date,
    url_section,
)
from analyzer.audit.sources.exports import (
    CSV_EXTENSIONS,
    JSONL_EXTENSIONS,
    check_csv,
    check_jsonl,
    iter_csv,
    iter_jsonl,
)
from analyzer.audit.sources.fetch import DEFAULT_FETCH, FetchSettings, RobotsCache
from analyzer.audit.sources.folder import FOLDER_EXTENSIONS, count_documents, iter_file, iter_folder
from analyzer.audit.sources.sitemap import fetch_root_sitemap, iter_sitemap
from analyzer.audit.sources.wordpress import WXR_NAMESPACE_PREFIX, iter_wxr
from analyzer.audit.sources.xmlstream import open_maybe_gzip, xml_root
from analyzer.errors import InputError, UnsupportedFormatError
from analyzer.text.extract import DEFAULT_LIMITS, Limits
from analyzer.text.extract.layout import printable

__all__ = [
    "DEFAULT_FETCH",
    "FETCH_ERROR",
    "INVALID_ERROR",
    "READ_ERROR",
    "REFUSED_ERROR",
    "ROBOTS_ERROR",
    "FetchSettings",
    "SourceDocument",
    "count_documents",
    "iter_documents",
    "normalize_date",
    "printable",
    "source_kind",
    "url_section",
]

SourceKind = Literal["folder", "file", "jsonl", "csv", "wxr", "sitemap-file", "sitemap-url"]


def iter_documents(
    sources: Sequence[str], limits: Limits = DEFAULT_LIMITS, *, fetch: FetchSettings = DEFAULT_FETCH
) -> Iterator[SourceDocument]:
    """Every document of every source, in a stable order, read lazily.

    Each SOURCE is checked first (it exists, is of a kind we read, its header is sound; a
    sitemap URL's sitemap is fetched), so an unusable argument raises `InputError` before
    any document is read; after that, bad documents are records with an `error`.
    """
    robots = RobotsCache()
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
    with open_maybe_gzip(path, DEFAULT_FETCH.max_sitemap_bytes) as stream:
        root = xml_root(stream, source)
    if root.localname == "rss" and any(ns.startswith(WXR_NAMESPACE_PREFIX) for ns in root.namespaces):
        return "wxr"
    if root.localname in ("urlset", "sitemapindex"):
        return "sitemap-file"
    raise UnsupportedFormatError(
        f"{source} is XML with a <{root.localname}> root: neither a WordPress export (WXR) nor a sitemap."
    )


def _open_source(
    source: str, limits: Limits, fetch: FetchSettings, robots: RobotsCache
) -> Callable[[], Iterator[SourceDocument]]:
    """Check one SOURCE now; return what reads its documents later."""
    try:
        return _check_source(source, limits, fetch, robots)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}.") from None


def _check_source(
    source: str, limits: Limits, fetch: FetchSettings, robots: RobotsCache
) -> Callable[[], Iterator[SourceDocument]]:
    kind = source_kind(source)
    path = Path(source)
    if kind == "folder":
        os.scandir(path).close()  # a folder we may not list is an unreadable SOURCE
        return lambda: iter_folder(path, source, limits)
    if kind == "file":
        return lambda: iter_file(path, source, limits)
    if kind == "jsonl":
        check_jsonl(path, source, limits)
        return lambda: iter_jsonl(path, source, limits)
    if kind == "csv":
        check_csv(path, source)
        return lambda: iter_csv(path, source, limits)
    if kind == "wxr":
        return lambda: iter_wxr(path, source, limits)
    if kind == "sitemap-file":
        return lambda: iter_sitemap(source, limits, fetch, robots=robots)
    root = fetch_root_sitemap(source, fetch, robots)
    return lambda: iter_sitemap(source, limits, fetch, robots=robots, root=root)
