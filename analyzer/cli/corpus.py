"""`analyzer corpus check|stats|split`: maintain the labeled corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from analyzer.cli.common import fail


@click.group()
def corpus() -> None:
    """Maintain the labeled corpus: check it, count it, split it."""


corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Corpus folder (default: the bundled corpus/).",
)


def _corpus_dir(option: Path | None) -> Path:
    from analyzer.model.train import DEFAULT_CORPUS_DIR

    return option or DEFAULT_CORPUS_DIR


@corpus.command("check")
@corpus_option
def corpus_check(corpus_dir: Path | None) -> None:
    """Validate every record and list near-duplicate pairs; exit 1 if any.

    Example: analyzer corpus check
    """
    from analyzer.model.corpus import load_corpus, near_duplicates

    docs = load_corpus(_corpus_dir(corpus_dir))
    pairs = near_duplicates(docs)
    for a, b, overlap in pairs:
        click.echo(f"near-duplicate: {a} ~ {b} ({overlap:.0%} of shingles shared)")
    click.echo(f"{len(docs)} documents, {len(pairs)} near-duplicate pairs")
    sys.exit(1 if pairs else 0)


@corpus.command("stats")
@corpus_option
def corpus_stats(corpus_dir: Path | None) -> None:
    """Print the datasheet's count tables (Markdown).

    Example: analyzer corpus stats
    """
    from analyzer.model.corpus import count_table, load_corpus

    docs = load_corpus(_corpus_dir(corpus_dir))
    for row in ("doc_type", "industry"):
        click.echo(f"### label x {row}\n\n{count_table(docs, row)}\n")


@corpus.command("split")
@corpus_option
@click.option("--test-fraction", type=float, default=0.2, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing split (changes what the test set means).")
def corpus_split(corpus_dir: Path | None, test_fraction: float, seed: int, force: bool) -> None:
    """Write split.json: a train/test split stratified by label x doc_type.

    Example: analyzer corpus split --force
    """
    from analyzer.model.corpus import SPLIT_FILE, load_corpus, make_split

    directory = _corpus_dir(corpus_dir)
    target = directory / SPLIT_FILE
    if target.exists() and not force:
        fail(f"{target} exists; the split is fixed so test figures stay comparable. Use --force to replace it.")
    split = make_split(load_corpus(directory), test_fraction, seed)
    target.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    click.echo(f"wrote {target}: {len(split['train'])} train, {len(split['test'])} test")
