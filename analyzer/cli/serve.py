"""`analyzer serve`: the HTTP API and the writer's page, in uvicorn worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from analyzer.cli.common import fail, model_option, read_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes (one model each).")
@click.option("--insecure", is_flag=True, help="Allow a non-loopback address without API keys.")
@model_option
def serve(host: str, port: int, workers: int, insecure: bool, model_dir: Path | None) -> None:
    """Serve the HTTP API; keys and limits come from ANALYZER_* variables (see README).

    Without ANALYZER_API_KEYS it binds only to a loopback address, unless --insecure.

    Example: ANALYZER_API_KEYS=alice:s3cret analyzer serve --host 0.0.0.0 --workers 2
    """
    import ipaddress
    import os

    import uvicorn

    from analyzer.model.paths import resolve_model_dir
    from analyzer.service.protocol import GuardedH11Protocol

    # Each worker builds its app from the environment, so options travel through it.
    if model_dir is not None:
        os.environ["ANALYZER_MODEL_DIR"] = str(model_dir)
    if insecure:
        os.environ["ANALYZER_INSECURE"] = "true"
    settings = read_settings()
    directory = resolve_model_dir(settings.model_dir)
    if not directory.is_dir():
        fail(f"no model directory at {directory}. Pass --model DIR or set ANALYZER_MODEL_DIR.")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not settings.api_keys and not settings.insecure and not loopback:
        fail(
            f"refusing to serve on {host} without API keys: set ANALYZER_API_KEYS, "
            "bind to 127.0.0.1, or pass --insecure."
        )
    _check_port(host.strip("[]"), port)
    connections, backlog = connection_budget(settings.max_connections, settings.backlog)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    click.echo(f"serving on http://{shown}:{port} with {workers} worker(s); docs at http://{shown}:{port}/docs")
    with _metrics_folder():
        # uvicorn kills a worker that misses a 5 s health ping and starts another; a worker spends
        # longer than that importing and loading the model on a busy machine, so none ever came up.
        uvicorn.run(
            "analyzer.service.app:app_factory",
            factory=True,
            host=host.strip("[]"),
            port=port,
            workers=workers,
            timeout_worker_healthcheck=60,
            http=GuardedH11Protocol,
            limit_concurrency=connections,
            backlog=backlog,
        )


def _check_port(host: str, port: int) -> None:
    """Fail at once, before any worker loads a model, when the address cannot be listened on.

    uvicorn binds after the app's start-up, so a busy port used to cost a model load and end
    in a bare `[Errno 98]`. A probe socket with uvicorn's own options (SO_REUSEADDR) is bound
    and closed: what it cannot bind, uvicorn could not either.
    """
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                other = port + 1 if port < 65535 else 8000
                fail(f"port {port} is in use: pass --port {other}, or stop the other server.")
            fail(f"cannot listen on {host} port {port} ({exc.strerror or exc}). Pass another --host or --port.")


#: prometheus_client's variable for its multiprocess mode (`analyzer.service.metrics` reads it too).
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The metrics folders' names in the temporary folder: the prefix, then the server's pid.
METRICS_FOLDER_PREFIX = "analyzer-metrics-"


@contextmanager
def _metrics_folder() -> Iterator[None]:
    """An empty folder for the workers' metrics (prometheus_client's multiprocess mode), named in
    the environment the workers inherit, and removed when the server stops. A folder the
    operator already set in PROMETHEUS_MULTIPROC_DIR is used as it is and kept.

    With one worker, uvicorn ends a SIGTERM'd server by raising the signal again once it has
    shut down, and SIGTERM's default action would end the process before the folder is
    removed; so SIGTERM exits through Python (status 143, as a shell reports it) meanwhile.
    A server killed outright (SIGKILL, the OOM killer) cannot remove its folder: the next one
    started removes it.
    """
    import os
    import shutil
    import signal
    import tempfile
    from types import FrameType

    # prometheus_client reads the variable when it is imported, so it is set before anything
    # imports it here (with --workers 1 the app runs in this very process).
    if os.environ.get(MULTIPROCESS_ENV):
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    _remove_orphaned_metrics_folders(tempfile.gettempdir())
    folder = tempfile.mkdtemp(prefix=f"{METRICS_FOLDER_PREFIX}{os.getpid()}-")
    os.environ[MULTIPROCESS_ENV] = folder
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        del os.environ[MULTIPROCESS_ENV]
        shutil.rmtree(folder, ignore_errors=True)


def _remove_orphaned_metrics_folders(parent: str) -> None:
    """Remove the metrics folders of servers that are gone: this user's own folders (never a link
    or another user's) whose name's pid runs no process."""
    import os
    import shutil
    from pathlib import Path

    for path in Path(parent).glob(f"{METRICS_FOLDER_PREFIX}*-*"):
        pid = path.name.removeprefix(METRICS_FOLDER_PREFIX).partition("-")[0]
        try:
            if not pid.isdigit() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)  # no signal sent: only whether the process exists
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (OSError, OverflowError):
            continue  # alive under another user (EPERM), the folder gone meanwhile, no such pid


#: File descriptors a worker keeps for itself: the listening socket, the model's and the
#: database's files (a few per pooled connection), logs, uploads spooled to disk, pipes. About
#: 16 when idle with the bundled model (4 of them the metrics' files); the rest is headroom.
RESERVED_FILES = 64

#: Accept bursts that can be open before the protocol sees the first of them (see below).
ACCEPT_BURSTS_IN_FLIGHT = 4


def connection_budget(connections: int, backlog: int) -> tuple[int, int]:
    """(connections, backlog) a worker can hold without running out of file descriptors.

    asyncio accepts up to `backlog` queued connections in one go, an accepted socket reaches the
    protocol that sheds idle ones two loop turns later and the one it sheds is closed a turn after
    that, so under a flood `ACCEPT_BURSTS_IN_FLIGHT` bursts can be open at once: those, the cap and
    `RESERVED_FILES` must fit under the soft RLIMIT_NOFILE. Past it accept() fails with EMFILE
    and asyncio stops accepting for a second: nothing, `/healthz` included, gets in.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return connections, backlog
    backlog = max(16, min(backlog, soft // 8))
    in_flight = ACCEPT_BURSTS_IN_FLIGHT * backlog
    return max(16, min(connections, soft - RESERVED_FILES - in_flight)), backlog
