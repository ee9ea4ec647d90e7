"""The report step of an audit on synthetic results: time, page sizes, peak memory.

    .venv/bin/python benchmarks/report.py [--records 10000,100000,300000] [--runs 3] [--json OUT]

For each size, a results.jsonl of that many records is written to a temporary folder (made
from 24 corpus documents really analyzed as an audit does, one of them a failure, with ids,
keys, sections, dates and scores varied), then `analyzer report build DIR` runs in a child
process: the whole report step (summary.json, report.html, the documents table's pages and a
page per document) in one streaming pass. Figures per size: the median wall time, the size of
report.html and of docs/, the number of pages, and the child's peak RSS (its own `ru_maxrss`,
from `os.wait4`; the template records are made in a process of their own, so this one stays
small: a forked child's peak counts its parent's pages until it execs), whose growth with the
number of records is what must stay flat. The records per second, the CPU time (steadier than
wall time on a shared machine) and the results.jsonl size per record are printed too. Nothing
is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ANALYZER = str(Path(sys.executable).parent / "analyzer")
#: The issue's bounds for a 10,000-document audit: the report in under 10 s, report.html under 5 MB.
FLOOR_SECONDS_FOR_10K = 10.0
FLOOR_PAGE_BYTES = 5_000_000
TEMPLATES = 24


def templates() -> list[dict[str, Any]]:
    """Records of corpus documents of every type, analyzed exactly as an audit does, and one failure."""
    from analyzer.analysis.analyzer import Analyzer
    from analyzer.audit.records import audit_record
    from analyzer.audit.sources import SourceDocument
    from analyzer.model.corpus import load_corpus
    from analyzer.model.train import DEFAULT_CORPUS_DIR

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the broken PDF is meant to fail
    corpus = load_corpus(DEFAULT_CORPUS_DIR)
    chosen = corpus[:: len(corpus) // (TEMPLATES - 1)][: TEMPLATES - 1]
    analyzer = Analyzer.load()
    records = []
    for doc in chosen:
        document = SourceDocument(
            "content", f"{doc.id}.md", f"content/{doc.id}.md", "", f"{doc.id}.md", doc.text.encode()
        )
        records.append(audit_record(document, analyzer))
    broken = SourceDocument("content", "broken.pdf", "content/broken.pdf", "", "broken.pdf", b"%PDF-1.7 garbage")
    records.append(audit_record(broken, analyzer))
    return records


def write_results(path: Path, count: int, bases: list[dict[str, Any]]) -> int:
    """`count` synthetic records into results.jsonl, streamed; returns the file's size."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            base = bases[i % len(bases)]
            doc_id = f"part-{i // 1000:03d}/doc-{i:06d}.md"
            record = {
                **base,
                "key": hashlib.sha256(str(i).encode()).hexdigest(),
                "id": doc_id,
                "location": f"content/{doc_id}",
                "section": f"part-{i // 1000:03d}",
                "title": f"{base['title'] or 'Untitled'} #{i}",
                "published": f"{2023 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            if base["error"] is None:
                record["case_for_change_score"] = (base["case_for_change_score"] + 7 * i) % 101
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def report_step(out: Path) -> tuple[float, int, float]:
    """`analyzer report build` in a child process: (seconds, the child's peak RSS in bytes, its
    CPU seconds, user and system: on a shared machine the steadier figure)."""
    start = time.perf_counter()
    process = subprocess.Popen([ANALYZER, "report", "build", str(out)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"analyzer report build failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss: KiB on Linux


def folder_size(folder: Path) -> tuple[int, int]:
    files = list(folder.iterdir())
    return len(files), sum(f.stat().st_size for f in files)


def measure(count: int, runs: int, bases: list[dict[str, Any]], scratch: Path) -> dict[str, Any]:
    out = scratch / f"audit-{count}"
    out.mkdir()
    results_bytes = write_results(out / "results.jsonl", count, bases)
    timings = [report_step(out) for _ in range(runs)]
    pages, docs_bytes = folder_size(out / "docs")
    seconds = statistics.median(t for t, _, _ in timings)
    figures = {
        "records": count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(statistics.median(cpu for _, _, cpu in timings), 2),
        "records_per_second": round(count / seconds),
        "peak_rss_mib": round(max(rss for _, rss, _ in timings) / 2**20, 1),
        "report_html_bytes": (out / "report.html").stat().st_size,
        "summary_json_bytes": (out / "summary.json").stat().st_size,
        "docs_files": pages,
        "docs_bytes": docs_bytes,
        "results_bytes_per_record": round(results_bytes / count),
    }
    for path in sorted(out.rglob("*"), reverse=True):  # free the disk before the next size
        path.unlink() if path.is_file() else path.rmdir()
    out.rmdir()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="10000,100000,300000", help="Comma-separated sizes.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    parser.add_argument(
        "--templates", type=Path, default=None, help="Records (JSONL) to vary instead of analyzing corpus documents."
    )
    parser.add_argument("--make-templates", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(size) for size in args.records.split(",")]

    if args.make_templates:  # the child that loads the model, so the measuring process never holds it
        args.make_templates.write_text("".join(json.dumps(r) + "\n" for r in templates()), encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="report-templates-") as folder:
        made = args.templates or Path(folder) / "templates.jsonl"
        if not args.templates:
            subprocess.run([sys.executable, __file__, "--make-templates", str(made)], check=True)
        bases = [json.loads(line) for line in made.read_text(encoding="utf-8").splitlines()]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"median of {args.runs} runs of `analyzer report build` per size\n")
    results = []
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        for count in sizes:
            figures = measure(count, args.runs, bases, Path(scratch))
            results.append(figures)
            print(
                f"{count:>8,} records: {figures['seconds']:7.1f} s ({figures['records_per_second']:,}/s, "
                f"CPU {figures['cpu_seconds']:.1f} s), "
                f"peak RSS {figures['peak_rss_mib']:6.1f} MiB, "
                f"report.html {figures['report_html_bytes'] / 1e6:5.2f} MB, "
                f"docs/ {figures['docs_files']:,} files {figures['docs_bytes'] / 1e6:,.0f} MB, "
                f"results.jsonl {figures['results_bytes_per_record']:,} B/record",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    at_10k = [r for r in results if r["records"] == 10_000]
    if at_10k:
        ok = at_10k[0]["seconds"] < FLOOR_SECONDS_FOR_10K and at_10k[0]["report_html_bytes"] < FLOOR_PAGE_BYTES
        print(f"\n10,000 records: {'within' if ok else 'NOT within'} {FLOOR_SECONDS_FOR_10K:.0f} s and 5 MB")


if __name__ == "__main__":
    main()
