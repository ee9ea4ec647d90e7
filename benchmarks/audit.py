"""Audit throughput: `analyzer audit` on a folder of ~500-word documents, end to end.

    .venv/bin/python benchmarks/audit.py [--docs 10000] [--jobs1-docs 2000] [--runs 3] [--no-cluster]

Each figure is a whole `analyzer audit` command as a user runs it (start-up, workers, model
loading, results.jsonl, results.csv and the report included): `--jobs 1` on the first
`--jobs1-docs` documents, `--jobs 2` on all of them, and `--cluster` on a Dask LocalCluster of
2 single-threaded worker processes started here. Peak memory is the highest RSS seen (sampled
every 0.1 s with psutil) of the audit's main process and of its workers, summed. The documents
are written to a temporary folder and removed afterwards; nothing is committed.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from harness import documents

ANALYZER = str(Path(sys.executable).parent / "analyzer")
#: The issue's floors: 10,000 documents in under 3 minutes with --jobs 2, and --jobs 2 at least
#: 1.6 times as fast as --jobs 1.
FLOOR_SECONDS_FOR_10K = 180.0
FLOOR_SCALING = 1.6
#: Files per sub-folder, so no folder holds thousands of entries.
PER_FOLDER = 1000


@dataclass
class Run:
    seconds: float
    main_rss: int
    workers_rss: int


class PeakMemory:
    """Samples the RSS of a process (the audit's main process) and of `workers()`, keeping the peaks."""

    def __init__(self, main: psutil.Process, workers: list[psutil.Process] | None = None) -> None:
        self.main, self.fixed_workers = main, workers
        self.main_peak = self.workers_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.main_peak = max(self.main_peak, self.main.memory_info().rss)
                workers = self.fixed_workers if self.fixed_workers is not None else self.main.children(recursive=True)
                self.workers_peak = max(self.workers_peak, sum(_rss(p) for p in workers))
            except psutil.Error:
                continue


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


def write_library(root: Path, texts: list[str]) -> Path:
    """One .txt file per text, in sub-folders of `PER_FOLDER`."""
    for k, text in enumerate(texts):
        folder = root / f"part-{k // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc-{k:06d}.txt").write_text(text, encoding="utf-8")
    return root


def audit(library: Path, out: Path, *args: str, workers: list[psutil.Process] | None = None) -> Run:
    """One `analyzer audit` command, timed, with its peak memory."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        [ANALYZER, "audit", str(library), "--out", str(out), "--quiet", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    with PeakMemory(psutil.Process(process.pid), workers) as memory:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        failed = [line for line in (out / "results.jsonl").open() if '"error": null' not in line][:3]
        raise SystemExit(f"analyzer audit {' '.join(args)} failed ({process.returncode}):\n{stderr}{''.join(failed)}")
    return Run(seconds, memory.main_peak, memory.workers_peak)


def median_run(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(statistics.median(r.seconds for r in runs), middle.main_rss, max(r.workers_rss for r in runs))


def report(name: str, count: int, run: Run) -> float:
    rate = count / run.seconds
    print(
        f"{name:<28} {count:>6,} docs in {run.seconds:7.1f} s = {rate:6.1f} docs/s;  peak RSS: main "
        f"{run.main_rss / 2**20:5.0f} MiB, workers {run.workers_rss / 2**20:5.0f} MiB"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--jobs1-docs", type=int, default=2_000, help="Documents for the --jobs 1 run.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cluster", action="store_true", help="Skip the Dask LocalCluster run.")
    args = parser.parse_args()

    texts = documents(args.docs)
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as scratch:
        root = Path(scratch)
        library = write_library(root / "library", texts)
        small = write_library(root / "small", texts[: args.jobs1_docs])
        out = root / "out"
        print(f"machine: {platform.machine()}, {psutil.cpu_count()} cores, python {platform.python_version()}")
        print(f"median of {args.runs} runs; ~500-word documents from the corpus\n")

        one = median_run([audit(small, out, "--jobs", "1") for _ in range(args.runs)])
        two = median_run([audit(library, out, "--jobs", "2") for _ in range(args.runs)])
        rate_one = report("--jobs 1", args.jobs1_docs, one)
        rate_two = report("--jobs 2", args.docs, two)
        if not args.no_cluster:
            from distributed import LocalCluster

            with LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            ) as cluster:
                workers = [p for p in psutil.Process().children(recursive=True)]
                runs = [
                    audit(library, out, "--cluster", cluster.scheduler_address, workers=workers)
                    for _ in range(args.runs)
                ]
            report("--cluster (2 Dask workers)", args.docs, median_run(runs))

    scaling = rate_two / rate_one
    projected = 10_000 / rate_two
    print(f"\nscaling --jobs 2 / --jobs 1: {scaling:.2f} (floor {FLOOR_SCALING})")
    print(f"10,000 documents with --jobs 2: {projected:.0f} s (floor {FLOOR_SECONDS_FOR_10K:.0f} s)")
    ok = scaling >= FLOOR_SCALING and projected <= FLOOR_SECONDS_FOR_10K
    print("floors:", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
