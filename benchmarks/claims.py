"""The main claim on trades the ranker never read: each batch of the evaluation set held out in turn.

    .venv/bin/python benchmarks/claims.py [--batches 17 18 ...]

Every batch of `corpus/eval/rewrites.jsonl` was written by a different editor about trades no
earlier batch used. For each batch, a claim ranker is trained as the shipped one is
(`ranker_train.train`, on the dev split) but on the other batches only, and the held-out
batch's drafts (dev and test) are read with it: is each draft's first target one the editor
rewrote? Printed beside the rules alone on the same drafts. The rules were written while
reading these batches (each pass fixed the last batch's misses), so their figure is in-sample
and flatters them; the ranker's is not. A count, not a judged round.

Then, for the form's gate (`score.REWRITE_CHANCE`): the held-out dev drafts' candidates by the
chance the held-out ranker gives them, and how often those at or above each chance were an
editor's target.
"""

from __future__ import annotations

import argparse

from analyzer.analysis.analyzer import Analyzer
from analyzer.analysis.suggest.ranker_train import first_target_precision, read_drafts, train

#: The chances the gate's table is printed at.
CHANCES = (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="*", help="hold out only these batches (default: every batch)")
    args = parser.parse_args()
    analyzer = Analyzer.load()
    dev, test = read_drafts(analyzer, "dev"), read_drafts(analyzer, "test")
    batches = args.batches or sorted({d.batch for d in dev + test})
    totals = [0, 0, 0]  # rules right, ranker right, drafts
    read: list[tuple[float, bool]] = []  # (chance, rewritten) of each held-out dev candidate
    dev_ids = {d.id for d in dev}
    print(f"{'batch':>5}  {'drafts':>6}  {'rules':>6}  {'ranker':>6}")
    for batch in batches:
        ranker = train([d for d in dev if d.batch != batch])
        held = [d for d in dev + test if d.batch == batch]
        rules, total = first_target_precision(held, None)
        learned, _ = first_target_precision(held, ranker)
        totals = [totals[0] + rules, totals[1] + learned, totals[2] + total]
        for d in held:
            if d.id in dev_ids and d.candidates:
                chances = ranker.chances(d.lines, d.kinds, d.names, d.label, d.candidates)
                read += [(c, d.rewritten[i]) for i, c in zip(d.candidates, chances, strict=True)]
        print(f"{batch:>5}  {total:>6}  {rules / max(1, total):6.3f}  {learned / max(1, total):6.3f}")
    rules, learned, total = totals
    print(
        f"  all  {total:>6}  {rules / max(1, total):6.3f}  {learned / max(1, total):6.3f}"
        f"  ({rules} and {learned} right)"
    )
    print("\nheld-out dev candidates by the ranker's chance (the form's gate)")
    print(f"{'chance >=':>9}  {'candidates':>10}  {'a target':>8}")
    for at_least in CHANCES:
        kept = [rewritten for chance, rewritten in read if chance >= at_least]
        print(f"{at_least:>9.2f}  {len(kept):>10}  {sum(kept) / max(1, len(kept)):8.3f}")


if __name__ == "__main__":
    main()
