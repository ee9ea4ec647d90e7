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
