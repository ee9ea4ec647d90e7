"""Classification throughput: documents/s and words/s of the bundled model on ~500-word documents.

Single process. Prints the median of several runs for the whole `classify` path (parse,
features, calibrated model) beside spaCy's bare tokenizer on the same texts, so the ratio
holds on a noisy machine.

    .venv/bin/python benchmarks/classify.py [--docs 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import platform

from harness import WORDS_PER_DOC, documents, median_seconds

from analyzer.model.artifacts import load_model
from analyzer.text.nlp import blank_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    texts = documents(args.docs)
    words = sum(len(t.split()) for t in texts)
    model = load_model()
    tokenizer = blank_pipeline().tokenizer
    model.classify(texts[:50])  # warm caches and lazy imports

    classify = median_seconds(lambda: model.classify(texts), args.runs)
    tokenize = median_seconds(lambda: [tokenizer(t) for t in texts], args.runs)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"documents: {len(texts)} x ~{WORDS_PER_DOC} words, median of {args.runs} runs")
    print(f"classify:        {len(texts) / classify:8.1f} docs/s  {words / classify:10.0f} words/s")
    print(f"bare tokenizer:  {len(texts) / tokenize:8.1f} docs/s  {words / tokenize:10.0f} words/s")
    print(f"classify / tokenizer time ratio: {classify / tokenize:.2f}")


if __name__ == "__main__":
    main()
