"""`analyzer classify`: label text files, standard input or JSONL lines, streamed."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer.cli.common import fail, load, model_option
from analyzer.errors import InputError
from analyzer.labels import LABELS
from analyzer.text.extract import check_text, decode_text
from analyzer.text.ids import check_id

if TYPE_CHECKING:
    from analyzer.model.pipeline import Prediction

#: Lines classified per model call when streaming JSONL.
CHUNK = 256


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


@click.command()
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
    model = load(model_dir)
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
