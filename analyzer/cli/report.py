"""`analyzer report`: an audit's report written again, or compared with an earlier audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

audit_dir = click.Path(path_type=Path, file_okay=False, exists=True)


@click.group()
def report() -> None:
    """An audit's report (report.html, summary.json, docs/), from its results.jsonl."""


@report.command()
@click.argument("old_dir", type=audit_dir)
@click.argument("new_dir", type=audit_dir)
def compare(old_dir: Path, new_dir: Path) -> None:
    """Compare two audits of one library: write NEW_DIR/compare.json and the trends section of
    NEW_DIR's report (label mix and median score before and after, documents added, removed and
    changed, the pieces that moved most), matching documents by source and id.

    Example: analyzer report compare audit-2026q1/ audit-2026q2/
    """
    from analyzer.audit.outputs import rewrite_report

    outcome = rewrite_report(new_dir, compare_with=old_dir)
    assert outcome.compare is not None
    click.echo(compare_line(outcome.compare) + f" See {new_dir / 'report.html'}.")


@report.command()
@click.argument("out_dir", type=audit_dir)
def build(out_dir: Path) -> None:
    """Write an audit's report again from its results.jsonl (after an upgrade, or a report
    deleted by hand); the results are not touched, and no document is analyzed again.

    Example: analyzer report build audit-2026q2/
    """
    from analyzer.audit.outputs import rewrite_report

    outcome = rewrite_report(out_dir)
    totals = outcome.summary["totals"]
    click.echo(
        f"wrote the report of {totals['documents']:,} documents ({outcome.pages:,} pages) into {out_dir}: "
        "report.html, summary.json and docs/."
    )


def compare_line(compare: dict[str, Any]) -> str:
    """One line on what moved between two audits."""
    counts, old, new = compare["counts"], compare["old"], compare["new"]
    median = (
        f"; median case-for-change score {old['median']:g} -> {new['median']:g}"
        if old["median"] is not None and new["median"] is not None
        else ""
    )
    return (
        f"compared with {old['dir']}: {counts['changed']:,} changed, {counts['added']:,} added, "
        f"{counts['removed']:,} removed, {counts['unchanged']:,} unchanged{median}."
    )
