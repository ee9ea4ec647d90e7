"""Whole-process start-up of the `analyzer` command: what a shell user or a pre-commit hook waits for.

Each case (`--help`, `--version`, classify of one short file three ways, and `python -c pass`
as the floor) runs `--runs` times, each in a fresh process, the way a user or a CI job runs it.
Classify runs in-process (ANALYZER_RESIDENT=0), cold (no worker yet: the command starts one and
waits for it to load the model) and warm (the worker resident), with workers in a folder of the
benchmark's own, stopped at the end. Reported per case: the median wall time and the median CPU
time (user + system) of the process, which a busy shared machine disturbs far less than wall
time (a worker's own CPU is not counted: it is not the command's child), and the ratio to
Python's own start-up, so figures from different machines compare. With `--baseline`, another version runs the same
cases in the same loop, alternating with this one, so the ratio between them holds on a noisy
machine: either another checkout's `analyzer` script (for example today's main,
`/work/main/.venv/bin/analyzer`) or another checkout's folder, whose package this venv runs.

    .venv/bin/python benchmarks/cli_startup.py [--runs 7] [--baseline /work/main/.venv/bin/analyzer]
    .venv/bin/python benchmarks/cli_startup.py --baseline /tmp/old    # a checkout's package, this venv

The targets are issue 15's: `analyzer --help` under 0.3 s and `analyzer classify` of one short
file under 1 s, whole process, on the development machine (with the worker resident).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A short document, so that the classify figure is start-up: imports and the model load.
SHORT_FILE = ROOT / "examples" / "webinar.txt"
#: Runs the package that is first on sys.path, as the installed `analyzer` script does.
ENTRY = "import sys; from analyzer.cli import main; sys.exit(main())"
CLASSIFY = ["classify", str(SHORT_FILE)]
#: Each case: the arguments (None: `python -c pass`) and the ANALYZER_* settings it runs with.
CASES: dict[str, tuple[list[str] | None, dict[str, str]]] = {
    "python -c pass": (None, {}),
    "analyzer --version": (["--version"], {}),
    "analyzer --help": (["--help"], {}),
    "classify, in-process": (CLASSIFY, {"ANALYZER_RESIDENT": "0"}),
    "classify, cold (starts the worker)": (CLASSIFY, {}),
    "classify, warm (worker resident)": (CLASSIFY, {}),
}
#: The case before each run of which every worker is stopped.
COLD = "classify, cold (starts the worker)"
#: Whole-process targets in seconds, by case.
TARGETS = {"analyzer --help": 0.3, "classify, warm (worker resident)": 1.0}
#: The benchmark's own worker folder (short: a socket's path must fit 107 bytes).
WORKERS = Path(tempfile.mkdtemp(prefix="az-bench-"))


def stop_workers() -> None:
    """Stop every worker the benchmark started (this checkout's package; a baseline has none)."""
    from analyzer.cli.resident.client import records, stop
    from analyzer.cli.resident.place import Place

    for path, _ in records(WORKERS):
        stop(Place(WORKERS, path.stem))


def command(version: str, args: list[str] | None, settings: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run `analyzer ARGS` of a version (a script or a checkout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYZER_")}
    env |= {"ANALYZER_RESIDENT_DIR": str(WORKERS), **settings}
    if args is None:
        return [sys.executable, "-c", "pass"], env
    if Path(version).is_dir():
        env["PYTHONPATH"] = str(Path(version).resolve())  # ahead of the editable install's finder
        return [sys.executable, "-c", ENTRY, *args], env
    return [version, *args], env


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process; a failed command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # From a neutral folder: `python -c` puts the working folder first on sys.path.
    result = subprocess.run(argv, cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()[:500]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="processes per case and version (default 7)")
    parser.add_argument("--baseline", default=None, help="another `analyzer` script, or a checkout's folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    versions = {"this checkout": str(Path(sys.executable).parent / "analyzer")}
    if args.baseline:
        versions["baseline"] = args.baseline
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for name, (case, settings) in CASES.items():
            for version in versions.values():
                measure(*command(version, case, settings))  # warm the file cache once, not counted
            for _ in range(args.runs):
                for label, version in versions.items():  # alternated, so both see the same noise
                    if name == COLD:
                        stop_workers()
                    times.setdefault((name, label), []).append(measure(*command(version, case, settings)))
    finally:
        stop_workers()
        shutil.rmtree(WORKERS, ignore_errors=True)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {args.runs} runs, whole process: wall time (CPU time)"
    )
    for label, version in versions.items():
        print(f"{label}: {version}")
    header = f"{'case':<36} {'this checkout':>18} {'x python':>9}"
    if args.baseline:
        header += f" {'baseline':>18} {'ratio (wall, CPU)':>18}"
    print(header + "  target")
    floor, _ = medians(times[("python -c pass", "this checkout")])
    results: dict[str, dict[str, float]] = {}
    for name in CASES:
        wall, cpu = medians(times[(name, "this checkout")])
        results[name] = {"wall_s": wall, "cpu_s": cpu}
        line = f"{name:<36} {wall:>7.3f} s ({cpu:.3f} s) {wall / floor:>8.1f}x"
        if args.baseline:
            base_wall, base_cpu = medians(times[(name, "baseline")])
            results[name] |= {"baseline_wall_s": base_wall, "baseline_cpu_s": base_cpu}
            line += f" {base_wall:>7.3f} s ({base_cpu:.3f} s) {wall / base_wall:>9.2f}, {cpu / base_cpu:.2f}"
        target = TARGETS.get(name)
        print(line + ("" if target is None else f"  < {target} s: {'met' if wall < target else 'missed'}"))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
