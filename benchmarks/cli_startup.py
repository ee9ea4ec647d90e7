"""Whole-process start-up of the `analyzer` command: what a shell user or a pre-commit hook waits for.

Each case runs `--runs` times, each in a fresh process, exactly as the installed `analyzer`
script runs it. Reported per case: the median wall time, and the median CPU time (user + system)
of the process, which a busy shared machine disturbs far less than wall time. Python's own
start-up (`python -c pass`) is measured beside them, so figures from different machines compare
as ratios to it.

    .venv/bin/python benchmarks/cli_startup.py                     # this checkout
    .venv/bin/python benchmarks/cli_startup.py --source /tmp/old    # another checkout of the package, same venv

The targets are issue 15's: `analyzer --help` under 0.3 s and `analyzer classify` of one short
file under 1 s, whole process, on the development machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRY = "import sys; from analyzer.cli import main; sys.exit(main())"
SHORT_DRAFT = "Pricing starts at $49 per user per month. Start a free trial today.\n"
#: Whole-process targets in seconds, by case.
TARGETS = {"analyzer --help": 0.3, "analyzer classify (one short file)": 1.0}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # From a neutral folder: `python -c` puts the working folder first on sys.path.
    subprocess.run(
        argv, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per case (default 7)")
    parser.add_argument("--source", type=Path, default=None, help="a checkout whose package to measure instead")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYZER_")}
    if args.source is not None:
        env["PYTHONPATH"] = str(args.source.resolve())  # ahead of the editable install's finder
    draft = Path(tempfile.mkdtemp(prefix="cli-startup-")) / "draft.txt"
    draft.write_text(SHORT_DRAFT, encoding="utf-8")
    analyzer = [sys.executable, "-c", ENTRY]
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "analyzer --version": [*analyzer, "--version"],
        "analyzer --help": [*analyzer, "--help"],
        "analyzer classify (one short file)": [*analyzer, "classify", str(draft)],
    }
    run_once(cases["analyzer classify (one short file)"], env)  # warm the page cache once
    results = {}
    for name, argv in cases.items():
        walls, cpus = zip(*(run_once(argv, env) for _ in range(args.runs)), strict=True)
        results[name] = {"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus), "runs": args.runs}
    floor = results["python -c pass"]["wall_s"]
    print(f"source: {args.source or 'this checkout'}; {args.runs} runs per case; {os.cpu_count()} cores")
    print(f"{'case':<36} {'wall (median)':>14} {'cpu (median)':>13} {'x python':>9}  target")
    for name, figures in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"< {target} s: {'met' if figures['wall_s'] < target else 'missed'}"
        print(
            f"{name:<36} {figures['wall_s']:>12.3f} s {figures['cpu_s']:>11.3f} s "
            f"{figures['wall_s'] / floor:>8.1f}x  {verdict}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    draft.unlink()
    draft.parent.rmdir()


if __name__ == "__main__":
    main()
