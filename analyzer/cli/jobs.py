"""The work of `classify`, `analyze` and `check` as *jobs*, and what each input prints.

A command reads its inputs itself (an unreadable file or an unknown extension is reported
before any work starts), then hands each batch to a job: a function of the command's module
that takes the loaded model (`Engine`) and a payload of plain values and returns what to print
(`Printed`). The same job runs in this process (`Local`) or in the resident worker
(`analyzer.cli.resident`), so both print the same bytes; only the transport differs.
`runner.py` chooses between them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

if TYPE_CHECKING:
    from collections.abc import Callable

    from analyzer.analysis.analyzer import Analyzer
    from analyzer.model.artifacts import LoadedModel

#: Every job a worker may run, by name: "module:function". A request names one of these keys;
#: nothing else is ever imported or called on its behalf.
JOBS = {
    "classify": "analyzer.cli.classify:classify_texts",
    "analyze": "analyzer.cli.analyze:analyze_document",
    "check": "analyzer.cli.analyze:check_document",
}


@dataclass(frozen=True)
class Printed:
    """What one input prints: text for stdout and stderr (click styles kept, stripped on output
    as click does for a pipe), and its status: 0 fine, 1 failed a check, 2 could not be read."""

    out: str = ""
    err: str = ""
    status: int = 0

    def emit(self) -> None:
        if self.out:
            click.echo(self.out, nl=False)
        if self.err:
            click.echo(self.err, nl=False, err=True)


class Engine:
    """A verified model, and an Analyzer around it, each loaded on first use."""

    def __init__(self, model_dir: Path | None, *, sentences: bool = True) -> None:
        self.model_dir = model_dir
        self.sentences = sentences

    @cached_property
    def model(self) -> LoadedModel:
        from analyzer.cli.common import load

        return load(self.model_dir, sentences=self.sentences)

    @cached_property
    def analyzer(self) -> Analyzer:
        from analyzer.analysis.analyzer import Analyzer

        return Analyzer(self.model)


def job(name: str) -> Callable[[Engine, dict[str, Any]], list[Printed]]:
    """The job function registered under `name` (a KeyError for any other name)."""
    module, _, attribute = JOBS[name].partition(":")
    function: Callable[[Engine, dict[str, Any]], list[Printed]] = getattr(importlib.import_module(module), attribute)
    return function


class Runner(Protocol):
    """Runs a job on a payload and returns what each input prints, in order."""

    def run(self, name: str, payload: dict[str, Any]) -> list[Printed]: ...


class Local:
    """Jobs in this process: the model is loaded on the first job that needs it."""

    def __init__(self, model_dir: Path | None, *, sentences: bool) -> None:
        self.engine = Engine(model_dir, sentences=sentences)

    def run(self, name: str, payload: dict[str, Any]) -> list[Printed]:
        return job(name)(self.engine, payload)
