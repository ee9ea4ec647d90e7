"""Folders and single files: a folder walked in a stable order, every supported file under it read.

Files of other kinds are skipped, not failed; links are not followed; the audit's own output
folder is never read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from analyzer.audit.sources.document import READ_ERROR, SourceDocument, too_large_reason
from analyzer.errors import TooLargeError
from analyzer.text.extract import DEFAULT_LIMITS, Limits

#: Extensions a folder audit reads; anything else in the folder is skipped, not failed.
FOLDER_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})


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
                return document(None, too_large_reason(str(path), info.st_size, limits), TooLargeError.code)
            data = file.read(limits.max_bytes + 1)
    except OSError as exc:
        return document(None, f"cannot read {path}: {exc.strerror or exc}.", READ_ERROR)
    if len(data) > limits.max_bytes:  # it grew while we read it
        return document(None, too_large_reason(str(path), len(data), limits), TooLargeError.code)
    return document(data)
