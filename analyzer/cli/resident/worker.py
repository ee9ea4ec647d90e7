"""The worker: `python -m analyzer.cli.resident.worker --model DIR --key KEY`, started by a command.

The launcher forks the worker and waits for one status line from it ({"ready": true}, or the
error that refused the model) to print for the command. The worker leaves the command's
session, points its standard streams at the log, loads and verifies the model (checksums
before unpickling, as everywhere), warms spaCy with one analysis, then listens on its socket
(made under a temporary name and renamed into place, so a command never sees a socket that does
not answer yet).

It serves one request at a time, refuses connections from any other uid (SO_PEERCRED), and
exits when it has been idle for ANALYZER_RESIDENT_IDLE_SECONDS, when its key no longer matches
the model and code on disk, when its socket is removed or replaced, after MAX_REQUESTS
requests (spaCy's string store only grows), or when asked (`analyzer resident stop`, SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from analyzer.cli.jobs import JOBS, Engine, job
from analyzer.cli.resident import wire
from analyzer.cli.resident.place import Place, idle_seconds, private_dir, worker_key
from analyzer.errors import AnalyzerError

#: Seconds between checks that the key still matches the disk and the socket is still ours.
CHECK_SECONDS: Final = 2.0
#: Seconds a connected command may take to send its request.
READ_SECONDS: Final = 30.0
#: Requests before the worker exits and the next command starts a fresh one.
MAX_REQUESTS: Final = 10_000
#: The log is started afresh by a worker that finds it over this size.
MAX_LOG_BYTES: Final = 1_000_000
WARM_TEXT: Final = "Manual invoicing costs your team two days every month. Switch before the next audit."

log = logging.getLogger("analyzer.resident")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="analyzer-resident-worker")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    place = Place(private_dir(), args.key)
    read_end, write_end = os.pipe()
    if os.fork():  # the launcher: pass the worker's status on, then exit
        os.close(write_end)
        with os.fdopen(read_end, "rb") as status:
            sys.stdout.buffer.write(status.read() or b'{"ready": false}')
        return
    os.close(read_end)
    _detach(place)
    with os.fdopen(write_end, "w", encoding="utf-8") as report:
        prepared = _prepare(place, args.model, report)
    if prepared is not None:
        _serve(place, args.model, *prepared)


def _detach(place: Place) -> None:
    """No standard stream of the command's (stdin from /dev/null, output to the log), no
    controlling terminal, no working folder to keep busy."""
    with contextlib.suppress(PermissionError):  # already a session leader
        os.setsid()
    os.chdir("/")
    os.umask(0o077)
    if place.log.exists() and place.log.stat().st_size > MAX_LOG_BYTES:
        place.log.unlink()
    null = os.open(os.devnull, os.O_RDONLY)
    output = os.open(place.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    os.close(output)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format=f"%(asctime)s pid {os.getpid()} {place.key[:8]} %(message)s"
    )


def _prepare(place: Place, model_dir: Path, report: Any) -> tuple[Engine, socket.socket] | None:
    """Load and warm the model, then listen; the status line goes to the launcher either way.
    The record is written after the socket is in place: a record always names a worker that was
    serving, whose socket `analyzer resident stop` can ask."""
    started = time.monotonic()
    try:
        if worker_key(model_dir) != place.key:
            raise RuntimeError("the key does not match this worker's model and code")
        engine = Engine(model_dir, sentences=True)
        _warm(engine)
        listener = _listen(place)
        _write_record(place, model_dir)
    except AnalyzerError as exc:  # the command, running in-process, says what is wrong
        log.info("refused the model: %s", exc)
        report.write(json.dumps({"ready": False}))
        return None
    except Exception:
        log.error("could not start:\n%s", traceback.format_exc())
        report.write(json.dumps({"ready": False}))
        return None
    log.info("serving %s (loaded in %.1f s)", model_dir, time.monotonic() - started)
    report.write(json.dumps({"ready": True, "pid": os.getpid()}))
    return engine, listener


def _listen(place: Place) -> socket.socket:
    """Listen under a temporary name, then rename it into place: a socket a command finds answers."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = place.folder / f".{place.key}.{os.getpid()}.sock"
    temporary.unlink(missing_ok=True)
    listener.bind(os.fspath(temporary))
    listener.listen(64)
    os.replace(temporary, place.socket)
    return listener


def _warm(engine: Engine) -> None:
    """Load everything the first request would: the model, spaCy and its parser."""
    from analyzer.analysis.analyzer import AnalyzeOptions
    from analyzer.text.extract import extract_text

    engine.model.classify([WARM_TEXT])
    # A model without what analysis needs still classifies; `analyze` then refuses it in-process.
    with contextlib.suppress(AnalyzerError):
        engine.analyzer.analyze(extract_text(WARM_TEXT), options=AnalyzeOptions(suggestions=True))


def _write_record(place: Place, model_dir: Path) -> None:
    from analyzer import __version__

    record = {
        "pid": os.getpid(),
        "model": os.fspath(model_dir),
        "version": __version__,
        "started": time.time(),
        "idle_seconds": idle_seconds(),
        "socket": os.fspath(place.socket),
    }
    temporary = place.record.with_suffix(".tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temporary, place.record)


def _serve(place: Place, model_dir: Path, engine: Engine, listener: socket.socket) -> None:
    ours = os.stat(place.socket).st_ino
    idle = idle_seconds()
    stopping = ""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    listener.settimeout(1.0)
    last_request = last_check = time.monotonic()
    served = 0
    reason = "terminated"  # by SIGTERM, unless a reason below says otherwise
    try:
        while not stopping:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                now = time.monotonic()
                if now - last_request > idle:
                    reason = f"idle for {idle:.0f} s"
                    break
                if now - last_check > CHECK_SECONDS:
                    last_check = now
                    reason = _gone(place, model_dir, ours)
                    if reason:
                        break
                continue
            with connection:
                stopping = _handle(connection, place, engine, served, lambda: _gone(place, model_dir, ours))
            reason = stopping or reason
            served += 1
            last_request = time.monotonic()
            if served >= MAX_REQUESTS:
                reason = f"served {served} requests"
                break
    finally:
        _clean_up(place, ours)
        log.info("exiting: %s", reason)


def _gone(place: Place, model_dir: Path, ours: int) -> str:
    """Why this worker must not answer another request, or "" if it still may."""
    try:
        if os.stat(place.socket).st_ino != ours:
            return "its socket was replaced"
    except FileNotFoundError:
        return "its socket was removed"
    try:
        if worker_key(model_dir) != place.key:
            return "the model or the code changed on disk"
    except OSError:
        return "the model directory is gone"
    return ""


def _handle(connection: socket.socket, place: Place, engine: Engine, served: int, gone: Callable[[], str]) -> str:
    """Answer one request; why the worker must stop now ("" if it may go on).

    Before a job, `gone` checks the model and the code on disk again (a millisecond): a worker
    never answers with a model that was replaced after the command computed its key."""
    if wire.peer_uid(connection) != os.getuid():
        log.warning("refused a connection from uid %d", wire.peer_uid(connection))
        return ""
    connection.settimeout(READ_SECONDS)
    started = time.monotonic()
    try:
        request = wire.receive(connection, wire.MAX_REQUEST)
    except (OSError, wire.WireError) as exc:
        log.warning("dropped a request: %s", exc)
        return ""
    name = request.get("job")
    reply: dict[str, Any]
    stop = ""
    if request.get("key") != place.key:
        reply = {"refused": "this worker serves another model or code"}
    elif name == "status":
        reply = {"pid": os.getpid(), "served": served}
    elif name == "stop":
        reply, stop = {"pid": os.getpid()}, "asked to stop"
    elif stop := gone():
        reply = {"refused": stop}  # the command runs the job itself, with what is on disk now
    elif name in JOBS and isinstance(request.get("payload"), dict):
        try:
            printed = job(name)(engine, request["payload"])
            reply = {"printed": [vars(item) for item in printed]}
        except AnalyzerError as exc:
            log.info("job %s refused the model: %s", name, exc)
            reply = {"refused": str(exc)}  # the command runs the job itself, and says it
        except Exception:  # a bug: the command runs the job itself and shows it
            log.error("job %s failed:\n%s", name, traceback.format_exc())
            reply = {"failed": True}
    else:
        reply = {"refused": f"no job {name!r}"}
    try:
        connection.settimeout(READ_SECONDS)
        wire.send(connection, wire.encode(reply))
    except OSError as exc:
        log.warning("could not answer: %s", exc)
    log.info("%s in %.0f ms", name, 1000 * (time.monotonic() - started))
    with contextlib.suppress(OSError):
        os.utime(place.record)  # the least recently used worker is the first to make room
    return stop


def _clean_up(place: Place, ours: int) -> None:
    """Remove the socket and the record, if they are still this worker's."""
    try:
        if os.stat(place.socket).st_ino == ours:
            place.socket.unlink()
            place.record.unlink(missing_ok=True)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    main()
