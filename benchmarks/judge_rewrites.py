"""A blind editor's judgment of two engines' rewrites: dump, sample into a sheet, judge, join.

    .venv/bin/python benchmarks/judge_rewrites.py dump before     # the engine as it is, on the test drafts
    # ... change the engine ...
    .venv/bin/python benchmarks/judge_rewrites.py dump after
    .venv/bin/python benchmarks/judge_rewrites.py sheet round2 before after --per-engine 60
    # fill the `verdict` column of corpus/eval/judging/sheet-round2.tsv: paste, light or no
    .venv/bin/python benchmarks/judge_rewrites.py join round2

Coaching questions are judged the same way, blind to nothing but each other's verdicts:
`coaching round6 --judges e f` writes every coaching question the analysis asks of the test
drafts, one per row (verdicts: *useful*, specific to this draft and answerable by its writer;
*generic*, could be asked of any draft; *wrong*, misreads the draft or does not parse), and
`join round6` reads them like any other round.

`replay round11 round13 ...` replays every engine alternative those rounds judged against the
engine as it is now: the usable verdicts among the sentences it still rewrites, and among those
it no longer does. `replay-coaching round69 round70` does the same for coaching rounds: the
verdicts of the questions still asked, of those no longer asked, and the new questions unjudged.

Several judges (from round 3): `dump editor` writes the editor's own rewrites of the test drafts
as a third "engine", the control that says what a human rewrite scores on the same rubric;
`sheet round3 final editor --judges a b` writes one copy of the sheet per judge
(`sheet-round3-a.tsv`, ...), each to be filled without seeing the others; `join round3` prints
each judge's shares by engine and, for two or more judges, how often they agree and Cohen's kappa.

The sheet shows each alternative beside the writer's sentence and nothing else: no engine, no
strategy, no move, in an order shuffled across both engines, so the judge cannot tell which
engine wrote what. Which engine wrote an item is in `key-<round>.json`, read only by `join`. Each round samples with its
own seed, so a second round after changing the engine is judged on alternatives not seen before. The rubric
(docs/suggestions.md): *paste* as is; *light*, paste after a light edit (fill the placeholders,
change one word); *no*, would not paste (wrong meaning, clumsy, invented facts, bolted on). From
round 3 "light" is split in two: *fill*, paste once its bracketed questions are answered with a
fact the writer has and nothing else changed; *edit*, paste after changing a word or two as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.evalset import BATCHES, load_drafts
from analyzer.model.paths import PROJECT_ROOT
from analyzer.text.extract import extract_text

FOLDER = PROJECT_ROOT / "corpus" / "eval" / "judging"
#: paste as is; fill the questions, then paste; edit a word or two (and fill), then paste; would not paste.
VERDICTS = ("paste", "fill", "edit", "no")
#: Rounds 1 and 2 had one verdict for "fill" and "edit".
OLD_VERDICTS = ("paste", "light", "no")
#: A coaching question: specific and answerable, could be asked of any draft, misreads the draft.
COACHING_VERDICTS = ("useful", "generic", "wrong")
USABLE = frozenset({"paste", "fill", "edit", "light", "useful"})
SEED = 20261204
#: The dump tag of the editor's own rewrites: the human control on the same sheet.
EDITOR = "editor"


def dump(tag: str, split: str | None = "test", batch: str | None = None) -> Path:
    """Every alternative the engine offers on the test drafts (or `split`'s, of `batch`), one JSON
    line each (`editor`: the editor's own rewrites of the same drafts)."""
    drafts = load_drafts(split=split, batch=BATCHES[batch] if batch else None)
    out = FOLDER / f"alternatives-{tag}.jsonl"
    FOLDER.mkdir(parents=True, exist_ok=True)
    if tag == EDITOR or tag.startswith(f"{EDITOR}-"):  # "editor-b4": the editor's, of one batch
        rows = [
            {"draft": d["id"], "original": s["text"], "move": r["move"], "strategy": EDITOR, "text": r["text"]}
            for d in drafts
            for s in d["sentences"]
            for r in s.get("rewrites", ())
        ]
        out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        return out
    with out.open("w", encoding="utf-8") as handle:
        for draft, analysis in _analyses(drafts):
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


def _analyses(drafts: Sequence[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Analysis]]:
    """Each draft with the analysis the service would give it (the default options)."""
    analyzer = Analyzer.load()
    for draft in drafts:
        yield (
            draft,
            analyzer.analyze(extract_text(draft["text"], draft["format"]), options=AnalyzeOptions(explanations=False)),
        )


def _write_sheets(round_: str, judges: Sequence[str | None], header: list[str], rows: Sequence[list[str]]) -> None:
    """One copy of the numbered sheet per judge, every verdict and note blank."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for judge in judges:
        with _sheet(round_, judge).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(["item", *header, "verdict", "note"])
            for number, row in enumerate(rows, 1):
                writer.writerow([number, *row, "", ""])


def _sheet(round_: str, judge: str | None = None) -> Path:
    return FOLDER / (f"sheet-{round_}-{judge}.tsv" if judge else f"sheet-{round_}.tsv")


def _judged_sheets(round_: str) -> dict[str, Path]:
    """A round's sheets by judge: one per judge from round 3, else the single sheet (judge "")."""
    sheets = {p.stem.removeprefix(f"sheet-{round_}-"): p for p in sorted(FOLDER.glob(f"sheet-{round_}-*.tsv"))}
    return sheets or {"": _sheet(round_)}


def _key(round_: str) -> Path:
    return FOLDER / f"key-{round_}.json"


def sheet(round_: str, tags: list[str], per_engine: int, judges: Sequence[str] = ()) -> None:
    """Sample `per_engine` alternatives of each dump, shuffle them together, write the sheet (one
    copy per judge) and its key."""
    rng = random.Random(f"{SEED}-{round_}")
    items: list[tuple[str, dict[str, str]]] = []
    for tag in tags:
        rows = [
            json.loads(line) for line in (FOLDER / f"alternatives-{tag}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        items += [(tag, row) for row in rng.sample(rows, min(per_engine, len(rows)))]
    rng.shuffle(items)
    copies: Sequence[str | None] = list(judges) or [None]
    rows = [[row["draft"], row["original"], row["text"]] for _, row in items]
    _write_sheets(round_, copies, ["draft", "original", "alternative"], rows)
    _key(round_).write_text(
        json.dumps({str(n): tag for n, (tag, _) in enumerate(items, 1)}, indent=0), encoding="utf-8"
    )
    where = ", ".join(str(_sheet(round_, judge).relative_to(PROJECT_ROOT)) for judge in copies)
    print(f"{len(items)} items in {where}; the key is in {_key(round_).name} (do not open it before judging)")


def coaching(
    round_: str,
    judges: Sequence[str],
    split: str | None = "test",
    batch: str | None = None,
    unjudged: Sequence[str] = (),
) -> None:
    """Every coaching question asked of the test drafts (or `split`'s, of `batch`), one row each, in
    one sheet per judge. With `unjudged` rounds: only the questions today's engine asks of those
    rounds' drafts that no judge of them saw, so a change is judged where it changed something."""
    drafts = load_drafts(split=split, batch=BATCHES[batch] if batch else None)
    seen = _judged_questions(unjudged)
    if unjudged:
        drafts = [d for d in drafts if d["id"] in {draft for draft, _, _ in seen}]
    rows = [
        [draft["id"], element, question]
        for draft, analysis in _analyses(drafts)
        for element, asked in analysis.coaching.items()
        for question in asked
        if (draft["id"], element, question) not in seen
    ]
    _write_sheets(round_, judges, ["draft", "element", "question"], rows)
    _key(round_).write_text(json.dumps({str(n): "coaching" for n in range(1, len(rows) + 1)}), encoding="utf-8")
    print(f"{len(rows)} questions in one sheet per judge ({', '.join(judges)})")


def _verdicts(path: Path) -> dict[str, str]:
    """A judged sheet's verdicts by item; every item must have one of the round's verdicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    used = {r["verdict"] for r in rows}
    allowed = OLD_VERDICTS if "light" in used else COACHING_VERDICTS if used & set(COACHING_VERDICTS) else VERDICTS
    missing = [r["item"] for r in rows if r["verdict"] not in allowed]
    if missing:
        raise SystemExit(f"{path.name}: items {', '.join(missing[:10])} have no verdict ({'/'.join(allowed)})")
    return {r["item"]: r["verdict"] for r in rows}


def join(round_: str) -> dict[str, dict[str, Counter[str]]]:
    """Each judge's verdicts by engine, and the judges' agreement when there are several."""
    key = json.loads(_key(round_).read_text(encoding="utf-8"))
    judged = {judge: _verdicts(path) for judge, path in _judged_sheets(round_).items()}
    shares: dict[str, dict[str, Counter[str]]] = {}
    for judge, verdicts in judged.items():
        by_engine = shares.setdefault(judge, {})
        for item, verdict in verdicts.items():
            by_engine.setdefault(key[item], Counter())[verdict] += 1
        seen = set(verdicts.values())
        names = OLD_VERDICTS if "light" in seen else COACHING_VERDICTS if seen & set(COACHING_VERDICTS) else VERDICTS
        for tag, counts in sorted(by_engine.items()):
            total = sum(counts.values())
            line = ", ".join(f"{v} {counts[v] / total:.2f} ({counts[v]})" for v in names)
            usable = sum(counts[v] for v in USABLE) / total
            print(f"{judge or 'judge':>6} {tag:>8}: {total} alternatives: {line}; usable {usable:.2f}")
    if len(judged) >= 2:
        for (a, first), (b, second) in combinations(judged.items(), 2):
            items = sorted(set(first) & set(second))  # a round split among judges shares no items
            if not items:
                continue
            print(
                f"{a} and {b}: verdicts agree {_agreement(first, second, items):.2f}, kappa "
                f"{_kappa([first[i] for i in items], [second[i] for i in items]):.2f}; usable or not: agree "
                f"{_agreement(_usable(first), _usable(second), items):.2f}, kappa "
                f"{_kappa([_usable(first)[i] for i in items], [_usable(second)[i] for i in items]):.2f}"
            )
    return shares


def replay(rounds: Sequence[str]) -> dict[bool, tuple[int, int]]:
    """Every engine alternative judged in `rounds`, against today's engine: how many verdicts were
    usable among the sentences it still rewrites, and among those it no longer does.

    A change that keeps the form away from more drafts is worth it when the verdicts it drops
    were mostly "no"; this says so without a new round of judges (a new round still decides).
    """
    judged: dict[tuple[str, str], list[str]] = {}
    for round_ in rounds:
        key = json.loads(_key(round_).read_text(encoding="utf-8"))
        for path in _judged_sheets(round_).values():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    if "original" in row and not key[row["item"]].startswith(EDITOR):
                        judged.setdefault((row["draft"], row["original"].strip()), []).append(row["verdict"])
    wanted = {draft for draft, _ in judged}
    offered = {
        (draft["id"], suggestion.original.strip())
        for draft, analysis in _analyses([d for d in load_drafts() if d["id"] in wanted])
        for suggestion in analysis.suggestions
    }
    counts = {True: [0, 0], False: [0, 0]}
    for item, verdicts in judged.items():
        tally = counts[item in offered]
        tally[0] += sum(v in USABLE for v in verdicts)
        tally[1] += len(verdicts)
    for still, (usable, total) in sorted(counts.items(), reverse=True):
        what = "still offered" if still else "no longer offered"
        print(f"{what:>18}: {usable} usable verdicts of {total} ({usable / total if total else 0:.2f})")
    return {still: (usable, total) for still, (usable, total) in counts.items()}


def replay_coaching(rounds: Sequence[str]) -> dict[str, Counter[str]]:
    """Every coaching question judged in `rounds`, against today's engine: the verdicts of the
    questions it still asks and of those it no longer asks, and how many it asks unjudged.

    Each judge's verdict counts once, as in `join`. A change that drops mostly *wrong* verdicts
    and no *useful* ones is worth a new round of judges on drafts written after it.
    """
    judged = _judged_questions(rounds)
    wanted = {draft for draft, _, _ in judged}
    asked = {
        (draft["id"], element, question)
        for draft, analysis in _analyses([d for d in load_drafts() if d["id"] in wanted])
        for element, questions in analysis.coaching.items()
        for question in questions
    }
    counts: dict[str, Counter[str]] = {"still asked": Counter(), "no longer asked": Counter()}
    for item, verdicts in judged.items():
        counts["still asked" if item in asked else "no longer asked"].update(verdicts)
    for what, tally in counts.items():
        line = ", ".join(f"{v} {tally[v]}" for v in COACHING_VERDICTS)
        print(f"{what:>16}: {sum(tally.values())} verdicts: {line}")
    print(f"{'new, unjudged':>16}: {len(asked - set(judged))} questions")
    return counts


def _judged_questions(rounds: Sequence[str]) -> dict[tuple[str, str, str], list[str]]:
    """Every coaching question judged in `rounds`, by (draft, element, question): its verdicts."""
    judged: dict[tuple[str, str, str], list[str]] = {}
    for round_ in rounds:
        for path in _judged_sheets(round_).values():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    if "question" in row:
                        judged.setdefault((row["draft"], row["element"], row["question"]), []).append(row["verdict"])
    return judged


def _usable(verdicts: dict[str, str]) -> dict[str, str]:
    return {item: "usable" if v in USABLE else "no" for item, v in verdicts.items()}


def _agreement(first: dict[str, str], second: dict[str, str], items: Sequence[str]) -> float:
    return sum(first[i] == second[i] for i in items) / len(items)


def _kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa: agreement beyond what two judges with these verdict shares reach by chance."""
    n = len(first)
    observed = sum(x == y for x, y in zip(first, second, strict=True)) / n
    a, b = Counter(first), Counter(second)
    chance = sum(a[v] * b[v] for v in set(a) | set(b)) / (n * n)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumped = commands.add_parser("dump")
    dumped.add_argument("tag")
    dumped.add_argument("--split", choices=["dev", "test", "both"], default="test")
    dumped.add_argument("--batch", choices=sorted(BATCHES), default=None)
    made = commands.add_parser("sheet")
    made.add_argument("round")
    made.add_argument("tags", nargs="+")
    made.add_argument("--per-engine", type=int, default=60)
    made.add_argument("--judges", nargs="*", default=[], help="one sheet per judge, e.g. a b")
    commands.add_parser("join").add_argument("round")
    commands.add_parser("replay").add_argument("rounds", nargs="+")
    commands.add_parser("replay-coaching").add_argument("rounds", nargs="+")
    asked = commands.add_parser("coaching")
    asked.add_argument("round")
    asked.add_argument("--judges", nargs="+", required=True)
    asked.add_argument("--split", choices=["dev", "test", "both"], default="test")
    asked.add_argument("--batch", choices=sorted(BATCHES), default=None)
    asked.add_argument("--unjudged", nargs="+", default=[], help="only what no judge of these rounds saw")
    args = parser.parse_args()
    if args.command == "dump":
        print(dump(args.tag, None if args.split == "both" else args.split, args.batch))
    elif args.command == "sheet":
        sheet(args.round, args.tags, args.per_engine, args.judges)
    elif args.command == "coaching":
        coaching(args.round, args.judges, None if args.split == "both" else args.split, args.batch, args.unjudged)
    elif args.command == "replay":
        replay(args.rounds)
    elif args.command == "replay-coaching":
        replay_coaching(args.rounds)
    else:
        join(args.round)


if __name__ == "__main__":
    main()
