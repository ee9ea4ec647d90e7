"""How a result is named to people: its title, where it lives, its type, and its page's file name.

Every surface of an audit (messages in results.jsonl, summary.json, the report, the document
pages, compare.json) names a document the same way, from the fields of its record alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

#: Folder of the document pages in an audit's output folder.
PAGES_DIR: Final = "docs"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_LINE_SUFFIX = re.compile(r":(\d+)$")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def is_web_url(value: Any) -> bool:
    """An absolute http(s) URL with a host: the only kind of URL a page ever links to."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def describe(source: str, doc_id: str, location: str, url: str | None) -> str:
    """Where a person finds a document, for messages: the file, the page's URL, or the export
    and its row (`cms.csv line 17`, or `https://x/a (cms.csv, id 42)` for a row with a URL).

    A folder's file is its path; a sitemap's page its URL; an export row or a WordPress item
    names the export, since the URL it lists may not be where the text came from.
    """
    if is_web_url(location):
        if doc_id == location:
            return location
        return f"{location} ({Path(source).name}, id {doc_id})"
    line = _LINE_SUFFIX.search(location)
    if line and location.startswith(source) and location[len(source) :] == line.group(0):
        return f"{Path(source).name} line {line.group(1)}"
    return location


def display_title(record: Mapping[str, Any]) -> str:
    """The record's title, else its id or location (a document always has a name on the page)."""
    title = record.get("title") or record.get("id") or record.get("location") or "(untitled)"
    return str(title)


def doc_type_of(record: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(type, inferred): the source's type, else the one inferred from its path or content."""
    given = record.get("doc_type")
    if given:
        return str(given), False
    inferred = record.get("inferred_type")
    return (str(inferred), True) if inferred else (None, False)


def local_file(record: Mapping[str, Any]) -> str | None:
    """The path of the file a record was read from, when it was a file of a folder or a file
    given on its own (not an export row, a WordPress item or a web page)."""
    source, location = record.get("source"), record.get("location")
    if not isinstance(source, str) or not isinstance(location, str) or is_web_url(location):
        return None
    if location == source or location.startswith(source.rstrip("/") + "/"):
        return location
    return None


def page_name(record: Mapping[str, Any]) -> str:
    """The file name of a record's page in `docs/`: readable (from its id), unique (from its key),
    and safe whatever the id holds (letters, digits and dashes only)."""
    key = str(record.get("key") or "")
    if not re.fullmatch(r"[0-9a-f]{12,}", key):  # a hand-made record: a key from its identity
        key = hashlib.sha256(f"{record.get('source')}\0{record.get('id')}".encode("utf-8", "replace")).hexdigest()
    name = _EXTENSION.sub("", str(record.get("id") or ""))
    slug = _UNSAFE.sub("-", name).strip("-").lower()[-48:].strip("-")
    return f"{slug}-{key[:12]}.html" if slug else f"{key[:12]}.html"


def identity(record: Mapping[str, Any]) -> dict[str, Any]:
    """Where a person finds the document, as summary.json and compare.json list it."""
    doc_type, inferred = doc_type_of(record)
    return {
        "key": record.get("key"),
        "id": record.get("id"),
        "title": display_title(record),
        "url": record.get("url"),
        "location": record.get("location"),
        "source": record.get("source"),
        "section": record.get("section") or "",
        "doc_type": doc_type,
        "doc_type_inferred": inferred,
        "published": record.get("published"),
        "page": f"{PAGES_DIR}/{page_name(record)}",
    }
