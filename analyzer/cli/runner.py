"""Where a command's jobs run: in the resident worker that keeps the model loaded, or here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analyzer.cli.jobs import Local, Runner


def runner(model_dir: Path | None, *, resident: bool, sentences: bool = True) -> Runner:
    """The resident worker for the model, unless `--no-resident`, ANALYZER_RESIDENT=0 or this
    system cannot host one safely (or is not Linux); else this process (`sentences`: load the
    sentence model)."""
    local = Local(model_dir, sentences=sentences)
    if not resident or not sys.platform.startswith("linux"):  # the peer's uid is checked the Linux way
        return local
    from analyzer.cli.resident.client import connect  # the socket modules, only when used

    return connect(model_dir, fallback=local) or local


resident_option = click.option(
    "--resident/--no-resident",
    default=True,
    show_default=True,
    help="Hand the work to a background worker that keeps the model loaded (see `analyzer resident`).",
)
