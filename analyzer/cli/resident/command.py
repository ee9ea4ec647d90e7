"""`analyzer resident status|stop`: the background workers that keep models loaded, shown and stopped."""

from __future__ import annotations

import time
from pathlib import Path

import click

from analyzer.cli.common import Group, fail
from analyzer.cli.resident.client import alive, ask, records, stop
from analyzer.cli.resident.place import Place, ResidentUnavailableError, private_dir


@click.group(cls=Group)
def resident() -> None:
    """The resident workers: `classify`, `analyze` and `check` hand their texts to a background
    process that keeps the model loaded (off with --no-resident or ANALYZER_RESIDENT=0).

    Example: analyzer resident status
    """


@resident.command()
def status() -> None:
    """Show each worker: its pid, model, requests served, and where its socket and log are.

    Example: analyzer resident status
    """
    folder = _folder()
    found = records(folder)
    click.echo(f"folder: {folder}  (log: {folder / 'resident.log'})")
    if not found:
        click.echo("no resident worker")
    for path, record in found:
        place = Place(folder, path.stem)
        reply = ask(place, "status")
        if reply is None or not alive(record["pid"]):
            click.echo(
                f"stale: pid {record['pid']} ({record.get('model')}) no longer answers; the next command replaces it"
            )
            continue
        up = time.time() - float(record.get("started", time.time()))
        click.echo(
            f"pid {record['pid']}  model {record.get('model')}  up {up:.0f} s  "
            f"requests {reply.get('served')}  exits after {record.get('idle_seconds'):.0f} s idle  "
            f"socket {place.socket}"
        )


@resident.command(name="stop")
def stop_command() -> None:
    """Stop every worker of yours and wait until each has exited.

    Example: analyzer resident stop
    """
    folder = _folder()
    stopped = 0
    for path, record in records(folder):
        pid = stop(Place(folder, path.stem))
        if pid is not None and alive(pid):
            fail(f"worker pid {pid} did not exit. Kill it with `kill {pid}`.")
        if pid is not None:
            stopped += 1
            click.echo(f"stopped pid {pid} ({record.get('model')})")
    if not stopped:
        click.echo("no resident worker was running")


def _folder() -> Path:
    try:
        return private_dir()
    except ResidentUnavailableError as exc:
        fail(f"no resident worker can run here: {exc}.")
