"""XML read element by element (lxml's iterparse), gzipped or not, with the unpacked size capped.

Shared by WordPress exports and sitemap files, which can run to gigabytes.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from lxml import etree

from analyzer.errors import InputError, TooLargeError, UnsupportedFormatError


@dataclass(frozen=True, slots=True)
class _XmlRoot:
    localname: str
    namespaces: tuple[str, ...]


def iterparse(stream: Readable, name: str) -> Iterator[tuple[str, Any]]:
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


def xml_root(stream: Readable, name: str) -> _XmlRoot:
    try:
        for _event, element in iterparse(stream, name):
            return _XmlRoot(etree.QName(element).localname, tuple(ns for ns in element.nsmap.values() if ns))
    except etree.XMLSyntaxError as exc:
        raise UnsupportedFormatError(
            f"{name} is not a folder, a JSONL or CSV export, or well-formed XML ({exc})."
        ) from None
    raise UnsupportedFormatError(f"{name} is empty.")


def release(element: Any) -> None:
    """Free an element handled by a streaming parse, and its handled siblings."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class Readable(Protocol):
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
def open_maybe_gzip(path: Path, limit: int) -> Iterator[Readable]:
    """The file, gunzipped on the fly when it is gzip (`sitemap.xml.gz`), and then capped at `limit`."""
    with path.open("rb") as file:
        gzipped = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        if not gzipped:
            yield file
            return
        with _CappedGzip(file, limit, str(path)) as stream:
            yield stream


def gunzip(data: bytes, limit: int, name: str) -> bytes:
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
