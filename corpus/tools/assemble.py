"""Assemble the corpus files from the writers' markup: `corpus.jsonl` and the held-out set.

The first 960 documents (batches `pr`, `blog`, `prod`, `lpwp`, `mail`, `evrn`, `csop`,
`misc`) live only in `corpus.jsonl`; they are kept line for line. Every later batch is a
folder of markup files under `batches/` (see `markup.py`), built into records here, so the
markup stays the source and the JSONL is derived from it. The held-out long documents under
`eval/long/` are built the same way into `eval/long.jsonl`, which nothing trains on.

Industry names are normalized on the way in: writers spelled some as phrases ("credit
unions") or as plurals and synonyms of the corpus's names; the map below folds them onto the
corpus's slugs so that a count by industry counts one industry once. Doc types are kept as
the writers gave them (a post-mortem is not a blog post to a reader), and
`analyzer/model/corpus.py` maps them to the corpus's families where it needs coarse types.

    python3 corpus/tools/assemble.py           # rewrite corpus.jsonl and eval/long.jsonl
    python3 corpus/tools/assemble.py --check   # exit 1 if either is stale

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import markup  # noqa: E402  (a sibling script, not a package)

CORPUS = Path(__file__).resolve().parents[1]
#: The batches written before the markup existed: their records are kept as they are.
LEGACY_BATCHES = frozenset({"pr", "blog", "prod", "lpwp", "mail", "evrn", "csop", "misc"})
#: Writers' industry names -> the corpus's (after lowercasing and hyphenating).
INDUSTRIES = {
    "credit-unions": "credit-union",
    "nonprofits": "nonprofit",
    "marketing-agencies": "marketing-agency",
    "hr": "hr-recruiting",
    "hr-and-recruiting": "hr-recruiting",
    "hr-and-payroll": "hr-recruiting",
    "e-commerce": "retail-ecommerce",
    "energy": "energy-utilities",
    "utilities": "energy-utilities",
    "water": "water-utilities",
    "food-processing": "food-manufacturing",
    "media-publishing": "publishing",
}


def industry(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return INDUSTRIES.get(slug, slug)


def normalized(record: dict[str, object]) -> dict[str, object]:
    record = dict(record)
    record["industry"] = industry(str(record["industry"]))
    return record


def batch_of(doc_id: str) -> str:
    return doc_id.rsplit("-", 1)[0]


def corpus_lines() -> list[str]:
    """The corpus as it should be: legacy lines as they are, then every markup batch, by id."""
    legacy = [
        line
        for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip() and batch_of(json.loads(line)["id"]) in LEGACY_BATCHES
    ]
    built = [normalized(markup.parse(path)) for path in markup.files([CORPUS / "batches"])]
    clashing = [r["id"] for r in built if batch_of(str(r["id"])) in LEGACY_BATCHES]
    if clashing:
        raise markup.MarkupError(f"markup files reuse legacy batch ids: {clashing[:5]}")
    lines = legacy + [json.dumps(r, ensure_ascii=False) for r in built]
    return sorted(lines, key=lambda line: str(json.loads(line)["id"]))


def held_out_lines() -> list[str]:
    built = [normalized(markup.parse(path)) for path in markup.files([CORPUS / "eval" / "long"])]
    return [json.dumps(r, ensure_ascii=False) for r in sorted(built, key=lambda r: str(r["id"]))]


TARGETS = {
    CORPUS / "corpus.jsonl": corpus_lines,
    CORPUS / "eval" / "long.jsonl": held_out_lines,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report stale files instead of writing them")
    args = parser.parse_args(argv)
    stale = 0
    for path, lines in TARGETS.items():
        content = "\n".join(lines()) + "\n"
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if content == current:
            print(f"{path.relative_to(CORPUS)}: up to date ({content.count(chr(10))} records)")
        elif args.check:
            print(f"{path.relative_to(CORPUS)}: stale; run python3 corpus/tools/assemble.py", file=sys.stderr)
            stale += 1
        else:
            path.write_text(content, encoding="utf-8")
            print(f"{path.relative_to(CORPUS)}: wrote {content.count(chr(10))} records")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
