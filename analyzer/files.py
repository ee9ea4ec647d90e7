"""Output files: written whole or not at all, and only ever as regular files, never through a link.

Reports, results, exported corrections, model cards and the promotion pointer are all read
while they may be rewritten (by people, by training, by the service's other workers): a reader
sees the old version or the new one, never half.

An output folder may hold things its owner did not put there: a symbolic link named
`results.jsonl` pointing at someone's files, a named pipe that blocks whoever opens it. So an
output is opened only by `open_output` (`O_NOFOLLOW`, then checked to be a regular file) and
replaced only by `atomic_writer` (which refuses the same, and renames: a rename replaces a name,
never follows it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class UnsafeOutputError(OSError):
    """An output's name is taken by something that is not a regular file (a link, a folder, a pipe)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(
            errno.EPERM,
            f"{path} is {kind}, not a regular file; outputs are written only to regular files, so that nothing "
            "in the folder can send them elsewhere. Remove it, or choose another folder",
            str(path),
        )


def open_output(path: Path, flags: int, mode: int = 0o644) -> int:
    """A file descriptor for the output `path`, opened with `flags` but never through a symbolic
    link, and only when it is a regular file (else `UnsafeOutputError`).

    `O_NONBLOCK` makes a named pipe an error instead of a wait; it changes nothing for a file.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as exc:
        # ELOOP: the name is a link; EISDIR, ENXIO (a pipe with no reader): not a file either.
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            try:
                st_mode = os.lstat(path).st_mode
            except OSError:
                raise exc from None  # gone since: the open's own error says it best
            _refuse_unless_regular(path, st_mode)
        raise
    try:
        _refuse_unless_regular(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_output(path: Path) -> str:
    """The UTF-8 text of an output read back (an audit's summary.json), opened as `open_output` does."""
    with open(open_output(path, os.O_RDONLY), encoding="utf-8") as handle:
        return handle.read()


def check_output(path: Path) -> None:
    """Refuse (`UnsafeOutputError`) an output `path` that exists as anything but a regular file."""
    with contextlib.suppress(FileNotFoundError):
        _refuse_unless_regular(path, os.lstat(path).st_mode)


def _refuse_unless_regular(path: Path, st_mode: int) -> None:
    """Raise `UnsafeOutputError` when `st_mode` (from lstat or fstat) is not a regular file's."""
    if stat.S_ISREG(st_mode):
        return
    kinds = {stat.S_IFLNK: "a symbolic link", stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe"}
    raise UnsafeOutputError(path, kinds.get(stat.S_IFMT(st_mode), "a special file"))


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """A temporary file beside `path` that replaces it only once complete and on disk.

    The file is made readable by all (0644): `mkstemp`'s 0600 would hide a report from the team
    it is for, and a model pointer from a service running as its own user. A `path` that exists
    as anything but a regular file is refused (`UnsafeOutputError`) rather than replaced.
    """
    check_output(path)
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
    descriptor = open_output(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as handle:
        yield handle


def write_new_file(path: Path, data: bytes) -> None:
    """`data` into `path`, created as `new_file` does (one write, no buffer: for many small files)."""
    descriptor = open_output(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
