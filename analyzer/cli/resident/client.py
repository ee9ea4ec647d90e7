"""The command's side: find the worker for this model, start it if there is none, hand it jobs.

Whatever goes wrong with the worker (it crashed, its socket is stale, it answers nonsense, a
request is over the size bound, it takes too long to start, it refused the model) the command
runs the job in its own process instead: slower, never different. A refused model is then
refused here too, with the message the command always gave (it names the model's path as the
user wrote it, which the worker, started from `/`, cannot).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from analyzer.cli.jobs import Printed
from analyzer.cli.resident import wire
from analyzer.cli.resident.place import (
    Place,
    ResidentUnavailableError,
    enabled,
    idle_seconds,
    private_dir,
    worker_key,
)
from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.cli.jobs import Runner

WORKER_MODULE: Final = "analyzer.cli.resident.worker"
#: How long a command waits for a worker to load the model (or for another command starting
#: one) before it runs in-process: loading takes 3 to 5 s on an idle machine, much more on a busy one.
START_SECONDS: Final = 180.0
#: How long a command waits for a worker's answer before it runs the job itself.
ANSWER_SECONDS: Final = 600.0
#: Workers one user keeps at most; starting another stops the one least recently used.
MAX_WORKERS: Final = 4


class Resident:
    """Jobs handed to the worker of `place`, started on first need; `fallback` when it fails."""

    def __init__(self, place: Place, model_dir: Path, fallback: Runner) -> None:
        self.place = place
        self.model_dir = model_dir
        self.fallback = fallback
        self.failed = False

    def run(self, name: str, payload: dict[str, Any]) -> list[Printed]:
        if not self.failed:
            frame = wire.encode({"job": name, "key": self.place.key, "payload": payload})
            if len(frame) - 8 <= wire.MAX_REQUEST:  # else this one job runs here
                reply = self._ask(frame) or {}
                try:
                    return [Printed(**item) for item in reply["printed"]]
                except (KeyError, TypeError):  # no worker, a refusal, or an answer not of this version
                    self.failed = True
        return self.fallback.run(name, payload)

    def _ask(self, frame: bytes) -> dict[str, Any] | None:
        """The worker's reply, starting it if needed; one retry through a fresh worker if the
        first one dies under the request (not if it is only slow). None: run in-process."""
        for _ in range(2):
            sock = open_socket(self.place) or self._start()
            if sock is None:
                return None
            try:
                with sock:
                    sock.settimeout(ANSWER_SECONDS)
                    wire.send(sock, frame)
                    return wire.receive(sock, wire.MAX_REPLY)
            except TimeoutError:
                return None
            except (OSError, wire.WireError):
                continue
        return None

    def _start(self) -> socket.socket | None:
        """Start the worker, unless another command did while this one waited for the lock."""
        with StartLock(self.place.lock) as locked:
            if not locked:
                return None
            sock = open_socket(self.place)
            if sock is not None:
                return sock
            _make_room(self.place.folder)
            self.place.socket.unlink(missing_ok=True)  # stale: nothing listens there
            ready = _launch(self.place, self.model_dir)
        return open_socket(self.place) if ready else None


def connect(model_dir: Path | None, *, fallback: Runner) -> Resident | None:
    """The resident runner for the model the command would load, or None (in-process) when
    ANALYZER_RESIDENT=0, the model cannot be found (this process then says why), or the
    system offers no safe folder (said on stderr when the refusal is for safety)."""
    from analyzer.model.paths import resolve_model_dir

    if not enabled() or not hasattr(socket, "AF_UNIX") or not hasattr(socket, "SO_PEERCRED"):
        return None
    idle_seconds()  # a wrong value is the command's error, before a worker could trip on it
    try:
        directory = resolve_model_dir(model_dir).resolve()
        place = Place(private_dir(), worker_key(directory))
        place.check()
    except ResidentUnavailableError as exc:
        if exc.unsafe:
            click.echo(f"warning: no resident worker: {exc}. Running in-process.", err=True)
        return None
    except (AnalyzerError, OSError):
        return None
    return Resident(place, directory, fallback)


def open_socket(place: Place) -> socket.socket | None:
    """A connection to the worker of `place`, or None if nothing (of ours) listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(ANSWER_SECONDS)
        sock.connect(os.fspath(place.socket))
        if wire.peer_uid(sock) == os.getuid():
            return sock
    except OSError:
        pass
    sock.close()
    return None


def _launch(place: Place, model_dir: Path) -> bool:
    """Start a worker and wait until it listens (its launcher prints one JSON status line);
    False if it refused the model, failed or took too long.

    The worker gets none of this command's standard streams (a CI runner waits for every
    holder of its pipes to exit) and a new session; its launcher exits once it is ready.
    """
    argv = [sys.executable, "-P", "-m", WORKER_MODULE, "--model", os.fspath(model_dir), "--key", place.key]
    with _open_log(place.log) as log:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, cwd="/", start_new_session=True
        )
    try:
        out, _ = process.communicate(timeout=START_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()  # the launcher only; the worker goes on loading and serves later commands
        process.communicate()
        return False
    try:
        status = json.loads(out or b"{}")
    except ValueError:
        return False
    return isinstance(status, dict) and status.get("ready") is True


def _open_log(path: Path) -> Any:
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    return os.fdopen(descriptor, "ab")


class StartLock:
    """An exclusive flock on the start lock, waited for up to START_SECONDS (`as` gives whether
    it was taken): two commands starting at once start one worker."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.descriptor = -1

    def __enter__(self) -> bool:
        self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        os.close(self.descriptor)  # releases the lock


def records(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every worker's record in the folder (the socket beside it may be stale)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("pid"), int):
            found.append((path, record))
    return found


def ask(place: Place, job: str, timeout: float = 10.0) -> dict[str, Any] | None:
    """A control request ("status" or "stop") to the worker of `place`; None if none answers."""
    sock = open_socket(place)
    if sock is None:
        return None
    try:
        with sock:
            sock.settimeout(timeout)
            wire.send(sock, wire.encode({"job": job, "key": place.key}))
            return wire.receive(sock, wire.MAX_REPLY)
    except (OSError, wire.WireError):
        return None


def stop(place: Place, timeout: float = 30.0) -> int | None:
    """Stop the worker of `place` and wait until its process is gone; its pid, or None if no
    worker answered (its stale files are removed)."""
    reply = ask(place, "stop")
    if reply is None or not isinstance(reply.get("pid"), int):
        place.socket.unlink(missing_ok=True)
        place.record.unlink(missing_ok=True)
        return None
    pid: int = reply["pid"]
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def _make_room(folder: Path) -> None:
    """Stop the least recently used workers so that, with the one about to start, at most
    MAX_WORKERS run (each holds a model and spaCy in memory)."""
    running = []
    for path, _ in records(folder):
        try:
            running.append((path.stat().st_mtime, Place(folder, path.stem)))
        except FileNotFoundError:  # it exited meanwhile
            continue
    running.sort(key=lambda pair: pair[0])
    for _, place in running[: max(0, len(running) - MAX_WORKERS + 1)]:
        stop(place)
