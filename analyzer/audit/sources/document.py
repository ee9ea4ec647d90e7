"""One document of a library as a source yields it, read but not yet extracted, and its fields.

A document that cannot be read or fetched is a `SourceDocument` with an `error` and the code
that goes with it, not an exception: it becomes a result line of its own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from analyzer.errors import InputError
from analyzer.text.extract import Limits

#: Error codes of documents that never reached extraction. A row or page that breaks the
#: export's schema uses `InputError.code`, one over a size limit `TooLargeError.code`.
READ_ERROR = "read_failed"
FETCH_ERROR = "fetch_failed"
ROBOTS_ERROR = "robots_disallowed"
#: A URL on a loopback, private, link-local or reserved address, not fetched (`FetchSettings.allow_private_addresses`).
REFUSED_ERROR = "address_refused"
INVALID_ERROR = InputError.code


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


def too_large_reason(what: str, size: int, limits: Limits) -> str:
    return f"{what} is {size:,} bytes, over the limit of {limits.max_bytes:,}."


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
    """The first folder of a URL's path: `/blog/launch` is in `blog`; `/pricing/` is at the top
    level (""). Date folders are not sections: WordPress's `/2024/05/launch/` is at the top level,
    and `/news/2024/05/launch` in `news`."""
    try:
        segments = urlsplit(url).path.strip("/").split("/")
    except ValueError:  # an export's url can be anything, an unclosed IPv6 bracket included
        return ""
    segments = [segment for segment in segments if not _DATE_SEGMENT.fullmatch(segment)]
    return unquote(segments[0]) if len(segments) > 1 else ""


#: A year, a month or a day as a URL folder (`2024`, `05`, `2024-05`, `2024-05-17`).
_DATE_SEGMENT = re.compile(r"(19|20)\d\d(-\d\d){0,2}|\d{1,2}")
