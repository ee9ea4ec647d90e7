"""Where an audit's documents come from: folders, CMS exports and sitemaps, as `SourceDocument`s.

Reading is cheap and happens here, in the audit's main process; extraction and analysis are
the expensive part and happen in the workers, from the raw bytes each `SourceDocument` carries.
A document that cannot be read or fetched is not an exception that stops the audit: it is a
`SourceDocument` with an `error`, which becomes a result line of its own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import TooLargeError
from analyzer.extract import DEFAULT_LIMITS, Limits

#: Extensions a folder audit reads; anything else in the folder is skipped, not failed.
FOLDER_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
#: Error codes of documents that never reached extraction.
READ_ERROR = "read_failed"
FETCH_ERROR = "fetch_failed"


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


def iter_documents(sources: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """Every document of every source, in a stable order."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from iter_folder(path, source, limits)
        else:
            raise NotImplementedError(source)


def iter_folder(root: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """The supported files under `root`, recursively, sorted; hidden files and folders skipped.

    Symbolic links are not followed, so an audit never wanders outside the folder it was given.
    """
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            if name.startswith(".") or path.suffix.lower() not in FOLDER_EXTENSIONS or path.is_symlink():
                continue
            relative = path.relative_to(root).as_posix()
            section = relative.split("/", 1)[0] if "/" in relative else ""
            yield _read_file(path, source, relative, section, limits)


def _read_file(path: Path, source: str, relative: str, section: str, limits: Limits) -> SourceDocument:
    def document(data: bytes | None, error: str | None = None, code: str | None = None) -> SourceDocument:
        return SourceDocument(source, relative, str(path), section, path.name, data, error, code)

    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            too_large = f"{path} is {size:,} bytes, over the limit of {limits.max_bytes:,}."
            return document(None, too_large, TooLargeError.code)
        return document(path.read_bytes())
    except OSError as exc:
        return document(None, f"cannot read {path}: {exc.strerror}.", READ_ERROR)
