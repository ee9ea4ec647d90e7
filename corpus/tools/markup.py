"""Writers' markup for corpus documents: check it, and build corpus records from it.

A document is one UTF-8 file, a header of `key: value` lines, a `---` line, then the body:

    id: long-aw-001
    label: awareness-only
    doc_type: blog-post
    industry: logistics
    pair: harbor-freight        (optional: the same company told as another message)
    ---
    [[aw]]Ten Years on the Waterfront

    We opened our first depot in 2016 ... [[cfc why cost]]Yet most shippers still ...

The body is cut into runs by inline markers `[[LABEL RUBRIC...]]`, placed right before the first
character of the sentence that starts the run; the body must start with one. LABEL is `aw`,
`fp` or `cfc` (or the full label); RUBRIC is any of `why`, `cost`, `future` (or the full
element names). Each sentence takes the label of the run it starts in; a run's rubric elements
go to every sentence in it, so keep rubric runs to the sentences that argue the element.
Markers are removed; the rest of the body is the document's text, unchanged.

    python3 corpus/tools/markup.py check corpus/batches/long-aw
    python3 corpus/tools/markup.py build corpus/batches/long-aw --out corpus/long-aw.jsonl

Standard library only, so a writer needs nothing installed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = {"aw": "awareness-only", "fp": "feature-pitch", "cfc": "case-for-change"}
RUBRIC = {"why": "why_change", "cost": "price_of_inaction", "future": "future_state"}
REQUIRED = ("id", "label", "doc_type", "industry")
LENGTH_BUCKETS = ((0, 150), (150, 300), (300, 600), (600, 1000), (1000, 1500), (1500, 10**9))
_MARKER = re.compile(r"\[\[([^\[\]]*)\]\]")
_WORD = re.compile(r"[a-z0-9']+")


class MarkupError(ValueError):
    pass


def _label(token: str, where: str) -> str:
    if token in LABELS:
        return LABELS[token]
    if token in LABELS.values():
        return token
    raise MarkupError(f"{where}: unknown label {token!r}; use aw, fp or cfc.")


def _element(token: str, where: str) -> str:
    if token in RUBRIC:
        return RUBRIC[token]
    if token in RUBRIC.values():
        return token
    raise MarkupError(f"{where}: unknown rubric element {token!r}; use why, cost or future.")


def parse(path: Path) -> dict[str, object]:
    """One markup file -> a corpus record with run spans in `sentences`."""
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise MarkupError(f"{path}: no '---' line between the header and the body.")
    meta: dict[str, str] = {}
    for number, line in enumerate(head.splitlines(), 1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise MarkupError(f"{path}:{number}: header lines are 'key: value'.")
        meta[key.strip()] = value.strip()
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise MarkupError(f"{path}: header lacks {', '.join(missing)}.")
    label = _label(meta["label"], str(path))
    body = body.strip()
    if not body.startswith("[["):
        raise MarkupError(f"{path}: the body must start with a [[label]] marker.")
    text_parts: list[str] = []
    runs: list[dict[str, object]] = []
    position, offset = 0, 0
    for match in _MARKER.finditer(body):
        chunk = body[position : match.start()]
        text_parts.append(chunk)
        offset += len(chunk)
        if runs:
            runs[-1]["end"] = offset
        tokens = match.group(1).split()
        if not tokens:
            raise MarkupError(f"{path}: an empty [[ ]] marker.")
        where = f"{path}: marker [[{match.group(1)}]]"
        runs.append(
            {
                "start": offset,
                "end": None,
                "label": _label(tokens[0], where),
                "rubric": sorted({_element(t, where) for t in tokens[1:]}),
            }
        )
        position = match.end()
    text_parts.append(body[position:])
    text = "".join(text_parts)
    runs[-1]["end"] = len(text)
    if "[[" in text or "]]" in text:
        raise MarkupError(f"{path}: a marker is not closed, or brackets remain in the text.")
    spans = []
    for run in runs:
        start, end = int(run["start"]), int(run["end"])  # type: ignore[call-overload]
        # Trim the whitespace between runs so a span starts on its first character.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise MarkupError(f"{path}: an empty run at offset {run['start']}.")
        if start > 0 and not text[start - 1].isspace():
            raise MarkupError(f"{path}: a marker at offset {start} is inside a word; put it before a sentence.")
        spans.append({"start": start, "end": end, "label": run["label"], "rubric": run["rubric"]})
    record: dict[str, object] = {
        "id": meta["id"],
        "text": text,
        "label": label,
        "doc_type": meta["doc_type"],
        "industry": meta["industry"],
        "sentences": spans,
    }
    for key in ("pair", "writer"):
        if meta.get(key):
            record[key] = meta[key]
    if label == "case-for-change" and not any(s["label"] == "case-for-change" for s in spans):
        raise MarkupError(f"{path}: a case-for-change document with no case-for-change run.")
    return record


def words(text: str) -> int:
    return len(text.split())


def bucket(n: int) -> str:
    for low, high in LENGTH_BUCKETS:
        if low <= n < high:
            return f"{low}-{high}" if high < 10**9 else f"{low}+"
    raise AssertionError(n)


def grams(text: str, n: int) -> set[str]:
    tokens = _WORD.findall(text.lower())
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.md")) if path.is_dir() else [path]
    return found


def check(paths: list[Path], corpus: Path, devset: Path) -> int:
    records, errors = [], []
    for path in files(paths):
        try:
            records.append(parse(path))
        except (MarkupError, UnicodeDecodeError) as exc:
            errors.append(str(exc))
    ids = Counter(str(r["id"]) for r in records)
    errors += [f"id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    table: Counter[tuple[str, str]] = Counter()
    for r in records:
        table[(bucket(words(str(r["text"]))), str(r["label"]))] += 1
    print(f"{len(records)} documents, {sum(words(str(r['text'])) for r in records):,} words")
    print(f"{'words':>10}  {'aw':>4} {'fp':>4} {'cfc':>4}")
    for low, _high in LENGTH_BUCKETS:
        name = bucket(low)
        row = [table[(name, label)] for label in LABELS.values()]
        if any(row):
            print(f"{name:>10}  " + " ".join(f"{n:>4}" for n in row))
    # Overlap: with the real-world dev set (never allowed) and with other documents (near-copies).
    if devset.exists():
        real: set[str] = set()
        for line in devset.read_text(encoding="utf-8").splitlines():
            if line.strip():
                real |= grams(json.loads(line)["text"], 8)
        for r in records:
            if grams(str(r["text"]), 8) & real:
                errors.append(f"{r['id']}: shares an 8-word run with the real-world dev set; rewrite it.")
    others: dict[str, set[str]] = {}
    if corpus.exists():
        for line in corpus.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                others[obj["id"]] = grams(obj["text"], 5)
    mine = {str(r["id"]): grams(str(r["text"]), 5) for r in records}
    for doc_id, own in mine.items():
        for other_id, theirs in list(others.items()) + list(mine.items()):
            if other_id == doc_id or not own or not theirs:
                continue
            overlap = len(own & theirs) / min(len(own), len(theirs))
            if overlap >= 0.3 and (other_id not in mine or doc_id < other_id):
                errors.append(f"{doc_id} and {other_id} share {overlap:.0%} of their 5-word runs; rewrite one.")
    for error in errors:
        print("error:", error, file=sys.stderr)
    return 1 if errors else 0


def build(paths: list[Path], out: Path) -> int:
    records = [parse(path) for path in files(paths)]
    with out.open("w", encoding="utf-8") as handle:
        for record in sorted(records, key=lambda r: str(r["id"])):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} records to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate markup files; print counts by length and label")
    check_cmd.add_argument("paths", nargs="+", type=Path)
    check_cmd.add_argument("--corpus", type=Path, default=here / "corpus.jsonl")
    check_cmd.add_argument("--devset", type=Path, default=here.parents[1] / "shared" / "devset.jsonl")
    build_cmd = commands.add_parser("build", help="write the corpus records of markup files as JSONL")
    build_cmd.add_argument("paths", nargs="+", type=Path)
    build_cmd.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return check(args.paths, args.corpus, args.devset)
        return build(args.paths, args.out)
    except MarkupError as exc:
        print("error:", exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
