"""`analyzer serve`: the HTTP API and the writer's page, in uvicorn worker processes."""

from __future__ import annotations

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
    connections, backlog = connection_budget(settings.max_connections, settings.backlog)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    click.echo(f"serving on http://{shown}:{port} with {workers} worker(s); docs at http://{shown}:{port}/docs")
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


#: File descriptors a worker keeps for itself: the listening socket, the model's and the
#: database's files (a few per pooled connection), logs, uploads spooled to disk, pipes. About
#: 12 when idle with the bundled model; the rest is headroom.
RESERVED_FILES = 64


def connection_budget(connections: int, backlog: int) -> tuple[int, int]:
    """(connections, backlog) a worker can hold without running out of file descriptors.

    asyncio accepts up to `backlog` queued connections at once before any of them is seen by
    the protocol that sheds idle ones, so both, plus `RESERVED_FILES`, must fit under the soft
    RLIMIT_NOFILE: past it accept() fails with EMFILE and nothing, `/healthz` included, gets in.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return connections, backlog
    backlog = max(16, min(backlog, soft // 4))
    return max(16, min(connections, soft - RESERVED_FILES - backlog)), backlog
