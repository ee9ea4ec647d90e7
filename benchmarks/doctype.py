"""What the doc-type model adds to an audit's work per document, as CPU time in one process.

    .venv/bin/python benchmarks/doctype.py [--docs 480] [--runs 5]

CPU seconds (`time.process_time`), so the other processes of a shared machine do not inflate
either side: the model on ~500-word documents one at a time and in chunks of 48 (as an audit's
workers call it), against analyzing the same documents as an audit does (`AUDIT_OPTIONS`, on the
first tenth of them). Median of `--runs` runs each; loading the model is timed once.
"""

from __future__ import annotations

import argparse
import time

from harness import documents, median_seconds

from analyzer.analysis.analyzer import Analyzer
from analyzer.audit.records import AUDIT_OPTIONS
from analyzer.model.doctype import load_doctype
from analyzer.text.extract import extract

CHUNK = 48


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=480)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    texts = documents(args.docs)
    start = time.process_time()
    model = load_doctype()
    print(f"load the doc-type model: {(time.process_time() - start) * 1000:.0f} ms CPU (once per worker)")
    clock = time.process_time
    alone = median_seconds(lambda: [model.infer([text]) for text in texts], args.runs, clock) / len(texts)
    chunked = median_seconds(
        lambda: [model.infer(texts[k : k + CHUNK]) for k in range(0, len(texts), CHUNK)], args.runs, clock
    ) / len(texts)
    analyzer = Analyzer.load()
    sample = texts[: max(1, len(texts) // 10)]
    extracted = [extract(text.encode(), filename="doc.txt") for text in sample]
    analysis = median_seconds(
        lambda: [analyzer.analyze(e, options=AUDIT_OPTIONS) for e in extracted], max(1, args.runs // 2), clock
    ) / len(sample)
    print(f"doc-type model, one document at a time: {alone * 1000:.2f} ms CPU a document")
    print(f"doc-type model, chunks of {CHUNK} (the audit):  {chunked * 1000:.2f} ms CPU a document")
    print(f"analysis as an audit runs it:          {analysis * 1000:.1f} ms CPU a document")
    print(f"the model's share of a document's work in an audit: {chunked / (analysis + chunked):.2%}")


if __name__ == "__main__":
    main()
