"""What every `analyzer` subcommand shares: the model option and error handling."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.settings import Settings

model_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory (default: $ANALYZER_MODEL_DIR, else the bundled model).",
)


def fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: how every command reports bad input."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


class Group(click.Group):
    """Turns every AnalyzerError into a one-line message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AnalyzerError as exc:
            fail(str(exc))


def read_settings() -> Settings:
    """The ANALYZER_* settings, or one line naming the variable (and entry) to fix; never a value."""
    from pydantic import ValidationError

    from analyzer.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        where = f"ANALYZER_{str(error['loc'][0]).upper()}"
        if len(error["loc"]) > 1 and isinstance(error["loc"][1], int):
            where += f" (entry {error['loc'][1] + 1})"
        message = str(error["msg"]).removeprefix("Value error, ")
        fail(f"{where}: {message}. Fix the environment variable.")
