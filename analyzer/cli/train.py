"""`analyzer train`, `evaluate` and `info`: make a model, score it on labeled data, show its card."""

from __future__ import annotations

import json
from pathlib import Path

import click

from analyzer.cli.common import fail, load, model_option

#: `analyzer.model.pipeline.DEFAULT_SEED`, spelled out so that `--help` need not import
#: scikit-learn (tests/test_cli.py holds the two equal).
DEFAULT_SEED = 7
#: `analyzer.model.train.HOLDOUT_SHARE`, likewise.
HOLDOUT_SHARE = 0.2


@click.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Models folder (default: $ANALYZER_MODELS_DIR, else models/).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--devset",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Labeled real-world JSONL to report on (default: ../shared/devset.jsonl if present).",
)
@click.option(
    "--version",
    "version",
    default=None,
    help="Model version (default: the package's; for a retrain, the base's with the next -rN suffix).",
)
@click.option(
    "--with-feedback",
    "feedback",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Corrections in the corpus format (`analyzer feedback export`) to train on too; repeatable.",
)
@click.option(
    "--reuse-params/--select-params",
    "reuse_params",
    default=None,
    help="Reuse the base model's hyperparameters and tuned settings (default with --with-feedback).",
)
@click.option(
    "--hold-out",
    "holdout_share",
    type=click.FloatRange(0, 0.5),
    default=HOLDOUT_SHARE,
    show_default=True,
    help="Share of the corrections of new texts, the newest, kept out of training as the gate's evaluation set.",
)
@click.option(
    "--base",
    "base",
    default=None,
    help="The model a retrain starts from: a version in the models folder or a directory "
    "(default: the promoted model, else the bundled one).",
)
def train(
    corpus_dir: Path | None,
    out_dir: Path | None,
    seed: int,
    devset: Path | None,
    version: str | None,
    feedback: tuple[Path, ...],
    reuse_params: bool | None,
    holdout_share: float,
    base: str | None,
) -> None:
    """Select, train, evaluate and save a model; prints its directory and figures.

    With --with-feedback (or --reuse-params) it is a retrain: a new version beside its base,
    then `analyzer models promote VERSION` puts it in service if it passes the gate.

    Example: analyzer train --with-feedback corrections.jsonl
    """
    import time

    from analyzer.model import paths, registry
    from analyzer.model import train as training
    from analyzer.model.paths import MODEL_VERSION

    started = time.perf_counter()
    folder = paths.models_dir(out_dir)
    reuse = bool(feedback) if reuse_params is None else reuse_params
    if base is not None and not (feedback or reuse):
        fail("--base names the model a retrain starts from: add --with-feedback FILE or --reuse-params.")
    base_model = registry.find_model(folder, base) if feedback or reuse else None
    if base_model is not None and version is None:
        version = training.next_version(folder, base_model.version)
    directory, card = training.train(
        corpus_dir=corpus_dir or training.DEFAULT_CORPUS_DIR,
        out_dir=folder,
        seed=seed,
        devset=devset or training.default_devset(),
        version=version or MODEL_VERSION,
        feedback=feedback,
        base=base_model,
        reuse_params=reuse,
        holdout_share=holdout_share,
    )
    click.echo(f"wrote {directory}")
    params = card["hyperparameters"]
    if base_model is not None and reuse:
        click.echo(f"hyperparameters and tuned settings reused from {base_model.version}")
    elif params.get("cv_macro_f1") is not None:
        click.echo(f"cross-validated macro-F1 {params['cv_macro_f1']:.3f}")
    for entry in card.get("training_data", {}).get("feedback", []):
        click.echo(
            f"feedback {entry['file']}: {entry['records']} records, {entry['added']} added, "
            f"{entry['overriding']} overriding, {entry['duplicates_dropped']} duplicates dropped, "
            f"{entry['held_out']} held out (test split or dev set), "
            f"{entry['held_out_for_gate']} held out for the gate"
        )
    for name, metrics in card["metrics"].items():
        click.echo(f"{name}: macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}, n={metrics['n']}")
    if "devset" not in card["metrics"]:
        where = training.default_devset_path()
        click.echo(f"devset: not measured (put the real-world dev set at {where}, or pass --devset FILE)")
    click.echo(f"trained in {time.perf_counter() - started:.0f} s")
    if base_model is not None:
        from analyzer.cli.models import show_beside_current

        data = registry.EvaluationData(corpus_dir or training.DEFAULT_CORPUS_DIR, devset or training.default_devset())
        show_beside_current(folder, directory, data)


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@model_option
def evaluate(file: Path, as_json: bool, model_dir: Path | None) -> None:
    """Score the model on a labeled JSONL file ({"text", "label"} per line).

    Example: analyzer evaluate ../shared/devset.jsonl
    """
    from analyzer.model.corpus import load_labeled
    from analyzer.model.evaluate import evaluate_predictions, format_report

    docs = load_labeled(file)
    if not docs:
        fail(f"{file} holds no labeled documents.")
    model = load(model_dir, sentences=False)

    metrics = evaluate_predictions([d.label for d in docs], model.probabilities([d.text for d in docs]))
    click.echo(json.dumps(metrics, indent=2) if as_json else format_report(metrics))


@click.command()
@model_option
def info(model_dir: Path | None) -> None:
    """Print the model card (JSON) of the model in use.

    Example: analyzer info --model models/messaging-1.1.0
    """
    from analyzer.model.artifacts import read_card
    from analyzer.model.paths import resolve_model_dir

    click.echo(json.dumps(read_card(resolve_model_dir(model_dir)), indent=2))
