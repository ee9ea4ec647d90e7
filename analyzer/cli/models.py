"""`analyzer models`: the versions in the models folder, and promoting one past the gate."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer.cli.common import Group

if TYPE_CHECKING:
    from analyzer.model import registry

#: `analyzer.model.registry.DEFAULT_TOLERANCE`, spelled out so that `--help` need not import
#: scikit-learn (tests/test_cli.py holds the two equal).
DEFAULT_TOLERANCE = 0.01

models_dir_option = click.option(
    "--models-dir",
    "models_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Models folder (default: $ANALYZER_MODELS_DIR, else models/).",
)


@click.group(cls=Group)
def models() -> None:
    """List the model versions and promote one past the evaluation gate."""


@models.command("list")
@models_dir_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
def list_versions(models_dir: Path | None, as_json: bool) -> None:
    """Each version with its test and dev macro-F1, when it was trained, its base, and which
    one is in service (promoted, else the bundled model).

    Example: analyzer models list
    """
    from analyzer.model import paths, registry

    folder = paths.models_dir(models_dir)
    versions, problems = registry.list_versions(folder)
    current = registry.current_version(folder)
    pointer = paths.read_pointer(folder)
    rows = [_row(version, current, pointer) for version in versions]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
    else:
        click.echo(f"{'version':<20} {'test F1':>7} {'dev F1':>7}  {'created':<26} {'base':<12} status")
        for row in rows:
            test, dev = (f"{row[k]:.4f}" if row[k] is not None else "-" for k in ("test_macro_f1", "devset_macro_f1"))
            base = row["base"] or "-"
            click.echo(f"{row['version']:<20} {test:>7} {dev:>7}  {row['created']:<26} {base:<12} {row['status']}")
        if not any(row["status"] for row in rows):
            click.echo(f"in service: the bundled model {current.version} ({current.directory})")
    for problem in problems:
        click.echo(f"warning: skipped {problem}", err=True)
    if os.environ.get("ANALYZER_MODEL_DIR"):
        click.echo(
            f"note: ANALYZER_MODEL_DIR={os.environ['ANALYZER_MODEL_DIR']} overrides the promoted version here.",
            err=True,
        )


def _row(
    version: registry.ModelVersion, current: registry.ModelVersion, pointer: dict[str, Any] | None
) -> dict[str, Any]:
    if pointer is not None and version.directory.name == pointer["directory"]:
        status = "promoted"
    elif pointer is None and (version.version, version.artifact_sha256) == (current.version, current.artifact_sha256):
        status = "current (bundled)"
    else:
        status = ""
    return {
        "version": version.version,
        "directory": str(version.directory),
        "test_macro_f1": version.macro_f1("test"),
        "devset_macro_f1": version.macro_f1("devset"),
        "created": version.created,
        "base": version.base,
        "status": status,
    }


def show_beside_current(folder: Path, directory: Path, data: registry.EvaluationData) -> None:
    """A new version's figures beside the model in service, and what the gate would say."""
    from analyzer.model import registry

    decision = registry.gate(
        registry.ModelVersion.read(directory), registry.current_version(folder), registry.DEFAULT_TOLERANCE, data
    )
    click.echo(f"beside {decision.current.version} (in service):")
    for line in decision.lines():
        click.echo(f"  {line}")
    if decision.passed:
        click.echo(f"the gate would promote it: analyzer models promote {decision.candidate.version}")
    else:
        click.echo(f"the gate would refuse it: {decision.verdict()}")


@models.command("promote")
@click.argument("version")
@click.option("--force", is_flag=True, help="Promote even when the gate refuses.")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    help="How much lower (macro-F1) the candidate may score on either set.",
)
@click.option("--reason", default=None, help="Why, for the record (the card's history and the pointer).")
@models_dir_option
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Corpus whose test split to re-evaluate on, when a card's figure is missing or stale.",
)
@click.option(
    "--devset",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="The dev set to re-evaluate on (default: ../shared/devset.jsonl if present).",
)
def promote(
    version: str,
    force: bool,
    tolerance: float,
    reason: str | None,
    models_dir: Path | None,
    corpus_dir: Path | None,
    devset: Path | None,
) -> None:
    """Put VERSION in service, unless its macro-F1 on the corpus test split or the dev set is
    lower than the current model's by more than --tolerance (exit 1 with the figures).

    Running services pick it up on restart or on POST /v1/admin/reload.

    Example: analyzer models promote 1.1.0-r1 --reason "editor corrections, week 12"
    """
    from analyzer.model import paths, registry
    from analyzer.model import train as training

    data = registry.EvaluationData(corpus_dir or training.DEFAULT_CORPUS_DIR, devset or training.default_devset())
    folder = paths.models_dir(models_dir)
    try:
        decision = registry.promote(folder, version, data, tolerance=tolerance, force=force, reason=reason)
    except registry.PromotionRefusedError as exc:
        click.echo(f"error: {exc.decision.verdict()}", err=True)
        for line in exc.decision.lines():
            click.echo(f"  {line}", err=True)
        sys.exit(exc.exit_code)
    forced = " (forced past the gate)" if not decision.passed else ""
    click.echo(f"promoted {decision.candidate.version}{forced}; previously {decision.current.version}")
    for line in decision.lines():
        click.echo(f"  {line}")
    click.echo("Services pick it up on restart or on POST /v1/admin/reload.")


@models.command("sign")
@click.argument("version")
@models_dir_option
def sign(version: str, models_dir: Path | None) -> None:
    """Sign a model's card with the key in ANALYZER_MODEL_SIGNING_KEY, and print its sha256.

    A model folder is code (its pickles run when loaded): a server or an audit worker whose
    environment has ANALYZER_MODEL_SIGNING_KEY loads only models signed with that key, and one
    with ANALYZER_MODEL_CARD_SHA256 only the cards pinned there. Sign where you trained it.

    Example: ANALYZER_MODEL_SIGNING_KEY=... analyzer models sign 1.1.0-r1
    """
    from analyzer.model import paths, registry
    from analyzer.model.artifacts import card_sha256, sign_model

    directory = registry.find_model(paths.models_dir(models_dir), version).directory
    signature = sign_model(directory)
    click.echo(f"wrote {signature}")
    click.echo(f"card sha256 (for ANALYZER_MODEL_CARD_SHA256): {card_sha256(directory)}")
