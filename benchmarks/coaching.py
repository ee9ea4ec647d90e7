"""What the coaching has to go on: how many drafts get questions about their own subject.

    .venv/bin/python benchmarks/coaching.py [--devset PATH]

Independent editors judged the general questions ("What has changed in your reader's world
...") generic every time (useful 0 of 1,286 verdicts; retired in the eighteenth pass), and the
questions built on a draft's own complaint or its main claim, quoted, useful about half the
time. So the first figures of the coaching are how many drafts are asked anything, and how many
missing elements are asked nothing, for want of anything specific. Printed for each batch of
the editors' evaluation set (`corpus/eval/rewrites.jsonl`) and for the real companies'
passages of `../shared/devset.jsonl` when it is present, with what the questions stand on (the
draft's complaint quoted, its main claim quoted, a figure it moved, the headline). A count, not
a verdict: whether a question is useful is for the judged rounds (`judge_rewrites.py coaching`).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.coaching import CLAIM_QUESTION_ENDINGS, GENERAL_QUESTIONS, HEADLINE_QUESTION_ENDINGS
from analyzer.analysis.suggest.evalset import BATCHES, load_drafts
from analyzer.labels import RUBRIC_ELEMENTS
from analyzer.model.train import default_devset
from analyzer.text.extract import Extracted, extract_text

_BATCH_NAMES = {number: name for name, number in BATCHES.items()}


def tally(analyzer: Analyzer, texts: Iterable[str | Extracted]) -> Counter[str]:
    """For each text asked anything: its missing elements, those asked nothing, and what each question stands on."""
    counts: Counter[str] = Counter()
    for text in texts:
        analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
        asked = [q for questions in analysis.coaching.values() for q in questions]
        if not asked:
            continue
        missing = [e for e in RUBRIC_ELEMENTS if not getattr(analysis.rubric, e).present]
        counts["drafts asked"] += 1
        counts["missing elements"] += len(missing)
        counts["missing elements asked nothing"] += sum(e not in analysis.coaching for e in missing)
        for question in asked:
            counts["questions"] += 1
            counts[f"  on {_stands_on(question)}"] += 1
    return counts


def _stands_on(question: str) -> str:
    """What a question is built on, read from its wording (`coaching._QUESTIONS`)."""
    if question in GENERAL_QUESTIONS:
        return "nothing (general)"
    if question.startswith("Your headline says ") and question.endswith(HEADLINE_QUESTION_ENDINGS):
        return "the headline, quoted"
    if question.startswith("\u201c") and question.endswith(CLAIM_QUESTION_ENDINGS):
        return "the main claim, quoted"
    if question.startswith("\u201c"):
        return "the draft's complaint"
    # the paraphrase of the claim's capability, retired in the thirteenth pass: still read so
    # the sheets of the rounds that judged it (up to round 49) can be counted by source
    if question.startswith(("Before ", "Until ", "Once ", "With a way")) or "without a way" in question:
        return "the main claim's capability"
    if " at " in question and question.startswith("What does "):
        return "a figure the draft moved"
    return "the reader's situation"


def _print(title: str, counts: Counter[str]) -> None:
    print(f"== {title}")
    for name in ("drafts asked", "missing elements", "missing elements asked nothing", "questions"):
        print(f"  {name:34s} {counts[name]}")
    for name in sorted(k for k in counts if k.startswith("  on ")):
        print(f"  {name:34s} {counts[name]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=None, help="default: ../shared/devset.jsonl if present")
    args = parser.parse_args()
    analyzer = Analyzer.load()
    drafts = load_drafts()
    everything: Counter[str] = Counter()
    for number in sorted({d.get("batch", 1) for d in drafts}):
        batch = [d for d in drafts if d.get("batch", 1) == number]
        counts = tally(analyzer, (extract_text(d["text"], d["format"]) for d in batch))
        everything += counts
        _print(f"batch {number} ({_BATCH_NAMES.get(number, '?')}, {len(batch)} drafts)", counts)
    _print(f"the evaluation set, all {len(drafts)} drafts", everything)
    devset = args.devset or default_devset()
    if devset is not None and devset.is_file():
        passages = [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line]
        _print(f"real companies' passages ({devset.name}, {len(passages)})", tally(analyzer, passages))
    else:
        print("== real companies' passages: no ../shared/devset.jsonl here, skipped")


if __name__ == "__main__":
    main()
