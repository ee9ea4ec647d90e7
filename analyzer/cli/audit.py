"""`analyzer audit`: the command line of a batch audit (the work is in `analyzer.audit.run`)."""

from __future__ import annotations

import sys
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

import click

from analyzer.cli.common import fail, model_option
from analyzer.text.extract import DEFAULT_LIMITS, Limits


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for results.jsonl, results.csv, summary.json, report.html and docs/.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option(
    "--cluster",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Run on the workers of this Dask scheduler instead; they must see --model at the same path.",
)
@click.option("--resume", is_flag=True, help="Continue the audit in --out: skip the documents it has results for.")
@click.option("--overwrite", is_flag=True, help="Discard the results already in --out and start again.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_bytes,
    show_default=True,
    help="Larger documents are recorded as too large (E011) instead of analyzed.",
)
@click.option(
    "--progress-every",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between progress lines when stderr is not a terminal.",
)
@click.option(
    "--compare",
    "compare_with",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="OLD_DIR",
    help="An earlier audit's --out folder: write compare.json and the report's trends since it.",
)
@click.option("--quiet", is_flag=True, help="No progress and no closing summary.")
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Fetch sitemap pages from loopback, private, link-local and reserved addresses too (an intranet "
    "audit). Without it, a sitemap cannot point the audit at this machine or its network.",
)
@click.option(
    "--allow-network",
    "allowed_networks",
    metavar="CIDR",
    multiple=True,
    callback=lambda _ctx, _param, values: tuple(_network(value) for value in values),
    help="Fetch from this non-public network all the same (repeatable): an intranet audit that may reach "
    "its CMS (10.20.0.0/16) and nothing else.",
)
@click.option(
    "--include-news",
    is_flag=True,
    help="Suggest rewrites for company news too (events, hires, awards, offices), so it can enter "
    '"Fix these first". Off by default: news meant to inform is not a rewrite target.',
)
@model_option
def audit(
    sources: tuple[str, ...],
    out_dir: Path,
    jobs: int | None,
    cluster: str | None,
    resume: bool,
    overwrite: bool,
    max_bytes: int,
    progress_every: float,
    compare_with: Path | None,
    quiet: bool,
    allow_private_addresses: bool,
    allowed_networks: tuple[IPv4Network | IPv6Network, ...],
    include_news: bool,
    model_dir: Path | None,
) -> None:
    """Audit a content library: analyze every document of SOURCE... into --out.

    A SOURCE is a folder, a file, a JSONL or CSV export, a WordPress export, or a sitemap
    (a file or its URL).

    Each result is appended to results.jsonl as it completes, so an interrupted audit loses
    nothing: run it again with --resume. At the end: results.csv, summary.json, report.html,
    a page per document in docs/, and with --compare, compare.json. Exit code 0 when every
    document was analyzed, 1 when any failed, 2 for bad usage.

    Example: analyzer audit content/ cms-export.csv --out audit-2026q2/ --compare audit-2026q1/
    """
    from joblib import cpu_count

    from analyzer.audit.progress import format_duration, make_progress
    from analyzer.audit.run import run_audit
    from analyzer.audit.sources import FetchSettings, count_documents, iter_documents

    if cluster and jobs:
        fail("--jobs does not apply with --cluster: the cluster's workers set how many documents run at once.")
    limits = Limits(max_bytes=max_bytes)
    fetch = FetchSettings(allow_private_addresses=allow_private_addresses, allowed_networks=allowed_networks)
    try:
        outcome = run_audit(
            iter_documents(sources, limits=limits, fetch=fetch),
            out_dir,
            model_dir=model_dir,
            jobs=jobs or cpu_count(),
            cluster=cluster,
            resume=resume,
            overwrite=overwrite,
            limits=limits,
            progress=make_progress(quiet, sys.stderr, progress_every),
            total=count_documents(sources),
            sources=sources,
            compare_with=compare_with,
            include_news=include_news,
        )
    except KeyboardInterrupt:
        click.echo("interrupted: the results written so far are intact; add --resume to continue.", err=True)
        sys.exit(130)
    if not quiet:
        from analyzer.cli.report import compare_line

        earlier = f", {outcome.skipped:,} done by an earlier run" if outcome.skipped else ""
        click.echo(
            f"audited {outcome.documents:,} documents into {out_dir} in {format_duration(outcome.seconds)}: "
            f"{outcome.documents - outcome.failed:,} analyzed, {outcome.failed:,} failed{earlier}. "
            f"See report.html{' and results.csv for why' if outcome.failed else ''}.",
            err=True,
        )
        if outcome.report.compare is not None:
            click.echo(compare_line(outcome.report.compare), err=True)
    if outcome.failed:
        sys.exit(1)


def _network(value: str) -> IPv4Network | IPv6Network:
    try:
        return ip_network(value, strict=False)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a network: give one as CIDR, such as 10.20.0.0/16.") from None
