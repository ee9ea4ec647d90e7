"""HTTP for sitemap audits: polite, bounded fetching (timeouts, retries, redirects) that obeys robots.txt.

Every request names us (`USER_AGENT`) so robots.txt rules for `messaging-analyzer` apply; a
response is read up to the size limit and no further, and within its deadline; robots.txt is
read once per origin. Connections go to public addresses only unless the settings allow more
(`network`), and no URL carries a user name or password.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from analyzer import __version__
from analyzer.audit.sources.document import FETCH_ERROR, REFUSED_ERROR, ROBOTS_ERROR
from analyzer.audit.sources.network import (
    AddressPolicy,
    AddressRefusedError,
    DeadlineExceededError,
    IPNetwork,
    guarded_transport,
    request_deadline,
)
from analyzer.errors import TooLargeError

#: Product token and version first, so robots.txt rules for `messaging-analyzer` match us.
USER_AGENT = f"messaging-analyzer/{__version__} (batch content audit; python-httpx/{httpx.__version__})"

#: robots.txt is read up to this size, as RFC 9309 allows (and the rest ignored).
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How a sitemap's pages are fetched: politely, in bounded parallel, and never forever."""

    #: Requests in flight at once, robots.txt and sitemaps included.
    concurrency: int = 4
    connect_timeout: float = 10.0
    #: Longest silence while waiting for a response or its next bytes.
    read_timeout: float = 30.0
    #: Longest one request may take, connection, headers and body (against servers that trickle bytes).
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
    #: Fetch from loopback, private, link-local and reserved addresses too (an intranet audit).
    #: Off, a sitemap cannot point the audit at this machine or its network.
    allow_private_addresses: bool = False
    #: Non-public networks that may be fetched all the same: an intranet audit that may reach its
    #: CMS's network (`ip_network("10.20.0.0/16")`) but not the rest (a cloud's metadata service).
    allowed_networks: tuple[IPNetwork, ...] = ()

    @property
    def address_policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private_addresses, self.allowed_networks)


DEFAULT_FETCH = FetchSettings()


def http_url(loc: str, base: str) -> str | None:
    """`loc` as an absolute http(s) URL with a host (relative to `base` when that is a URL), else None.

    A user name and password (`http://user:pass@host/`) are dropped: a sitemap's URLs are fetched
    without credentials, and none is written into the results.
    """
    try:
        url = urljoin(base, loc) if base.startswith(("http://", "https://")) else loc
        split = urlsplit(url)
        if split.scheme not in ("http", "https") or not split.hostname:
            return None
        netloc = split.netloc.rpartition("@")[2]
        return urlunsplit(split._replace(netloc=netloc)) if netloc != split.netloc else url
    except ValueError:  # a malformed URL, such as an unclosed IPv6 bracket or a port out of range
        return None


class FetchError(Exception):
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


class Fetcher:
    """GETs with the audit's manners: our user agent, robots.txt, a bound on requests in flight,
    retries with backoff, redirects checked hop by hop, and bodies cut off at a size limit."""

    def __init__(self, settings: FetchSettings, robots: RobotsCache) -> None:
        self.settings = settings
        self.robots = robots
        # Every request, from any thread, takes a slot: the bound holds for pages, sitemaps and robots.txt alike.
        self.slots = threading.BoundedSemaphore(settings.concurrency)
        limits = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            transport=guarded_transport(settings.address_policy, limits),
            follow_redirects=False,  # followed by hand, so each hop is checked against robots.txt
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, max_bytes: int, *, check_robots: bool = True, truncate: bool = False) -> _Response:
        """The body of `url` after redirects; `FetchError` says why not."""
        for _hop in range(self.settings.max_redirects + 1):
            checked = http_url(url, base="")
            if checked is None:
                raise FetchError(f"redirected to {url!r}, which is not an http(s) URL.")
            url = checked
            if check_robots and not self.robots.allowed(url, self):
                raise FetchError("disallowed by robots.txt; not fetched.", ROBOTS_ERROR)
            attempt = self._with_retries(url, max_bytes, truncate)
            if attempt.location is None:
                return _Response(attempt.data or b"", attempt.media_type)
            try:
                url = urljoin(url, attempt.location)
            except ValueError:
                raise FetchError(f"redirected to {attempt.location!r}, which is not a URL.") from None
        raise FetchError(f"more than {self.settings.max_redirects} redirects.")

    def _with_retries(self, url: str, max_bytes: int, truncate: bool) -> _Attempt:
        settings = self.settings
        for tries in range(1, settings.retries + 2):
            last_try = tries > settings.retries
            try:
                with self.slots:
                    attempt = self._once(url, max_bytes, truncate)
            except AddressRefusedError as refused:
                raise FetchError(refused.reason, REFUSED_ERROR) from None
            except DeadlineExceededError:
                raise FetchError(f"the response took over {settings.total_timeout:g} s; cut off.") from None
            except _RETRYABLE_ERRORS as exc:
                if last_try:
                    raise FetchError(f"{_describe(exc)} ({tries} attempts).") from None
                time.sleep(self._backoff(tries))
                continue
            except httpx.TimeoutException:
                raise FetchError(f"no answer within {settings.read_timeout:g} s (timed out).") from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                raise FetchError(f"{_describe(exc)}.") from None
            if attempt.status == 429 or attempt.status >= 500:
                if last_try:
                    raise FetchError(f"HTTP {attempt.status} ({tries} attempts).", status=attempt.status)
                time.sleep(self._retry_after(attempt.retry_after) or self._backoff(tries))
                continue
            if attempt.status in _REDIRECTS and attempt.location:
                return attempt
            if not 200 <= attempt.status < 300:
                raise FetchError(f"HTTP {attempt.status}.", status=attempt.status)
            return attempt
        raise AssertionError("unreachable: the last try returns or raises")

    def _once(self, url: str, max_bytes: int, truncate: bool) -> _Attempt:
        with request_deadline(self.settings.total_timeout), self.client.stream("GET", url) as response:
            if not 200 <= response.status_code < 300:
                return _Attempt(
                    response.status_code,
                    location=response.headers.get("location"),
                    retry_after=response.headers.get("retry-after"),
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise FetchError(
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
                    raise FetchError(
                        f"the response is over the limit of {max_bytes:,} bytes; cut off.", TooLargeError.code
                    )
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


class RobotsCache:
    """robots.txt per origin, fetched once (by whichever thread needs it first), as RFC 9309 says:

    - 2xx: its rules, for our product token `messaging-analyzer`;
    - 4xx (no robots.txt): everything is allowed;
    - 5xx, a timeout or no connection, after retries: nothing is fetched from that origin, and
      its pages say why. A server that cannot answer for its rules has not allowed anything,
      and one under stress is the last one to crawl;
    - an address the audit may not connect to: its pages are refused for that reason.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.origins: dict[str, _OriginRules] = {}

    def allowed(self, url: str, fetcher: Fetcher) -> bool:
        split = urlsplit(url)
        origin = f"{split.scheme}://{split.netloc}"
        with self.lock:
            rules = self.origins.setdefault(origin, _OriginRules())
        with rules.lock:
            if rules.parser is None and rules.unavailable is None:
                self._load(origin, rules, fetcher)
        if rules.unavailable is not None:
            if rules.unavailable.code == REFUSED_ERROR:
                raise FetchError(rules.unavailable.reason, REFUSED_ERROR)
            raise FetchError(
                f"robots.txt of {origin} could not be read ({rules.unavailable.reason.rstrip('.')}); "
                "not fetched, to be safe.",
                ROBOTS_ERROR,
            )
        assert rules.parser is not None
        return rules.parser.can_fetch(fetcher.settings.user_agent, url)

    @staticmethod
    def _load(origin: str, rules: _OriginRules, fetcher: Fetcher) -> None:
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            body = fetcher.get(origin + "/robots.txt", ROBOTS_MAX_BYTES, check_robots=False, truncate=True).data
            parser.parse(body.decode("utf-8", "replace").splitlines())
        except FetchError as failure:
            if failure.status is not None and 400 <= failure.status < 500:
                parser.parse([])  # no rules: everything allowed
            else:
                rules.unavailable = failure
                return
        rules.parser = parser


class _OriginRules:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parser: RobotFileParser | None = None
        self.unavailable: FetchError | None = None
