"""Analysis time of this checkout against an earlier commit, alternating, on a noisy machine.

    .venv/bin/python benchmarks/versus.py REV [--rounds 6] [--docs 120]

Checks REV out in a temporary git worktree and, each round, times `Analyzer.analyze` in a fresh
process of each side in turn: without suggestions, with them, and with the audit's options (one
suggestion). Each figure is the fastest of three passes over the same documents, in ms a
document: the least disturbed by whatever else the machine runs. The two sides of one round ran
a minute apart, so compare them round by round, then the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("without suggestions", "with suggestions", "audit options")

#: Run in each side's own checkout (its `analyzer` first on the path): ms a document per mode.
_MEASURE = """
import json, sys, time
sys.path.insert(0, "benchmarks")
from harness import documents
from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.audit.records import AUDIT_OPTIONS
texts = documents(int(sys.argv[1]))
analyzer = Analyzer.load()
for text in texts[:5]:
    analyzer.analyze(text, options=AnalyzeOptions())  # load the parser and the check model
found = []
for options in (AnalyzeOptions(suggestions=False), AnalyzeOptions(), AUDIT_OPTIONS):
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            analyzer.analyze(text, options=options)
        passes.append((time.perf_counter() - start) * 1000 / len(texts))
    found.append(min(passes))
print(json.dumps(found))
"""


def measure(checkout: Path, docs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(docs)], cwd=checkout, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier commit, e.g. HEAD~3 or c32d9ef")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--docs", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        earlier = Path(scratch) / "earlier"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(earlier), args.rev], cwd=ROOT, check=True)
        try:
            rows = []
            print(f"ms a document, {args.docs} documents of ~500 words, fastest of 3 passes; {args.rev} / here")
            print("round  " + "  ".join(f"{mode:>24}" for mode in MODES))
            for round_ in range(1, args.rounds + 1):
                before, after = measure(earlier, args.docs), measure(ROOT, args.docs)
                rows.append((before, after))
                cells = "  ".join(f"{b:10.1f} / {a:<11.1f}" for b, a in zip(before, after, strict=True))
                print(f"{round_:>5}  {cells}", flush=True)
            medians = [
                (statistics.median(r[0][k] for r in rows), statistics.median(r[1][k] for r in rows))
                for k in range(len(MODES))
            ]
            print("median " + "  ".join(f"{b:10.1f} / {a:<11.1f}" for b, a in medians))
            print("docs/s " + "  ".join(f"{1000 / b:10.1f} / {1000 / a:<11.1f}" for b, a in medians))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
