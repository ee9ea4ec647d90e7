"""`analyzer classify`: label text files, standard input or JSONL lines, streamed."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer.cli.common import fail, model_option
from analyzer.cli.jobs import Engine, Printed
from analyzer.cli.runner import resident_option, runner
from analyzer.errors import InputError
from analyzer.labels import LABELS
from analyzer.text.extract import check_text, decode_text
from analyzer.text.ids import check_id

if TYPE_CHECKING:
    from analyzer.model.pipeline import Prediction

#: Lines classified per model call when streaming JSONL.
CHUNK = 256
SHORT_NAMES = {"awareness-only": "aware", "feature-pitch": "feat", "case-for-change": "change"}
#: Decimals of the scores classify prints, in JSON lines and tables alike: a label for people
#: and scripts that sort or threshold; `analyze --format json` and the API keep full precision.
DECIMALS = 2


def _record(doc_id: str, prediction: Prediction) -> dict[str, Any]:
    return {
        "id": doc_id,
        "label": prediction.label,
        "scores": {label: round(score, DECIMALS) for label, score in prediction.scores.items()},
        "mixed": prediction.mixed,
        "leading": list(prediction.leading or ()),
    }


def _table_label(prediction: Prediction) -> str:
    """The label column: the label, or "mixed" and the two leading messages' short names."""
    if prediction.mixed and prediction.leading:
        return "mixed " + "/".join(SHORT_NAMES[label] for label in prediction.leading)
    return prediction.label


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


@click.command()
@click.argument("files", nargs=-1)
@click.option("--jsonl", "jsonl", default=None, help='Classify lines of {"id", "text"} from FILE (- for stdin).')
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@model_option
@resident_option
def classify(files: tuple[str, ...], jsonl: str | None, fmt: str, model_dir: Path | None, resident: bool) -> None:
    """Label text or Markdown files (- reads stdin); one JSON line per input, scores to 2 decimals.

    Bad inputs are reported on stderr and the rest are still classified; the exit code is
    then 2.

    Example: analyzer classify examples/*.md --format table
    """
    if not files and not jsonl:
        fail("name at least one FILE (or - for stdin), or --jsonl FILE.")
    work = runner(model_dir, resident=resident, sentences=False)
    inputs = _read_jsonl_lines(jsonl) if jsonl else _read_inputs(files)
    status = 0
    if fmt == "table":
        click.echo(f"{'label':<19} {'aware':>6} {'feat':>6} {'change':>6}  id")
    while chunk := list(islice(inputs, CHUNK)):
        good = [[doc_id, text] for doc_id, text in chunk if isinstance(text, str)]
        answers = iter(work.run("classify", {"items": good, "format": fmt}) if good else [])
        for _, text in chunk:
            printed = Printed(err=f"error: {text}\n", status=2) if isinstance(text, InputError) else next(answers)
            printed.emit()
            status = max(status, printed.status)
    if status:
        sys.exit(status)


def classify_texts(engine: Engine, payload: dict[str, Any]) -> list[Printed]:
    """The job: a line for each of `payload["items"]` ([id, text] pairs), in its `format`."""
    items = payload["items"]
    predictions = engine.model.classify([text for _, text in items])
    if payload["format"] == "table":
        lines = []
        for (doc_id, _), prediction in zip(items, predictions, strict=True):
            columns = " ".join(f"{prediction.scores[label]:>6.{DECIMALS}f}" for label in LABELS)
            lines.append(f"{_table_label(prediction):<19} {columns}  {doc_id}")
    else:
        lines = [
            json.dumps(_record(doc_id, prediction), ensure_ascii=False)
            for (doc_id, _), prediction in zip(items, predictions, strict=True)
        ]
    return [Printed(out=line + "\n") for line in lines]
