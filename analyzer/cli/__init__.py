"""The `analyzer` command line: argument parsing and output only; the work lives in the library.

One module per command or command group; each imports its heavy dependencies (scikit-learn,
spaCy, FastAPI, matplotlib, httpx, SQLAlchemy) inside the command, and the group imports a
command's module only when it is needed, so `analyzer --help` starts in a fraction of a second.
"""

from __future__ import annotations

import click

from analyzer.cli.common import LazyGroup

#: Every command, by name: "module:attribute".
COMMANDS = {
    "analyze": "analyzer.cli.analyze:analyze",
    "audit": "analyzer.cli.audit:audit",
    "check": "analyzer.cli.analyze:check",
    "classify": "analyzer.cli.classify:classify",
    "corpus": "analyzer.cli.corpus:corpus",
    "evaluate": "analyzer.cli.train:evaluate",
    "feedback": "analyzer.cli.feedback:feedback",
    "info": "analyzer.cli.train:info",
    "models": "analyzer.cli.models:models",
    "report": "analyzer.cli.report:report",
    "resident": "analyzer.cli.resident.command:resident",
    "serve": "analyzer.cli.serve:serve",
    "train": "analyzer.cli.train:train",
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(package_name="messaging-analyzer")
def main() -> None:
    """Tell what a piece of marketing collateral does to its reader.

    Every document is labelled awareness-only, feature-pitch or case-for-change.
    """
