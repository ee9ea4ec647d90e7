"""CLI start-up: median wall time of whole `analyzer` processes (--help, --version, classify one file).

Each command runs several times as a fresh process, the way a user or a CI job runs it. With
`--baseline`, another checkout's `analyzer` (for example today's main: `/work/main/.venv/bin/analyzer`)
runs the same commands in the same loop, alternating with this one, so the ratio holds on a
noisy machine. The CPU time the process used (user + system) is printed beside the wall time:
on a shared machine it moves much less than the wall time does.

    .venv/bin/python benchmarks/cli_startup.py [--runs 7] [--baseline /work/main/.venv/bin/analyzer]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A short document, so that the classify figure is start-up: imports and the model load.
SHORT_FILE = "examples/webinar.txt"
COMMANDS = {
    "analyzer --help": ["--help"],
    "analyzer --version": ["--version"],
    f"analyzer classify {SHORT_FILE}": ["classify", SHORT_FILE],
}


def measure(executable: str, args: list[str]) -> tuple[float, float]:
    """(seconds from starting the process to its exit, its CPU seconds); a failed command stops the benchmark."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYZER_")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{executable} {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[:500]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", default=None, help="Another checkout's `analyzer` to compare with.")
    args = parser.parse_args()

    executables = {"this checkout": str(Path(sys.executable).parent / "analyzer")}
    if args.baseline:
        executables["baseline"] = args.baseline
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for name, command in COMMANDS.items():
        for executable in executables.values():
            measure(executable, command)  # warm the file cache once, not counted
        for _ in range(args.runs):
            for label, executable in executables.items():  # alternated, so both see the same noise
                times.setdefault((name, label), []).append(measure(executable, command))

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {args.runs} runs, whole process: wall time (CPU time)"
    )
    for label, executable in executables.items():
        print(f"{label}: {executable}")
    header = f"{'command':<40} {'this checkout':>18}"
    if args.baseline:
        header += f" {'baseline':>18} {'ratio':>12}"
    print(header)
    for name in COMMANDS:
        wall, cpu = medians(times[(name, "this checkout")])
        line = f"{name:<40} {wall:>7.2f} s ({cpu:.2f} s)"
        if args.baseline:
            base_wall, base_cpu = medians(times[(name, "baseline")])
            line += f" {base_wall:>7.2f} s ({base_cpu:.2f} s) {wall / base_wall:>5.2f} ({cpu / base_cpu:.2f})"
        print(line)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


if __name__ == "__main__":
    main()
