"""What every `analyzer` subcommand shares: the model option, loading the model, error handling.

Nothing here imports more than click at start-up: `analyzer --help` imports every command
module, and each of those imports its heavy dependencies inside the command.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.model.artifacts import LoadedModel
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


class LazyGroup(Group):
    """A group whose subcommands are imported when they run, or when help lists them.

    `lazy` maps each command name to "module:attribute"; `analyzer classify` imports only
    the classify module, and `analyzer --help` only the light command modules.
    """

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), self.lazy[cmd_name]
        return command


def load(model_dir: Path | None) -> LoadedModel:
    """The model `--model` names (else the promoted one, else the bundled one), verified."""
    from analyzer.model.artifacts import load_model
    from analyzer.model.paths import resolve_model_dir

    return load_model(resolve_model_dir(model_dir))


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
