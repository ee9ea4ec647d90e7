"""Where workers live (a private folder) and which worker serves a command (its key).

The folder is `$ANALYZER_RESIDENT_DIR`, else `$XDG_RUNTIME_DIR/analyzer`, else
`analyzer/resident` in the user's cache folder. It is created 0700 and refused if it is a
symbolic link, belongs to another user or can be written by the group or others: whoever can
write there could answer in a worker's place. Each worker has a socket `<key>.sock` and a
record `<key>.json` there; all share `start.lock` and `resident.log`.

A key is a hash of everything a worker's answers depend on: the model directory (resolved),
its manifest's bytes and the size and time of each of its files, the code (the version and the
size and time of each file of the package), the Python that runs it and the ANALYZER_*
settings. When any changes (a `models promote`, a retrained model, an edited checkout), the
next command computes another key and gets a fresh worker; the old one notices and exits.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from analyzer.errors import AnalyzerError

ENABLED_ENV: Final = "ANALYZER_RESIDENT"
IDLE_ENV: Final = "ANALYZER_RESIDENT_IDLE_SECONDS"
DIR_ENV: Final = "ANALYZER_RESIDENT_DIR"
DEFAULT_IDLE_SECONDS: Final = 600
#: A socket's path must fit `sockaddr_un` (108 bytes on Linux, with its final NUL).
MAX_SOCKET_PATH: Final = 107
_OFF = {"0", "false", "no", "off"}
_ON = {"", "1", "true", "yes", "on"}
_PACKAGE = Path(__file__).resolve().parent.parent.parent


class ResidentUnavailableError(Exception):
    """No worker can be used here (the folder is unsafe or cannot be made): run in this process."""

    def __init__(self, reason: str, *, unsafe: bool = False) -> None:
        super().__init__(reason)
        #: A refusal for safety (say so on stderr), not a system without the means (stay quiet).
        self.unsafe = unsafe


def enabled() -> bool:
    """ANALYZER_RESIDENT: 1 (the default) or 0."""
    value = os.environ.get(ENABLED_ENV, "").strip().lower()
    if value in _OFF:
        return False
    if value in _ON:
        return True
    raise AnalyzerError(f"{ENABLED_ENV}={value!r} is neither 1 nor 0. Set it to 0 to run every command in-process.")


def idle_seconds() -> float:
    """ANALYZER_RESIDENT_IDLE_SECONDS: how long a worker waits for a request before it exits."""
    raw = os.environ.get(IDLE_ENV, "").strip()
    if not raw:
        return DEFAULT_IDLE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 7 * 24 * 3600:
        raise AnalyzerError(f"{IDLE_ENV}={raw!r} is not a number of seconds from 1 to 604800.")
    return value


def private_dir() -> Path:
    """The private folder, made if missing, or ResidentUnavailableError saying why it cannot be used."""
    override = os.environ.get(DIR_ENV)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if override:
        folder = Path(override)
    elif runtime and Path(runtime).is_absolute() and Path(runtime).is_dir():
        folder = Path(runtime) / "analyzer"
    else:
        try:
            cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        except RuntimeError as exc:  # no home folder to be found
            raise ResidentUnavailableError(str(exc)) from exc
        folder = Path(cache) / "analyzer" / "resident"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ResidentUnavailableError(f"cannot make {folder}: {exc.strerror or exc}") from exc
    check_private(folder)
    return folder


def check_private(folder: Path) -> None:
    """Refuse a folder others could plant a socket in: a link, another owner, group/world-writable."""
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise ResidentUnavailableError(f"{folder} is a symbolic link; remove it", unsafe=True)
    if not stat.S_ISDIR(info.st_mode):
        raise ResidentUnavailableError(f"{folder} is not a folder; remove it", unsafe=True)
    if info.st_uid != os.getuid():
        raise ResidentUnavailableError(f"{folder} belongs to uid {info.st_uid}, not to you; remove it", unsafe=True)
    if info.st_mode & 0o077:
        raise ResidentUnavailableError(
            f"{folder} is open to others (mode {stat.S_IMODE(info.st_mode):o}); run `chmod 700 {folder}`",
            unsafe=True,
        )


@dataclass(frozen=True)
class Place:
    """One worker's files in the private folder."""

    folder: Path
    key: str

    @property
    def socket(self) -> Path:
        return self.folder / f"{self.key}.sock"

    @property
    def record(self) -> Path:
        return self.folder / f"{self.key}.json"

    @property
    def lock(self) -> Path:
        return self.folder / "start.lock"

    @property
    def log(self) -> Path:
        return self.folder / "resident.log"

    def check(self) -> None:
        if len(os.fsencode(self.socket)) > MAX_SOCKET_PATH:
            raise ResidentUnavailableError(
                f"{self.socket} is too long for a Unix socket; set {DIR_ENV} to a short path"
            )


def worker_key(model_dir: Path) -> str:
    """The key of the worker that may answer for `model_dir` (see the module's docstring).

    Reads the manifest (tens of kilobytes) and stats the package's files: a few milliseconds.
    An unreadable model directory raises OSError: the command then runs in-process and says
    what is wrong exactly as it always has.
    """
    from analyzer import __version__
    from analyzer.model.paths import CARD

    digest = hashlib.sha256()
    directory = model_dir.resolve()
    # The interpreter by what it is, not by how it was spelled: pip 26 writes ".venv/bin/python3"
    # into the commands' first line, and a test's "python -c" is ".venv/bin/python" of the same venv.
    interpreter = f"{sys.prefix}\0{os.path.realpath(sys.executable)}"
    digest.update(f"{__version__}\0{interpreter}\0{directory}\0".encode("utf-8", "surrogateescape"))
    digest.update(hashlib.sha256((directory / CARD).read_bytes()).digest())
    digest.update(_fingerprint(directory, recursive=False))
    digest.update(_fingerprint(_PACKAGE, recursive=True))
    settings = sorted(
        (name, value) for name, value in os.environ.items() if name.startswith("ANALYZER_") and name not in KEYLESS_ENV
    )
    digest.update(repr(settings).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


#: Settings that steer the worker itself, not its answers.
KEYLESS_ENV: Final = frozenset({ENABLED_ENV, IDLE_ENV, DIR_ENV})


def _fingerprint(folder: Path, *, recursive: bool) -> bytes:
    """Names, sizes and modification times of the files in a folder (caches skipped)."""
    parts: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if recursive and entry.name != "__pycache__":
                        pending.append(Path(entry.path))
                    continue
                info = entry.stat()
                parts.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    return "\n".join(sorted(parts)).encode("utf-8", "surrogateescape")
