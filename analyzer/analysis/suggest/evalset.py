"""The editor's rewrite evaluation set (`corpus/eval/rewrites.jsonl`), read and aligned to an analysis.

The set is the truth both the benchmark (`benchmarks/rewrites.py`) and the target chooser's
training read: every sentence of 216 drafts judged by an editor (its kind,
whether to rewrite it, gold rewrites, the content words to keep). An analysis splits the text
its own way, so a sentence of the analysis is matched to the set's sentences it overlaps by
character offsets in the analysed text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from analyzer.model.paths import PROJECT_ROOT

EVAL_SET = PROJECT_ROOT / "corpus" / "eval" / "rewrites.jsonl"
#: Each draft's main claim, marked by a second editor who saw only the drafts' sentences.
MAIN_CLAIMS = PROJECT_ROOT / "corpus" / "eval" / "main-claims.tsv"


class Span(Protocol):
    """A sentence of an analysis: its index and character offsets into the analysed text."""

    index: int
    start: int
    end: int


#: The batches the set grew in: the first pass's 50 drafts (no `batch` field), the third
#: pass's 30 (`"batch": 2`), the fourth pass's 24 (`"batch": 3`), 16 (`"batch": 4`, written
#: after the first library of stakes) and 16 more in each of batches 5 to 19 (each written after
#: the engine's last change and never looked at before its measurement), each by an editor who
#: never read the engine's code or documentation, kept apart so figures stay comparable.
BATCHES = {
    "old": 1,
    "new": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
    "twenty-second": 22,
    "twenty-third": 23,
    "twenty-fourth": 24,
    "twenty-fifth": 25,
    "twenty-sixth": 26,
    "twenty-seventh": 27,
    "twenty-eighth": 28,
    "twenty-ninth": 29,
    "thirtieth": 30,
    "thirty-first": 31,
    "thirty-second": 32,
    "thirty-third": 33,
    "thirty-fourth": 34,
    "thirty-fifth": 35,
    "thirty-sixth": 36,
    "thirty-seventh": 37,
    "thirty-eighth": 38,
    "thirty-ninth": 39,
    "fortieth": 40,
    "forty-first": 41,
    "forty-second": 42,
    "forty-third": 43,
    "forty-fourth": 44,
    "forty-fifth": 45,
    "forty-sixth": 46,
    "forty-seventh": 47,
    "forty-eighth": 48,
    "forty-ninth": 49,
    "fiftieth": 50,
    "fifty-first": 51,
    "fifty-second": 52,
    "fifty-third": 53,
    "fifty-fourth": 54,
    "fifty-fifth": 55,
    "fifty-sixth": 56,
    "fifty-seventh": 57,
    "fifty-eighth": 58,
    "fifty-ninth": 59,
    "sixtieth": 60,
    "sixty-first": 61,
    "sixty-second": 62,
    "sixty-third": 63,
    "sixty-fourth": 64,
    "sixty-fifth": 65,
}


def load_drafts(path: Path = EVAL_SET, split: str | None = None, batch: int | None = None) -> list[dict[str, Any]]:
    """The set's drafts, in file order, of one split ("dev" or "test") and one batch, or all."""
    drafts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        d for d in drafts if (split is None or d["split"] == split) and (batch is None or d.get("batch", 1) == batch)
    ]


def load_main_claims(path: Path = MAIN_CLAIMS) -> dict[str, frozenset[int]]:
    """Each marked draft's main claim: the indexes of its judged sentences that state it (the
    choice and an equal second), or none where the piece offers its reader nothing."""
    marked: dict[str, frozenset[int]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        draft, main, also, *_ = [*line.split("\t"), "", ""]
        marked[draft] = frozenset(int(v) for v in (main, also) if v.strip().isdigit())
    return marked


def locate(text: str, sentences: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """Each judged sentence's span in the analysed text, searched in order ((-1, -1) if absent)."""
    spans, position = [], 0
    for sentence in sentences:
        at = text.find(sentence["text"], position)
        if at < 0:
            at = text.find(sentence["text"])
        spans.append((at, at + len(sentence["text"])) if at >= 0 else (-1, -1))
        if at >= 0:
            position = at + len(sentence["text"])
    return spans


def align(text: str, spans: Sequence[Span], judged: Sequence[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """For each sentence of the analysis (by index), the judged sentences it overlaps."""
    located = locate(text, judged)
    return {
        span.index: [
            j
            for j, (start, end) in zip(judged, located, strict=True)
            if start >= 0 and min(end, span.end) > max(start, span.start)
        ]
        for span in spans
    }
