"""The policy `analyzer check` holds drafts to, from the command line or a config file.

Like ruff or Vale, the check reads its settings from the closest config file up from the
current folder: `.analyzer.toml` (a `[check]` table), else a `pyproject.toml` with a
`[tool.analyzer.check]` table. Options given on the command line win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from analyzer.errors import AnalyzerError
from analyzer.labels import LABELS

#: Fail a draft scoring below this. 40 is met by a draft that answers two of the three
#: questions of a case for change, or one with the model at least 50% sure it makes one (the
#: score is 40% that probability plus 20% per question answered).
DEFAULT_MIN_SCORE: Final = 40
CONFIG_FILE: Final = ".analyzer.toml"
PYPROJECT: Final = "pyproject.toml"
KEYS: Final = ("min-score", "allow")


class CheckConfigError(AnalyzerError):
    """A config file for `analyzer check` cannot be read or holds a wrong setting."""

    code = "E025"


@dataclass(frozen=True)
class Policy:
    """What a draft must reach: a case-for-change score, and one of the allowed labels (any if empty)."""

    min_score: int = DEFAULT_MIN_SCORE
    allow: tuple[str, ...] = ()
    #: The file the settings came from, if any (for messages).
    source: Path | None = None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The closest config file at or above `start`, and its check settings."""
    for folder in (start, *start.parents):
        dedicated = folder / CONFIG_FILE
        if dedicated.is_file():
            return dedicated, _table(_read(dedicated), ("check",), dedicated)
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            settings = _read(pyproject).get("tool", {}).get("analyzer")
            if isinstance(settings, dict):
                return pyproject, _table(settings, ("check",), pyproject, prefix="tool.analyzer.")
    return None


def load_policy(
    *, min_score: int | None = None, allow: tuple[str, ...] = (), config: Path | None = None, start: Path
) -> Policy:
    """The policy: command-line values, else the config file's (`config`, or the closest one
    up from `start`), else the defaults."""
    found: tuple[Path, dict[str, Any]] | None
    if config is not None:
        if not config.is_file():
            raise CheckConfigError(f"--config {config}: no such file.")
        table = ("tool", "analyzer", "check") if config.name == PYPROJECT else ("check",)
        found = (config, _table(_read(config), table, config))
    else:
        found = find_config(start.resolve())
    path, settings = found if found else (None, {})
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise CheckConfigError(f"{path}: unknown setting {', '.join(unknown)} for check (known: {', '.join(KEYS)}).")
    configured_score = settings.get("min-score", DEFAULT_MIN_SCORE)
    if isinstance(configured_score, bool) or not isinstance(configured_score, int) or not 0 <= configured_score <= 100:
        raise CheckConfigError(f"{path}: min-score must be a whole number from 0 to 100, not {configured_score!r}.")
    configured_allow = settings.get("allow", [])
    if not isinstance(configured_allow, list) or any(label not in LABELS for label in configured_allow):
        raise CheckConfigError(f"{path}: allow must be a list of labels among {', '.join(LABELS)}.")
    return Policy(
        min_score=configured_score if min_score is None else min_score,
        allow=allow or tuple(configured_allow),
        source=path,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CheckConfigError(f"cannot read {path}: {exc}.") from None


def _table(data: dict[str, Any], keys: tuple[str, ...], path: Path, prefix: str = "") -> dict[str, Any]:
    """The table at `keys` in `data` (empty when absent), refused when it is not a table."""
    table: Any = data
    for key in keys:
        table = table.get(key, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise CheckConfigError(f"{path}: [{prefix}{'.'.join(keys)}] must be a table.")
    return table
