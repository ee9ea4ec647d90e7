"""`analyzer analyze` (the full analysis of drafts) and `analyzer check` (drafts checked like a linter)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer.audit.check.config import DEFAULT_MIN_SCORE, load_policy
from analyzer.cli.common import load, model_option
from analyzer.errors import AnalyzerError, InputError
from analyzer.labels import LABELS

if TYPE_CHECKING:
    from analyzer.text.extract import Extracted

LABEL_COLOURS = {"awareness-only": "blue", "feature-pitch": "yellow", "case-for-change": "green"}
#: `analyzer.text.extract.FORMATS`, spelled out so that `--help` need not import the extractors
#: (tests/test_cli.py holds the two equal).
FORMATS = ("text", "markdown", "html", "pdf", "docx")
as_option = click.option(
    "--as",
    "as_format",
    type=click.Choice(FORMATS),
    default=None,
    help="Read every file as this format, whatever its extension (default: by extension; - is text).",
)
RUBRIC_NAMES = {
    "why_change": "Why change: what has shifted or broken in the reader's world",
    "price_of_inaction": "Price of inaction: what doing nothing costs the reader",
    "future_state": "Future state: what the reader must reach, and the first step",
}


def read_document(name: str, as_format: str | None) -> Extracted:
    """The document FILE names (- is standard input, as text unless `as_format` says otherwise).

    A file name whose extension is no format we read is refused, not read as text: the
    writer learns at once, and says the format with --as when the name is odd on purpose.
    """
    from analyzer.text.extract import extract

    if name == "-":
        return extract(sys.stdin.buffer.read(), filename="standard input", format=as_format or "text")
    path = Path(name)
    if path.is_dir():
        raise InputError(f"{name} is a directory. Name the files in it (for example {name}/*.md).")
    return extract(path.read_bytes(), filename=path.name, format=as_format, strict=True)


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--suggestions/--no-suggestions", default=True, show_default=True, help="Suggest rewrites.")
@click.option("--max-suggestions", type=click.IntRange(0, 20), default=5, show_default=True)
@as_option
@model_option
def analyze(
    files: tuple[str, ...],
    fmt: str,
    suggestions: bool,
    max_suggestions: int,
    as_format: str | None,
    model_dir: Path | None,
) -> None:
    """Analyze documents (.txt .md .html .pdf .docx; - reads stdin as text): label, sentences,
    rubric, explanations and suggested rewrites.

    --format json prints one Analysis object per line, with "source". A file of another
    extension is refused (exit 2) unless --as says its format.

    Example: analyzer analyze examples/manual-invoicing.md
    """
    from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer

    analyzer = Analyzer(load(model_dir))
    options = AnalyzeOptions(suggestions=suggestions, max_suggestions=max_suggestions)
    failed = 0
    for name in files:
        try:
            analysis = analyzer.analyze(read_document(name, as_format), source=name, options=options)
        except AnalyzerError as exc:
            failed += 1
            click.echo(f"error: {name}: {exc}", err=True)
            continue
        except OSError as exc:
            failed += 1
            click.echo(f"error: cannot read {name}: {exc.strerror}. Check the path.", err=True)
            continue
        if fmt == "json":
            click.echo(analysis.model_dump_json())
        else:
            _print_report(analysis)
    if failed:
        sys.exit(2)


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--min-score",
    type=click.IntRange(0, 100),
    default=None,
    help=f"Fail a file whose case-for-change score is below this (default: the config's, else {DEFAULT_MIN_SCORE}).",
)
@click.option(
    "--allow",
    "allowed",
    multiple=True,
    type=click.Choice(list(LABELS)),
    help="Labels a file may have (repeatable; default: the config's, else any).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Settings file (default: the closest .analyzer.toml, or pyproject.toml with [tool.analyzer.check]).",
)
@as_option
@model_option
def check(
    files: tuple[str, ...],
    min_score: int | None,
    allowed: tuple[str, ...],
    fmt: str,
    config: Path | None,
    as_format: str | None,
    model_dir: Path | None,
) -> None:
    """Check drafts in CI like a prose linter: exit 1 if any falls below the floor
    (--min-score, 40 unless configured) or has a label not allowed, 2 if a file cannot be read.
    A failing file gets findings on its lines: its weakest sentences, and where each missing
    question of a case for change belongs, with a rewrite to start from.

    --format github prints GitHub Actions annotations (file, line, column).

    Example: analyzer check docs/blog/*.md --min-score 40 --allow case-for-change --format github
    """
    from analyzer.analysis.analyzer import Analyzer
    from analyzer.audit.check.findings import check_file

    policy = load_policy(min_score=min_score, allow=allowed, config=config, start=Path.cwd())
    analyzer = Analyzer(load(model_dir))
    results = [check_file(analyzer, name, policy, as_format) for name in files]
    for result in results:
        click.echo(_check_output(fmt, result), nl=False)
    unreadable = sum(result.error is not None for result in results)
    failed = sum(not result.passed for result in results)
    sys.exit(2 if unreadable else 1 if failed else 0)


def _check_output(fmt: str, result: Any) -> str:
    """One file's lines in the chosen format (empty for a passing file in github format)."""
    analysis = result.analysis
    message = result.error or "; ".join(result.problems) or "passes"
    if fmt == "json":
        record: dict[str, Any] = {"file": result.path, "status": "ok" if result.passed else "error", "message": message}
        if analysis is not None:
            record |= {"label": analysis.label, "case_for_change_score": analysis.case_for_change_score}
        record["findings"] = [
            {
                "kind": finding.kind,
                "sentence": finding.sentence + 1 if finding.sentence is not None else None,
                **(asdict(finding.place) if finding.place else {"line": None, "col": None}),
                "message": finding.message,
            }
            for finding in result.findings
        ]
        return json.dumps(record) + "\n"
    if fmt == "github":
        if result.passed:
            return ""
        lines = [f"::error file={_property(result.path)},title=Messaging::{_data(message)}"]
        for finding in result.findings:
            where = f"file={_property(result.path)}"
            if finding.place:
                place = finding.place
                where += f",line={place.line},col={place.col},endLine={place.end_line},endColumn={place.end_col}"
            lines.append(f"::warning {where},title={_property(finding.title)}::{_data(finding.message)}")
        return "\n".join(lines) + "\n"
    score = f" ({analysis.label}, {analysis.case_for_change_score}/100)" if analysis is not None else ""
    lines = [f"{'FAIL' if not result.passed else 'ok  '} {result.path}{score}: {message}"]
    for finding in result.findings:
        place = f"{finding.place.line}:{finding.place.col}:" if finding.place else ""
        lines.append(f"  {result.path}:{place} {finding.message}")
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    """A GitHub workflow command's message: %, CR and LF escaped so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A GitHub workflow command's property value: also ':' and ',' escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _print_report(analysis: Any) -> None:
    """A terminal report: the verdict, the draft coloured by label, the rubric, the rewrites."""
    label = analysis.label
    click.echo(click.style(f"{analysis.source}", bold=True))
    if analysis.mixed:
        first, second = analysis.leading
        verdict = f"mixed: {first} ({analysis.scores[first]:.0%}) and {second} ({analysis.scores[second]:.0%})"
        click.echo(f"  message:  {click.style(verdict, bold=True)}  no message dominates: read it yourself")
    else:
        verdict = f"{label} ({analysis.scores[label]:.0%})" + (
            "  uncertain: read it yourself" if analysis.uncertain else ""
        )
        click.echo(f"  message:  {click.style(verdict, fg=LABEL_COLOURS[label], bold=True)}")
    click.echo("  scores:   " + "  ".join(f"{k} {v:.2f}" for k, v in analysis.scores.items()))
    click.echo(f"  case-for-change score: {analysis.case_for_change_score}/100")
    click.echo("")
    for sentence in analysis.sentences:
        colour = None if sentence.low_signal else LABEL_COLOURS[sentence.label]
        click.echo(f"  {sentence.index + 1:>3} " + click.style(sentence.text, fg=colour) + f"  [{sentence.label}]")
    click.echo("")
    click.echo(click.style("  Rubric", bold=True))
    for name, description in RUBRIC_NAMES.items():
        element = getattr(analysis.rubric, name)
        mark = click.style("[x]", fg="green") if element.present else click.style("[ ]", fg="red")
        evidence = f"  sentences {', '.join(str(i + 1) for i in element.evidence)}" if element.evidence else ""
        click.echo(f"  {mark} {description} ({element.score:.2f}){evidence}")
    if analysis.suggestions:
        click.echo("")
        click.echo(
            click.style("  Suggested rewrites", bold=True) + "  (answer each [bracketed question] before pasting)"
        )
        for s in analysis.suggestions:
            click.echo(f"  Sentence {s.sentence + 1}: {s.original}")
            for k, alternative in enumerate(s.alternatives, start=1):
                move = alternative.move.replace("_", " ")
                after = alternative.scores_after.get("case-for-change", 0.0)
                check = ""
                if alternative.check is not None:
                    check = "; check model agrees" if alternative.check.agrees else "; check model disagrees"
                click.echo(f"    {k}. {move}: " + click.style(alternative.text, fg="green"))
                click.echo(
                    f"       {alternative.rationale} (this sentence, filled in: {after:.0%} case-for-change{check})"
                )
                for placeholder in alternative.placeholders:
                    click.echo(f"       fill in: {placeholder.question}")
    if analysis.coaching:
        click.echo("")
        click.echo(click.style("  Questions to answer", bold=True) + "  (for the elements the piece is missing)")
        for name, questions in analysis.coaching.items():
            click.echo(f"  {RUBRIC_NAMES[name].split(':')[0]}:")
            for question in questions:
                click.echo(f"    - {question}")
    click.echo("")
