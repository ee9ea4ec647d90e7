"""Files written whole or not at all: a reader sees the old version or the new one, never half.

Reports, results, exported corrections, model cards and the promotion pointer are all read
while they may be rewritten (by people, by training, by the service's other workers).
"""

from __future__ import annotations

import contextlib
import os
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
