"""Length drift: macro-F1 and the predicted share of each label per length bucket.

A model that learned length as a message calls more long documents case-for-change than
there are. For each evaluation set this prints, per length bucket (words), the number of
documents, the gold share of each label, the predicted share, and the bucket's macro-F1:
the predicted case-for-change share must not rise with length where the gold share does not.

Sets: the corpus test split (the original 192 documents and the whole split), the held-out
long documents (`corpus/eval/long.jsonl`), and the real-world dev set
(`../shared/devset.jsonl`) when it is present.

    .venv/bin/python benchmarks/length.py [--model models/messaging-1.3.0] [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from analyzer.labels import LABELS
from analyzer.model.artifacts import load_model
from analyzer.model.corpus import LEGACY_BATCHES, load_labeled, split_documents
from analyzer.model.evaluate import length_table
from analyzer.model.train import DEFAULT_CORPUS_DIR, HELD_OUT_FILE, default_devset

SHORT = {"awareness-only": "aw", "feature-pitch": "fp", "case-for-change": "cfc"}


def render(title: str, rows: list[dict[str, Any]]) -> str:
    head = " ".join(f"{'gold ' + SHORT[label]:>9}" for label in LABELS)
    pred = " ".join(f"{'pred ' + SHORT[label]:>9}" for label in LABELS)
    lines = [title, f"{'words':>10} {'n':>5} {head} {pred} {'macro-F1':>9}"]
    for row in rows:
        gold = " ".join(f"{row['gold'][label]:>9.2f}" for label in LABELS)
        guess = " ".join(f"{row['predicted'][label]:>9.2f}" for label in LABELS)
        lines.append(f"{row['bucket']:>10} {row['n']:>5} {gold} {guess} {row['macro_f1']:>9.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the one in service)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--devset", type=Path, default=None, help="default: ../shared/devset.jsonl if present")
    parser.add_argument("--json", action="store_true", help="print the tables as JSON")
    args = parser.parse_args()

    model = load_model(args.model)
    test = split_documents(args.corpus)[1]
    sets = {
        "test split, original 192": [d for d in test if d.batch in LEGACY_BATCHES],
        "test split, all": test,
        "held-out long documents": load_labeled(args.corpus / HELD_OUT_FILE),
    }
    devset = args.devset or default_devset()
    if devset is not None and devset.is_file():
        sets["real-world dev set"] = load_labeled(devset)
    tables = {}
    for name, docs in sets.items():
        predicted = [p.label for p in model.classify([d.text for d in docs])]
        tables[name] = length_table(docs, predicted)
    if args.json:
        print(json.dumps({"model": f"{model.name} {model.version}", "sets": tables}, indent=2))
        return
    print(f"model: {model.name} {model.version}")
    for name, rows in tables.items():
        print()
        print(render(name, rows))
    if "real-world dev set" not in sets:
        print("\nreal-world dev set: skipped (put it at ../shared/devset.jsonl or pass --devset FILE)")


if __name__ == "__main__":
    main()
