"""The main claim on trades the ranker never read: batches of the evaluation set held out in turn.

    .venv/bin/python benchmarks/claims.py [--batches 17 18 ...] [--folds 8]

Every batch of `corpus/eval/rewrites.jsonl` was written by a different editor about trades no
earlier batch used. The batches are held out in turn (one at a time with `--batches`, or in
`--folds` groups of batches): a claim ranker is trained as the shipped one is
(`ranker_train.train`, on the dev split) but on the other batches only, and the held-out drafts
(dev and test) are read with it. Each draft's first target is then checked two ways: is it one
the editor rewrote, and is it the sentence a second editor marked as the piece's main claim
(`corpus/eval/main-claims.tsv`, over the drafts with one marked)? Printed for the rules alone,
the ranker as shipped (trained on what editors rewrote) and the same ranker trained on the
marked main claims instead. The rules were written while reading these
batches (each pass fixed the last batch's misses), so their figure is in-sample and flatters
them; the ranker's is not. A count, not a judged round.

Then, for the form's gate (`score.REWRITE_CHANCE`): the held-out dev drafts' candidates by the
chance the held-out ranker gives them, and how often those at or above each chance were an
editor's target.
"""

from __future__ import annotations

import argparse

from analyzer.analysis.analyzer import Analyzer
from analyzer.analysis.suggest.ranker import ClaimRanker
from analyzer.analysis.suggest.ranker_train import TRUTHS, Draft, Truth, first_target_precision, read_drafts, train_each

#: The chances the gate's table is printed at.
CHANCES = (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
#: Each way a first target is chosen: the rules alone, or a ranker trained on one truth.
WAYS: tuple[tuple[str, Truth | None], ...] = (("rules", None), ("ranker", "rewritten"), ("on marks", "main"))


def held_out_groups(batches: list[int], folds: int | None) -> list[list[int]]:
    """The batches to hold out together: one at a time, or `folds` groups, every `folds`-th batch."""
    if not folds:
        return [[b] for b in batches]
    return [batches[k::folds] for k in range(min(folds, len(batches)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="*", help="hold out only these batches (default: every batch)")
    parser.add_argument("--folds", type=int, help="hold out the batches in this many groups, not one at a time")
    args = parser.parse_args()
    analyzer = Analyzer.load()
    dev, test = read_drafts(analyzer, "dev"), read_drafts(analyzer, "test")
    batches = args.batches or sorted({d.batch for d in dev + test})
    totals: dict[tuple[str, str], list[int]] = {}
    read: list[tuple[float, bool]] = []  # (chance, rewritten) of each held-out dev candidate
    dev_ids = {d.id for d in dev}
    print(
        f"{'held out':>12}  {'drafts':>6}  "
        + "  ".join(f"{name + ' ' + t:>22}" for t in ("target", "main") for name, _ in WAYS)
    )
    for group in held_out_groups(batches, args.folds):
        rankers = train_each([d for d in dev if d.batch not in group], TRUTHS)
        ranker = rankers["rewritten"]
        held = [d for d in dev + test if d.batch in group]
        figures = []
        for truth in TRUTHS:
            for name, target in WAYS:
                ranked_by = rankers[target] if target else None
                right, total = first_target_precision(held, ranked_by, truth=truth)
                counts = totals.setdefault((name, truth), [0, 0])
                counts[0] += right
                counts[1] += total
                figures.append(f"{right:>4}/{total:<4} {right / max(1, total):6.3f}".rjust(22))
        _gate(held, ranker, dev_ids, read)
        print(f"{_name(group):>12}  {len(held):>6}  " + "  ".join(figures))
    print(
        f"{'all':>12}  {'':>6}  "
        + "  ".join(f"{c[0]:>4}/{c[1]:<4} {c[0] / max(1, c[1]):6.3f}".rjust(22) for c in totals.values())
    )
    print("\nheld-out dev candidates by the ranker's chance (the form's gate)")
    print(f"{'chance >=':>9}  {'candidates':>10}  {'a target':>8}")
    for at_least in CHANCES:
        kept = [rewritten for chance, rewritten in read if chance >= at_least]
        print(f"{at_least:>9.2f}  {len(kept):>10}  {sum(kept) / max(1, len(kept)):8.3f}")


def _gate(held: list[Draft], ranker: ClaimRanker, dev_ids: set[str], read: list[tuple[float, bool]]) -> None:
    """Adds each held-out dev candidate's chance and whether an editor rewrote it to `read`."""
    for d in held:
        if d.id in dev_ids and d.candidates:
            chances = ranker.chances(d.lines, d.kinds, d.names, d.label, d.candidates)
            read += [(c, d.rewritten[i]) for i, c in zip(d.candidates, chances, strict=True)]


def _name(group: list[int]) -> str:
    return str(group[0]) if len(group) == 1 else f"{len(group)} batches"


if __name__ == "__main__":
    main()
