"""The `analyzer` command line: argument parsing and output only; the work lives in the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import click

from analyzer.cli.common import Group, fail, model_option, read_settings
from analyzer.errors import AnalyzerError, InputError
from analyzer.labels import LABELS
from analyzer.model.artifacts import LoadedModel, load_model, read_card
from analyzer.model.corpus import SPLIT_FILE, count_table, load_corpus, load_labeled, make_split, near_duplicates
from analyzer.model.evaluate import evaluate_predictions, format_report
from analyzer.model.paths import MODEL_VERSION, resolve_model_dir
from analyzer.model.pipeline import DEFAULT_SEED, Prediction
from analyzer.text.extract import check_text, decode_text
from analyzer.text.ids import check_id

#: Lines classified per model call when streaming JSONL.
CHUNK = 256


@click.group(cls=Group)
@click.version_option(package_name="messaging-analyzer")
def main() -> None:
    """Tell what a piece of marketing collateral does to its reader.

    Every document is labelled awareness-only, feature-pitch or case-for-change.
    """


def _load(model_dir: Path | None) -> LoadedModel:
    return load_model(resolve_model_dir(model_dir))


def _record(doc_id: str, prediction: Prediction) -> dict[str, Any]:
    return {"id": doc_id, "label": prediction.label, "scores": prediction.scores}


def _read_inputs(files: tuple[str, ...]) -> Iterator[tuple[str, str | InputError]]:
    for name in files:
        try:
            if name == "-":
                yield "-", decode_text(sys.stdin.buffer.read(), "standard input")
                continue
            path = Path(name)
            if path.is_dir():
                raise InputError(f"{name} is a directory. Name the files in it (for example {name}/*.md).")
            yield name, decode_text(path.read_bytes(), name)
        except InputError as exc:
            yield name, exc
        except OSError as exc:
            yield name, InputError(f"cannot read {name}: {exc.strerror}. Check the path.")


def _read_jsonl_lines(path: str) -> Iterator[tuple[str, str | InputError]]:
    handle = sys.stdin if path == "-" else None
    try:
        stream = handle or open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}. Check the path.")
    with stream:
        try:
            for number, line in enumerate(stream, 1):
                where = f"{path}:{number}"
                if not line.strip():
                    continue
                doc_id = where
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                        raise InputError(f'{where}: expected an object with a "text" string.')
                    raw_id = obj.get("id")
                    doc_id = str(check_id(number if raw_id is None else raw_id, where))
                    yield doc_id, check_text(obj["text"], where)
                except json.JSONDecodeError as exc:
                    yield where, InputError(f"{where}: not valid JSON ({exc.msg}).")
                except InputError as exc:
                    yield doc_id, exc
        except UnicodeDecodeError:
            fail(f"{path} is not UTF-8 text. Re-save it as UTF-8.")


@main.command()
@click.argument("files", nargs=-1)
@click.option("--jsonl", "jsonl", default=None, help='Classify lines of {"id", "text"} from FILE (- for stdin).')
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@model_option
def classify(files: tuple[str, ...], jsonl: str | None, fmt: str, model_dir: Path | None) -> None:
    """Label text or Markdown files (- reads stdin); one JSON line per input.

    Bad inputs are reported on stderr and the rest are still classified; the exit code is
    then 2.

    Example: analyzer classify examples/*.md --format table
    """
    if not files and not jsonl:
        fail("name at least one FILE (or - for stdin), or --jsonl FILE.")
    model = _load(model_dir)
    inputs = _read_jsonl_lines(jsonl) if jsonl else _read_inputs(files)
    failed = 0
    if fmt == "table":
        click.echo(f"{'label':<17} {'aware':>6} {'feat':>6} {'change':>6}  id")
    while chunk := list(islice(inputs, CHUNK)):
        good = [k for k, (_, text) in enumerate(chunk) if isinstance(text, str)]
        results = dict(zip(good, model.classify([str(chunk[k][1]) for k in good]), strict=True))
        for k, (doc_id, text) in enumerate(chunk):
            if isinstance(text, InputError):
                failed += 1
                click.echo(f"error: {text}", err=True)
                continue
            prediction = results[k]
            if fmt == "table":
                s = prediction.scores
                click.echo(
                    f"{prediction.label:<17} {s[LABELS[0]]:>6.2f} {s[LABELS[1]]:>6.2f} {s[LABELS[2]]:>6.2f}  {doc_id}"
                )
            else:
                click.echo(json.dumps(_record(doc_id, prediction), ensure_ascii=False))
    if failed:
        sys.exit(2)


LABEL_COLOURS = {"awareness-only": "blue", "feature-pitch": "yellow", "case-for-change": "green"}
RUBRIC_NAMES = {
    "why_change": "Why change: what has shifted or broken in the reader's world",
    "price_of_inaction": "Price of inaction: what doing nothing costs the reader",
    "future_state": "Future state: what the reader must reach, and the first step",
}


@main.command()
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

    analyzer = Analyzer(_load(model_dir))
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


@main.command()
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

    analyzer = Analyzer(_load(model_dir))
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
    verdict = f"{label} ({analysis.scores[label]:.0%})" + (
        "  uncertain: read it yourself" if analysis.uncertain else ""
    )
    click.echo(f"  message:  {click.style(verdict, fg=LABEL_COLOURS[label], bold=True)}")
    click.echo("  scores:   " + "  ".join(f"{k} {v:.2f}" for k, v in analysis.scores.items()))
    click.echo(f"  case-for-change score: {analysis.case_for_change_score}/100")
    click.echo("")
    for sentence in analysis.sentences:
        colour = None if sentence.low_signal else LABEL_COLOURS[sentence.label]
        click.echo(f"  {sentence.index:>3} " + click.style(sentence.text, fg=colour) + f"  [{sentence.label}]")
    click.echo("")
    click.echo(click.style("  Rubric", bold=True))
    for name, description in RUBRIC_NAMES.items():
        element = getattr(analysis.rubric, name)
        mark = click.style("[x]", fg="green") if element.present else click.style("[ ]", fg="red")
        evidence = f"  sentences {', '.join(map(str, element.evidence))}" if element.evidence else ""
        click.echo(f"  {mark} {description} ({element.score:.2f}){evidence}")
    if analysis.suggestions:
        click.echo("")
        click.echo(click.style("  Suggested rewrites", bold=True))
        for s in analysis.suggestions:
            click.echo(f"  sentence {s.sentence} -> {s.target.replace('_', ' ')} (+{s.gain:.2f} case-for-change)")
            click.echo(f"    was: {s.original}")
            click.echo("    now: " + click.style(s.rewrite, fg="green"))
            click.echo(f"    why: {s.rationale}")
    click.echo("")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes (one model each).")
@click.option("--insecure", is_flag=True, help="Allow a non-loopback address without API keys.")
@model_option
def serve(host: str, port: int, workers: int, insecure: bool, model_dir: Path | None) -> None:
    """Serve the HTTP API; keys and limits come from ANALYZER_* variables (see README).

    Without ANALYZER_API_KEYS it binds only to a loopback address, unless --insecure.

    Example: ANALYZER_API_KEYS=alice:s3cret analyzer serve --host 0.0.0.0 --workers 2
    """
    import ipaddress
    import os

    import uvicorn

    from analyzer.service.protocol import GuardedH11Protocol

    # Each worker builds its app from the environment, so options travel through it.
    if model_dir is not None:
        os.environ["ANALYZER_MODEL_DIR"] = str(model_dir)
    if insecure:
        os.environ["ANALYZER_INSECURE"] = "true"
    settings = read_settings()
    directory = resolve_model_dir(settings.model_dir)
    if not directory.is_dir():
        fail(f"no model directory at {directory}. Pass --model DIR or set ANALYZER_MODEL_DIR.")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not settings.api_keys and not settings.insecure and not loopback:
        fail(
            f"refusing to serve on {host} without API keys: set ANALYZER_API_KEYS, "
            "bind to 127.0.0.1, or pass --insecure."
        )
    connections, backlog = connection_budget(settings.max_connections, settings.backlog)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    click.echo(f"serving on http://{shown}:{port} with {workers} worker(s); docs at http://{shown}:{port}/docs")
    # uvicorn kills a worker that misses a 5 s health ping and starts another; a worker spends
    # longer than that importing and loading the model on a busy machine, so none ever came up.
    uvicorn.run(
        "analyzer.service.app:app_factory",
        factory=True,
        host=host.strip("[]"),
        port=port,
        workers=workers,
        timeout_worker_healthcheck=60,
        http=GuardedH11Protocol,
        limit_concurrency=connections,
        backlog=backlog,
    )


#: File descriptors a worker keeps for itself: the listening socket, the model's and the
#: database's files (a few per pooled connection), logs, uploads spooled to disk, pipes. About
#: 12 when idle with the bundled model; the rest is headroom.
RESERVED_FILES = 64


def connection_budget(connections: int, backlog: int) -> tuple[int, int]:
    """(connections, backlog) a worker can hold without running out of file descriptors.

    asyncio accepts up to `backlog` queued connections at once before any of them is seen by
    the protocol that sheds idle ones, so both, plus `RESERVED_FILES`, must fit under the soft
    RLIMIT_NOFILE: past it accept() fails with EMFILE and nothing, `/healthz` included, gets in.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return connections, backlog
    backlog = max(16, min(backlog, soft // 4))
    return max(16, min(connections, soft - RESERVED_FILES - backlog)), backlog


@main.command()
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
            f"{entry['held_out']} held out (test split or dev set)"
        )
    for name, metrics in card["metrics"].items():
        click.echo(f"{name}: macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}, n={metrics['n']}")
    click.echo(f"trained in {time.perf_counter() - started:.0f} s")
    if base_model is not None:
        from analyzer.cli.models import show_beside_current

        data = registry.EvaluationData(corpus_dir or training.DEFAULT_CORPUS_DIR, devset or training.default_devset())
        show_beside_current(folder, directory, data)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@model_option
def evaluate(file: Path, as_json: bool, model_dir: Path | None) -> None:
    """Score the model on a labeled JSONL file ({"text", "label"} per line).

    Example: analyzer evaluate ../shared/devset.jsonl
    """
    docs = load_labeled(file)
    if not docs:
        fail(f"{file} holds no labeled documents.")
    model = _load(model_dir)

    metrics = evaluate_predictions([d.label for d in docs], model.probabilities([d.text for d in docs]))
    click.echo(json.dumps(metrics, indent=2) if as_json else format_report(metrics))


@main.command()
@model_option
def info(model_dir: Path | None) -> None:
    """Print the model card (JSON) of the model in use.

    Example: analyzer info --model models/messaging-1.1.0
    """
    click.echo(json.dumps(read_card(resolve_model_dir(model_dir)), indent=2))


@main.group()
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
    directory = _corpus_dir(corpus_dir)
    target = directory / SPLIT_FILE
    if target.exists() and not force:
        fail(f"{target} exists; the split is fixed so test figures stay comparable. Use --force to replace it.")
    split = make_split(load_corpus(directory), test_fraction, seed)
    target.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    click.echo(f"wrote {target}: {len(split['train'])} train, {len(split['test'])} test")


# Commands with a module of their own (analyzer/cli/<name>.py) are attached here.
from analyzer.cli.audit import audit  # noqa: E402
from analyzer.cli.feedback import feedback  # noqa: E402
from analyzer.cli.models import models  # noqa: E402

main.add_command(audit)
main.add_command(feedback)
main.add_command(models)
