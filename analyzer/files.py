"""Files written whole or not at all: a reader sees the old version or the new one, never half.

Reports, results, exported corrections, model cards and the promotion pointer are all read
while they may be rewritten (by people, by training, by the service's other workers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """A temporary file beside `path` that replaces it only once complete and on disk.

    The file is made readable by all (0644): `mkstemp`'s 0600 would hide a report from the team
    it is for, and a model pointer from a service running as its own user.
    """
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o644)
        with os.fdopen(descriptor, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str) -> None:
    """`text` as UTF-8 into `path`, whole or not at all."""
    with atomic_writer(path, "w", encoding="utf-8") as handle:
        handle.write(text)


@contextlib.contextmanager
def replaced_directory(path: Path) -> Iterator[Path]:
    """A new, empty folder beside `path`, which takes its place once everything is in it.

    For outputs of thousands of files (an audit's document pages): the files are written into a
    folder this process just created and only it may write to (0700 until it is complete), so
    none needs a temporary name or an fsync of its own, and nothing can be planted in it. At the
    end the old folder is moved aside and removed; a symbolic link at `path` is removed, never
    followed. On an error the new folder is removed and the old one stays.
    """
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    aside = staging.with_name(staging.name.removesuffix(".tmp") + ".old")
    moved_aside = False
    try:
        yield staging
        os.chmod(staging, 0o755)
        if path.is_symlink() or path.exists():
            os.rename(path, aside)
            moved_aside = True
        os.rename(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if moved_aside and not (path.is_symlink() or path.exists()):
            os.rename(aside, path)
        raise
    if moved_aside:
        remove_tree(aside)


def remove_tree(path: Path) -> None:
    """Remove a file, a link (never followed) or a folder of any number of files, in memory that
    does not grow with them: `shutil.rmtree` lists a whole folder first (20 MB for 100,000 pages)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    while True:
        removed = 0
        with os.scandir(path) as entries:
            for entry in entries:  # removing while listing: what is left is listed again
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
        if not removed:
            break
    path.rmdir()


@contextlib.contextmanager
def new_file(path: Path) -> Iterator[IO[str]]:
    """A text file created at `path`, which must not exist yet (not even as a link): for files
    inside a `replaced_directory`, where a name taken twice is a bug, not something to overwrite."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as handle:
        yield handle


def write_new_file(path: Path, data: bytes) -> None:
    """`data` into `path`, created as `new_file` does (one write, no buffer: for many small files)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
