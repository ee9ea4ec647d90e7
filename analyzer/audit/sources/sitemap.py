"""Sitemaps (a file or a URL, gzipped or not, and sitemap indexes): every page fetched and read.

Pages are fetched a few at a time and yielded in sitemap order; a page that cannot be fetched,
or that robots.txt disallows, is a record with an error.
"""

from __future__ import annotations

import io
import zlib
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from lxml import etree

from analyzer.audit.sources.document import INVALID_ERROR, SourceDocument, url_section
from analyzer.audit.sources.fetch import DEFAULT_FETCH, Fetcher, FetchError, FetchSettings, RobotsCache, http_url
from analyzer.audit.sources.xmlstream import Readable, gunzip, iterparse, open_maybe_gzip, release, xml_root
from analyzer.errors import InputError, UnsupportedFormatError
from analyzer.text.extract import DEFAULT_LIMITS, Limits


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
    robots: RobotsCache | None = None,
    root: _RootSitemap | None = None,
) -> Iterator[SourceDocument]:
    """The pages a sitemap (a file, or a URL already fetched as `root`) lists, fetched over HTTP.

    Pages are fetched `fetch.concurrency` at a time and yielded in the sitemap's order. The
    fetching uses a synchronous httpx client shared by a thread pool rather than an async
    client: `iter_documents` is a plain generator that the runner pulls from, and a thread
    pool lets it hand out finished pages while others download, with no event loop to own
    across `yield`s. The work is network waits, which threads do well despite the GIL.
    """
    fetcher = Fetcher(fetch, robots or RobotsCache())
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


def _fetch_page(fetcher: Fetcher, url: str, source: str, limits: Limits) -> SourceDocument:
    filename = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2]) or "index"
    page = {"source": source, "id": url, "location": url, "section": url_section(url), "filename": filename, "url": url}
    try:
        response = fetcher.get(url, limits.max_bytes)
    except FetchError as failure:
        return SourceDocument(**page, data=None, error=f"{url}: {failure.reason}", error_code=failure.code)
    return SourceDocument(**page, data=response.data, media_type=response.media_type)


class _SitemapWalk:
    """Reads sitemaps and sitemap indexes depth-first, yielding page URLs in order, each once,
    and records with an error for the sitemaps that fail."""

    def __init__(self, source: str, fetcher: Fetcher, settings: FetchSettings) -> None:
        self.source = source
        self.fetcher = fetcher
        self.settings = settings
        self.seen_pages: set[str] = set()
        self.seen_sitemaps: set[str] = set()
        #: Distinct page and child-sitemap URLs met so far, against `max_urls`.
        self.listed = 0
        self.truncated = False

    def from_file(self, path: Path) -> Generator[str | SourceDocument, None, None]:
        with open_maybe_gzip(path, self.settings.max_sitemap_bytes) as stream:
            yield from self._entries(stream, str(path), str(path), depth=0)

    def from_url(self, url: str, data: bytes) -> Generator[str | SourceDocument, None, None]:
        self.seen_sitemaps.add(_without_fragment(url))
        yield from self._entries(io.BytesIO(data), url, url, depth=0)

    def _entries(self, stream: Readable, name: str, location: str, depth: int) -> Iterator[str | SourceDocument]:
        try:
            for kind, loc in _sitemap_locs(stream, name):
                if self.truncated:
                    return
                url = http_url(loc, base=location)
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
            data = gunzip(
                self.fetcher.get(url, self.settings.max_sitemap_bytes).data, self.settings.max_sitemap_bytes, url
            )
        except FetchError as failure:
            yield self._error(url, f"sitemap {url}: {failure.reason}", failure.code)
            return
        except InputError as exc:
            yield self._error(url, exc.message, exc.code)
            return
        yield from self._entries(io.BytesIO(data), url, url, depth)

    def _error(self, where: str, message: str, code: str) -> SourceDocument:
        return SourceDocument(self.source, where, where, "", "sitemap.xml", None, message, code)


def _sitemap_locs(stream: Readable, name: str) -> Iterator[tuple[Literal["page", "sitemap"], str]]:
    """(kind, URL) for each `<url><loc>` (a page) and `<sitemap><loc>` (a child sitemap), streamed."""
    for event, element in iterparse(stream, name):
        if event != "end":
            continue
        localname = etree.QName(element).localname
        if localname in ("url", "sitemap"):
            loc = next((child.text for child in element if etree.QName(child).localname == "loc"), None)
            release(element)
            if loc and loc.strip():
                yield ("page" if localname == "url" else "sitemap"), loc.strip()


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def fetch_root_sitemap(url: str, settings: FetchSettings, robots: RobotsCache) -> _RootSitemap:
    """Fetch a sitemap URL given as a SOURCE: failing here is a bad argument, not a bad page."""
    checked = http_url(url, base="")
    if checked is None:
        raise InputError(f"{url} is not an http(s) URL with a host.")
    if checked != url:  # the message leaves out what was dropped: it may be a password
        raise InputError(
            f"{checked} was given with a user name or password, which an audit never sends (nor writes into "
            "its results). Give the sitemap's URL without them."
        )
    fetcher = Fetcher(settings, robots)
    try:
        data = gunzip(fetcher.get(url, settings.max_sitemap_bytes).data, settings.max_sitemap_bytes, url)
    except FetchError as failure:
        raise InputError(f"cannot fetch the sitemap {url}: {failure.reason}") from None
    finally:
        fetcher.close()
    root = xml_root(io.BytesIO(data), url)
    if root.localname not in ("urlset", "sitemapindex"):
        raise UnsupportedFormatError(f"{url} is not a sitemap (its root element is <{root.localname}>).")
    return _RootSitemap(url, data)
