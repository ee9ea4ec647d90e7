"""Where models live, and which one is in service: the decision `artifacts` and `registry` share.

A model is chosen in this order: the `--model` option, ANALYZER_MODEL_DIR, the version promoted
in the models folder (`PROMOTED.json`, written by `analyzer models promote`), the bundled model.
Reading the pointer lives here, below both `artifacts` (which loads the chosen directory) and
`registry` (which writes the pointer), so loading a model never imports the registry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from analyzer.errors import ModelIntegrityError, ModelNotFoundError

CARD = "model-card.json"
MODEL_NAME = "messaging"
MODEL_VERSION = "1.3.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models" / f"{MODEL_NAME}-{MODEL_VERSION}"
MODELS_DIR_ENV = "ANALYZER_MODELS_DIR"
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models"
POINTER = "PROMOTED.json"


def resolve_model_dir(option: str | Path | None = None, models_dir: str | Path | None = None) -> Path:
    """The model directory: the option, else ANALYZER_MODEL_DIR, else the version promoted in
    the models folder (`models_dir`, else ANALYZER_MODELS_DIR, else models/), else the bundled model.
    """
    chosen = option or os.environ.get("ANALYZER_MODEL_DIR")
    if chosen:
        return Path(chosen)
    return promoted_dir(models_dir) or DEFAULT_MODEL_DIR


def models_dir(option: str | Path | None = None) -> Path:
    """The models folder: the option, else ANALYZER_MODELS_DIR, else the checkout's models/."""
    return Path(option or os.environ.get(MODELS_DIR_ENV) or DEFAULT_MODELS_DIR)


def read_pointer(folder: Path) -> dict[str, Any] | None:
    """The promotion pointer of the folder, or None when nothing was promoted there."""
    path = folder / POINTER
    try:
        pointer = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(
            f"{path} cannot be read ({exc}). Promote a version again with `analyzer models promote`, or delete it."
        ) from exc
    if not isinstance(pointer, dict) or not isinstance(pointer.get("directory"), str):
        raise ModelIntegrityError(f"{path} names no model directory. Promote a version again, or delete it.")
    return pointer


def promoted_dir(folder: str | Path | None = None) -> Path | None:
    """The promoted version's directory in the models folder, or None when none is promoted.

    A pointer to a missing directory is an error, never a silent fall-back to another model.
    """
    folder = models_dir(folder)
    pointer = read_pointer(folder)
    if pointer is None:
        return None
    directory = folder / Path(pointer["directory"]).name
    if not (directory / CARD).is_file():
        raise ModelNotFoundError(
            f"{folder / POINTER} promotes {pointer['directory']}, which is not in {folder}. "
            "Restore that version, promote another one, or delete the pointer."
        )
    return directory
