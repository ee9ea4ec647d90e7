"""`analyzer analyze` (the full analysis of drafts) and `analyzer check` (drafts checked like a linter)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from analyzer.cli.common import load, model_option
from analyzer.errors import AnalyzerError, InputError
from analyzer.labels import LABELS

LABEL_COLOURS = {"awareness-only": "blue", "feature-pitch": "yellow", "case-for-change": "green"}
RUBRIC_NAMES = {
    "why_change": "Why change: what has shifted or broken in the reader's world",
    "price_of_inaction": "Price of inaction: what doing nothing costs the reader",
    "future_state": "Future state: what the reader must reach, and the first step",
}


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--suggestions/--no-suggestions", default=True, show_default=True, help="Suggest rewrites.")
@click.option("--max-suggestions", type=click.IntRange(0, 20), default=5, show_default=True)
@model_option
def analyze(files: tuple[str, ...], fmt: str, suggestions: bool, max_suggestions: int, model_dir: Path | None) -> None:
    """Analyze documents (.txt .md .html .pdf .docx; - reads stdin as text): label, sentences,
    rubric, explanations and suggested rewrites.

    --format json prints one Analysis object per line, with "source".

    Example: analyzer analyze examples/manual-invoicing.md
    """
    from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
    from analyzer.text.extract import extract

    analyzer = Analyzer(load(model_dir))
    options = AnalyzeOptions(suggestions=suggestions, max_suggestions=max_suggestions)
    failed = 0
    for name in files:
        try:
            if name == "-":
                extracted = extract(sys.stdin.buffer.read(), filename="stdin.txt")
            else:
                path = Path(name)
                if path.is_dir():
                    raise InputError(f"{name} is a directory. Name the files in it (for example {name}/*.md).")
                extracted = extract(path.read_bytes(), filename=path.name)
            analysis = analyzer.analyze(extracted, source=name, options=options)
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
    default=0,
    show_default=True,
    help="Fail a file whose case-for-change score is below this.",
)
@click.option(
    "--allow",
    "allowed",
    multiple=True,
    type=click.Choice(list(LABELS)),
    help="Labels a file may have (repeatable; default: any).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@model_option
def check(files: tuple[str, ...], min_score: int, allowed: tuple[str, ...], fmt: str, model_dir: Path | None) -> None:
    """Check drafts in CI like a prose linter: exit 1 if any falls below --min-score or has a
    label not in --allow, 2 if a file cannot be read.

    --format github prints GitHub Actions annotations.

    Example: analyzer check docs/blog/*.md --min-score 40 --allow case-for-change --format github
    """
    from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
    from analyzer.text.extract import extract

    analyzer = Analyzer(load(model_dir))
    options = AnalyzeOptions(sentences=False, explanations=False, suggestions=False)
    failed = unreadable = 0
    for name in files:
        try:
            analysis = analyzer.analyze(extract(Path(name).read_bytes(), filename=name), source=name, options=options)
        except (AnalyzerError, OSError) as exc:
            unreadable += 1
            reason = str(exc) if isinstance(exc, AnalyzerError) else f"cannot read it: {exc.strerror}"
            _check_line(fmt, name, "error", reason, None)
            continue
        problems = []
        if analysis.case_for_change_score < min_score:
            problems.append(f"case-for-change score {analysis.case_for_change_score} is below {min_score}")
        if allowed and analysis.label not in allowed:
            problems.append(f"reads as {analysis.label}, not {' or '.join(allowed)}")
        missing = [element for element in RUBRIC_NAMES if not getattr(analysis.rubric, element).present]
        if problems and missing:
            problems.append("missing: " + ", ".join(m.replace("_", " ") for m in missing))
        failed += bool(problems)
        _check_line(fmt, name, "error" if problems else "ok", "; ".join(problems) or "passes", analysis)
    sys.exit(2 if unreadable else 1 if failed else 0)


def _check_line(fmt: str, name: str, status: str, message: str, analysis: Any) -> None:
    if fmt == "json":
        record: dict[str, Any] = {"file": name, "status": status, "message": message}
        if analysis is not None:
            record |= {"label": analysis.label, "case_for_change_score": analysis.case_for_change_score}
        click.echo(json.dumps(record))
    elif fmt == "github":
        if status != "ok":
            click.echo(f"::error file={name},title=Messaging::{message}")
    else:
        score = f" ({analysis.label}, {analysis.case_for_change_score}/100)" if analysis is not None else ""
        click.echo(f"{'FAIL' if status != 'ok' else 'ok  '} {name}{score}: {message}")


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
