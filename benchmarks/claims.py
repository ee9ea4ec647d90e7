"""The main claim on trades the ranker never read: each batch of the evaluation set held out in turn.

    .venv/bin/python benchmarks/claims.py [--batches 17 18 ...]

Every batch of `corpus/eval/rewrites.jsonl` was written by a different editor about trades no
earlier batch used. For each batch, a claim ranker is trained as the shipped one is
(`ranker_train.train`, on the dev split) but on the other batches only, and the held-out
batch's drafts (dev and test) are read with it: is each draft's first target one the editor
rewrote? Printed beside the rules alone on the same drafts. The rules were written while
reading these batches (each pass fixed the last batch's misses), so their figure is in-sample
and flatters them; the ranker's is not. A count, not a judged round.
"""

from __future__ import annotations

import argparse

from analyzer.analysis.analyzer import Analyzer
from analyzer.analysis.suggest.ranker_train import first_target_precision, read_drafts, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="*", help="hold out only these batches (default: every batch)")
    args = parser.parse_args()
    analyzer = Analyzer.load()
    dev, test = read_drafts(analyzer, "dev"), read_drafts(analyzer, "test")
    batches = args.batches or sorted({d.batch for d in dev + test})
    totals = [0, 0, 0]  # rules right, ranker right, drafts
    print(f"{'batch':>5}  {'drafts':>6}  {'rules':>6}  {'ranker':>6}")
    for batch in batches:
        ranker = train([d for d in dev if d.batch != batch])
        held = [d for d in dev + test if d.batch == batch]
        rules, total = first_target_precision(held, None)
        learned, _ = first_target_precision(held, ranker)
        totals = [totals[0] + rules, totals[1] + learned, totals[2] + total]
        print(f"{batch:>5}  {total:>6}  {rules / max(1, total):6.3f}  {learned / max(1, total):6.3f}")
    rules, learned, total = totals
    print(
        f"  all  {total:>6}  {rules / max(1, total):6.3f}  {learned / max(1, total):6.3f}"
        f"  ({rules} and {learned} right)"
    )


if __name__ == "__main__":
    main()
