"""A blind editor's judgment of two engines' rewrites: dump, sample into a sheet, judge, join.

    .venv/bin/python benchmarks/judge_rewrites.py dump before     # the engine as it is, on the test drafts
    # ... change the engine ...
    .venv/bin/python benchmarks/judge_rewrites.py dump after
    .venv/bin/python benchmarks/judge_rewrites.py sheet round2 before after --per-engine 60
    # fill the `verdict` column of corpus/eval/judging/sheet-round2.tsv: paste, light or no
    .venv/bin/python benchmarks/judge_rewrites.py join round2

The sheet shows each alternative beside the writer's sentence and nothing else: no engine, no
strategy, no move, in an order shuffled across both engines, so the judge cannot tell which
engine wrote what. Which engine wrote an item is in `key-<round>.json`, read only by `join`. Each round samples with its
own seed, so a second round after changing the engine is judged on alternatives not seen before. The rubric
(docs/suggestions.md): *paste* as is; *light*, paste after a light edit (fill the placeholders,
change one word); *no*, would not paste (wrong meaning, clumsy, invented facts, bolted on).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from pathlib import Path

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.evalset import load_drafts
from analyzer.model.paths import PROJECT_ROOT
from analyzer.text.extract import extract_text

FOLDER = PROJECT_ROOT / "corpus" / "eval" / "judging"
VERDICTS = ("paste", "light", "no")
SEED = 20261204


def dump(tag: str) -> Path:
    """Every alternative the engine offers on the test drafts, one JSON line each."""
    analyzer = Analyzer.load()
    out = FOLDER / f"alternatives-{tag}.jsonl"
    FOLDER.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for draft in load_drafts(split="test"):
            analysis = analyzer.analyze(
                extract_text(draft["text"], draft["format"]), options=AnalyzeOptions(explanations=False)
            )
            for suggestion in analysis.suggestions:
                for alternative in suggestion.alternatives:
                    row = {
                        "draft": draft["id"],
                        "original": suggestion.original,
                        "move": alternative.move,
                        "strategy": alternative.strategy,
                        "text": alternative.text,
                    }
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def _sheet(round_: str) -> Path:
    return FOLDER / f"sheet-{round_}.tsv"


def _key(round_: str) -> Path:
    return FOLDER / f"key-{round_}.json"


def sheet(round_: str, tags: list[str], per_engine: int) -> None:
    """Sample `per_engine` alternatives of each dump, shuffle them together, write the sheet and its key."""
    rng = random.Random(f"{SEED}-{round_}")
    items: list[tuple[str, dict[str, str]]] = []
    for tag in tags:
        rows = [
            json.loads(line) for line in (FOLDER / f"alternatives-{tag}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        items += [(tag, row) for row in rng.sample(rows, min(per_engine, len(rows)))]
    rng.shuffle(items)
    with _sheet(round_).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["item", "draft", "original", "alternative", "verdict", "note"])
        for number, (_, row) in enumerate(items, 1):
            writer.writerow([number, row["draft"], row["original"], row["text"], "", ""])
    _key(round_).write_text(
        json.dumps({str(n): tag for n, (tag, _) in enumerate(items, 1)}, indent=0), encoding="utf-8"
    )
    where = _sheet(round_).relative_to(PROJECT_ROOT)
    print(f"{len(items)} items in {where}; the key is in {_key(round_).name} (do not open it before judging)")


def join(round_: str) -> dict[str, Counter[str]]:
    """The judged sheet's verdicts by engine."""
    key = json.loads(_key(round_).read_text(encoding="utf-8"))
    with _sheet(round_).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    missing = [r["item"] for r in rows if r["verdict"] not in VERDICTS]
    if missing:
        raise SystemExit(f"items {', '.join(missing[:10])} have no verdict ({'/'.join(VERDICTS)})")
    shares: dict[str, Counter[str]] = {}
    for row in rows:
        shares.setdefault(key[row["item"]], Counter())[row["verdict"]] += 1
    for tag, counts in shares.items():
        total = sum(counts.values())
        line = ", ".join(f"{v} {counts[v] / total:.2f} ({counts[v]})" for v in VERDICTS)
        print(
            f"{tag:>8}: {total} alternatives: {line}; paste or light {(counts['paste'] + counts['light']) / total:.2f}"
        )
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("tag")
    made = commands.add_parser("sheet")
    made.add_argument("round")
    made.add_argument("tags", nargs="+")
    made.add_argument("--per-engine", type=int, default=60)
    commands.add_parser("join").add_argument("round")
    args = parser.parse_args()
    if args.command == "dump":
        print(dump(args.tag))
    elif args.command == "sheet":
        sheet(args.round, args.tags, args.per_engine)
    else:
        join(args.round)


if __name__ == "__main__":
    main()
