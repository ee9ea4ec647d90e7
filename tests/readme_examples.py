"""The README's examples that show their output, run for real: checked by a test, rewritten by `make readme`.

Two kinds of fenced block are examples (every other block is only shown):

- ```console: each `$ command` line runs in bash from the checkout (with this interpreter's
  `analyzer`), standard error joined to standard output; the lines up to the next `$` are
  what it prints.
- ```pycon: the `>>>` and `...` lines run in one Python session; the other lines are what the
  session echoes, as an interactive interpreter would.

Every example runs against the bundled model (ANALYZER_MODEL_DIR pins it: a version promoted
in a developer's models folder must not change the README), with no ANALYZER_* setting of the
caller's. A README written by `--write` is what the commands print today, so a retrained model
shows up in the test as a diff of the figures that moved, and updating is one command:

    make readme        # = .venv/bin/python -m tests.readme_examples --write
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
_BLOCK = re.compile(r"^```(console|pycon)\n(.*?)^```$", re.M | re.S)
#: Runs a pycon block's statements in one session and prints what each echoes, as JSON.
_SESSION = """
import contextlib, io, json, sys
namespace = {"__name__": "__main__"}
echoed = []
for source in json.loads(sys.stdin.read()):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(source, "<README>", "single"), namespace)
    echoed.append(buffer.getvalue())
print(json.dumps(echoed))
"""


@dataclass(frozen=True)
class Example:
    """One command (or statement) of a README block, and the output the README shows for it."""

    kind: str
    source: str
    shown: str


#: Per kind of block: the prompt that starts an example's source, and the one that continues it.
_PROMPTS = {"console": ("$ ", None), "pycon": (">>> ", "... ")}


def _examples(kind: str, body: str) -> list[Example]:
    start, more = _PROMPTS[kind]
    examples: list[Example] = []
    for line in body.splitlines(keepends=True):
        if line.startswith(start):
            examples.append(Example(kind, line[len(start) :], ""))
        elif not examples:
            raise ValueError(f"a {kind} block must start with a {start!r} line, not {line!r}")
        elif more is not None and (line.startswith(more) or line == more.rstrip() + "\n"):
            last = examples[-1]
            examples[-1] = Example(kind, last.source + line[len(more) :], last.shown)
        else:
            last = examples[-1]
            examples[-1] = Example(kind, last.source, last.shown + line)
    return examples


def blocks(readme: str) -> list[tuple[re.Match[str], list[Example]]]:
    """Every example block of the README, with its examples."""
    return [(match, _examples(match.group(1), match.group(2))) for match in _BLOCK.finditer(readme)]


def _environment() -> dict[str, str]:
    from analyzer.cli.resident.place import KEYLESS_ENV  # where the resident workers live: not output
    from analyzer.model.paths import DEFAULT_MODEL_DIR

    ignored = ("ANALYZER_", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PROMETHEUS_MULTIPROC_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ignored) or k in KEYLESS_ENV}
    return {**env, "ANALYZER_MODEL_DIR": str(DEFAULT_MODEL_DIR), "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}


def run_console(command: str) -> str:
    """What `command` prints, run as a reader would from the checkout."""
    runnable = re.sub(r"(?<![\w/])\.venv/bin/", f"{BIN}/", command)
    result = subprocess.run(
        ["bash", "-c", runnable],
        cwd=ROOT,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    return result.stdout


def run_pycon(sources: list[str]) -> list[str]:
    """What each statement echoes, run in one Python session."""
    result = subprocess.run(
        [sys.executable, "-c", _SESSION],
        input=json.dumps(sources),
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"a README Python example failed:\n{result.stderr}")
    echoed: list[str] = json.loads(result.stdout)
    return echoed


def printed(examples: list[Example]) -> list[str]:
    """What each example of one block prints today."""
    if examples and examples[0].kind == "pycon":
        return run_pycon([e.source for e in examples])
    return [run_console(e.source.rstrip("\n")) for e in examples]


def render(examples: list[Example], outputs: list[str]) -> str:
    """A block's body with these outputs."""
    if examples and examples[0].kind == "pycon":
        parts = []
        for example, output in zip(examples, outputs, strict=True):
            first, *rest = example.source.splitlines(keepends=True)
            parts.append(">>> " + first + "".join("... " + line for line in rest) + output)
        return "".join(parts)
    return "".join(f"$ {e.source}{output}" for e, output in zip(examples, outputs, strict=True))


def regenerated(readme: str) -> str:
    """The README with every example's output as the commands print it today."""
    pieces, position = [], 0
    for match, examples in blocks(readme):
        pieces += [readme[position : match.start(2)], render(examples, printed(examples))]
        position = match.end(2)
    return "".join([*pieces, readme[position:]])


def diff(old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "README.md", "printed today"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md with today's outputs")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    updated = regenerated(readme)
    if args.write:
        README.write_text(updated, encoding="utf-8")
        print(f"README.md: {len(blocks(updated))} example blocks written", file=sys.stderr)
    else:
        sys.stdout.write(diff(readme, updated))
        sys.exit(1 if updated != readme else 0)


if __name__ == "__main__":
    main()
