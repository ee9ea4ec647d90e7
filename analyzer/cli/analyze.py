"""`analyzer analyze` (the full analysis of drafts) and `analyzer check` (drafts checked like a linter)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from analyzer.audit.check.config import DEFAULT_MIN_SCORE, Policy, load_policy
from analyzer.audit.check.verdict import FileCheck
from analyzer.cli.common import model_option
from analyzer.cli.jobs import Engine, Printed
from analyzer.cli.runner import resident_option, runner
from analyzer.errors import AnalyzerError, InputError
from analyzer.labels import LABELS

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


def read_source(name: str, as_format: str | None) -> dict[str, Any]:
    """The document FILE names (- is standard input, as text unless `as_format` says otherwise),
    as bytes and the arguments `extract` reads them with, refused now if `extract` would refuse
    them before parsing (empty, too large, a format we do not read).

    A file name whose extension is no format we read is refused, not read as text: the
    writer learns at once, and says the format with --as when the name is odd on purpose.
    """
    from analyzer.text.extract import screen

    fmt: str | None
    if name == "-":
        data, filename, fmt, strict = sys.stdin.buffer.read(), "standard input", as_format or "text", False
    else:
        path = Path(name)
        if path.is_dir():
            raise InputError(f"{name} is a directory. Name the files in it (for example {name}/*.md).")
        data, filename, fmt, strict = path.read_bytes(), path.name, as_format, True
    screen(data, filename, format=fmt, strict=strict)
    return {"data": data, "filename": filename, "format": fmt, "strict": strict}


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--suggestions/--no-suggestions", default=True, show_default=True, help="Suggest rewrites.")
@click.option("--max-suggestions", type=click.IntRange(0, 20), default=5, show_default=True)
@as_option
@model_option
@resident_option
def analyze(
    files: tuple[str, ...],
    fmt: str,
    suggestions: bool,
    max_suggestions: int,
    as_format: str | None,
    model_dir: Path | None,
    resident: bool,
) -> None:
    """Analyze documents (.txt .md .html .pdf .docx; - reads stdin as text): label, sentences,
    rubric, explanations and suggested rewrites.

    --format json prints one Analysis object per line, with "source". A file of another
    extension is refused (exit 2) unless --as says its format.

    Example: analyzer analyze examples/manual-invoicing.md
    """
    work = runner(model_dir, resident=resident)
    options = {"suggestions": suggestions, "max_suggestions": max_suggestions}
    status = 0
    for name in files:
        try:
            source = read_source(name, as_format)
        except AnalyzerError as exc:
            printed = _unreadable(name, exc)
        except OSError as exc:
            printed = Printed(err=f"error: cannot read {name}: {exc.strerror}. Check the path.\n", status=2)
        else:
            [printed] = work.run("analyze", {"name": name, "source": source, "options": options, "format": fmt})
        printed.emit()
        status = max(status, printed.status)
    if status:
        sys.exit(status)


def analyze_document(engine: Engine, payload: dict[str, Any]) -> list[Printed]:
    """The job: one document read from its bytes (`read_source`), analyzed and printed."""
    from analyzer.analysis.analyzer import AnalyzeOptions
    from analyzer.text.extract import extract

    analyzer = engine.analyzer  # a model that cannot analyze stops the command, not one file
    name, source = payload["name"], payload["source"]
    try:
        document = extract(
            source["data"], filename=source["filename"], format=source["format"], strict=source["strict"]
        )
        analysis = analyzer.analyze(document, source=name, options=AnalyzeOptions(**payload["options"]))
    except AnalyzerError as exc:
        return [_unreadable(name, exc)]
    return [Printed(out=analysis.model_dump_json() + "\n" if payload["format"] == "json" else _report(analysis))]


def _unreadable(name: str, exc: AnalyzerError) -> Printed:
    return Printed(err=f"error: {name}: {exc}\n", status=2)


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
@resident_option
def check(
    files: tuple[str, ...],
    min_score: int | None,
    allowed: tuple[str, ...],
    fmt: str,
    config: Path | None,
    as_format: str | None,
    model_dir: Path | None,
    resident: bool,
) -> None:
    """Check drafts in CI like a prose linter: exit 1 if any falls below the floor
    (--min-score, 40 unless configured) or has a label not allowed, 2 if a file cannot be read.
    A failing file gets findings on its lines: its weakest sentences, and where each missing
    question of a case for change belongs, with a rewrite to start from.

    --format github prints GitHub Actions annotations (file, line, column).

    Example: analyzer check docs/blog/*.md --min-score 40 --allow case-for-change --format github
    """
    from analyzer.text.extract import screen

    policy = load_policy(min_score=min_score, allow=allowed, config=config, start=Path.cwd())
    work = runner(model_dir, resident=resident)
    status = 0
    for name in files:
        try:
            data = Path(name).read_bytes()
            screen(data, name, format=as_format, strict=True)
        except AnalyzerError as exc:
            printed = _checked(fmt, FileCheck(name, error=str(exc)))
        except OSError as exc:
            printed = _checked(fmt, FileCheck(name, error=f"cannot read it: {exc.strerror or exc}"))
        else:
            policy_values = {"min_score": policy.min_score, "allow": list(policy.allow)}
            payload = {"name": name, "data": data, "as_format": as_format, "policy": policy_values, "format": fmt}
            [printed] = work.run("check", payload)
        printed.emit()
        status = max(status, printed.status)
    sys.exit(status)


def check_document(engine: Engine, payload: dict[str, Any]) -> list[Printed]:
    """The job: one file's bytes checked against the policy and printed in the chosen format."""
    from analyzer.audit.check.findings import check_data

    policy = Policy(min_score=payload["policy"]["min_score"], allow=tuple(payload["policy"]["allow"]))
    result = check_data(engine.analyzer, payload["name"], payload["data"], policy, payload["as_format"])
    return [_checked(payload["format"], result)]


def _checked(fmt: str, result: FileCheck) -> Printed:
    """What a file's check prints, and its status: 2 unreadable, 1 failed, 0 passed."""
    return Printed(out=_check_output(fmt, result), status=2 if result.error is not None else 0 if result.passed else 1)


def _check_output(fmt: str, result: FileCheck) -> str:
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
        at = f"{finding.place.line}:{finding.place.col}:" if finding.place else ""
        lines.append(f"  {result.path}:{at} {finding.message}")
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    """A GitHub workflow command's message: %, CR and LF escaped so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A GitHub workflow command's property value: also ':' and ',' escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _report(analysis: Any) -> str:
    """A terminal report: the verdict, the draft coloured by label, the rubric, the rewrites
    (click styles included: `click.echo` drops them when the output is not a terminal)."""
    lines: list[str] = []
    echo = lines.append
    label = analysis.label
    echo(click.style(f"{analysis.source}", bold=True))
    if analysis.mixed:
        first, second = analysis.leading
        verdict = f"mixed: {first} ({analysis.scores[first]:.0%}) and {second} ({analysis.scores[second]:.0%})"
        echo(f"  message:  {click.style(verdict, bold=True)}  no message dominates: read it yourself")
    else:
        verdict = f"{label} ({analysis.scores[label]:.0%})" + (
            "  uncertain: read it yourself" if analysis.uncertain else ""
        )
        echo(f"  message:  {click.style(verdict, fg=LABEL_COLOURS[label], bold=True)}")
    echo("  scores:   " + "  ".join(f"{k} {v:.2f}" for k, v in analysis.scores.items()))
    echo(f"  case-for-change score: {analysis.case_for_change_score}/100")
    echo("")
    for sentence in analysis.sentences:
        colour = None if sentence.low_signal else LABEL_COLOURS[sentence.label]
        echo(f"  {sentence.index + 1:>3} " + click.style(sentence.text, fg=colour) + f"  [{sentence.label}]")
    echo("")
    echo(click.style("  Rubric", bold=True))
    for name, description in RUBRIC_NAMES.items():
        element = getattr(analysis.rubric, name)
        mark = click.style("[x]", fg="green") if element.present else click.style("[ ]", fg="red")
        evidence = f"  sentences {', '.join(str(i + 1) for i in element.evidence)}" if element.evidence else ""
        named = f"  named by the section \u201c{element.named_by}\u201d" if element.named_by else ""
        echo(f"  {mark} {description} ({element.score:.2f}){named}{evidence}")
    if analysis.suggestions:
        echo("")
        echo(click.style("  Suggested rewrites", bold=True) + "  (answer each [bracketed question] before pasting)")
        for s in analysis.suggestions:
            echo(f"  Sentence {s.sentence + 1}: {s.original}")
            for k, alternative in enumerate(s.alternatives, start=1):
                move = alternative.move.replace("_", " ")
                after = alternative.scores_after.get("case-for-change", 0.0)
                check = ""
                if alternative.check is not None:
                    check = "; check model agrees" if alternative.check.agrees else "; check model disagrees"
                echo(f"    {k}. {move}: " + click.style(alternative.text, fg="green"))
                echo(f"       {alternative.rationale} (this sentence, filled in: {after:.0%} case-for-change{check})")
                for placeholder in alternative.placeholders:
                    echo(f"       fill in: {placeholder.question}")
    elif analysis.main_claim is not None and analysis.coaching:
        echo("")
        echo(click.style("  Main claim", bold=True) + "  (no rewrite on offer: answer the questions below around it)")
        echo(f"  Sentence {analysis.main_claim.sentence + 1}: {analysis.main_claim.text}")
    if analysis.coaching:
        echo("")
        echo(click.style("  Questions to answer", bold=True) + "  (for the elements the piece is missing)")
        for name, questions in analysis.coaching.items():
            echo(f"  {RUBRIC_NAMES[name].split(':')[0]}:")
            for question in questions:
                echo(f"    - {question}")
    echo("")
    return "\n".join(lines) + "\n"
