"""Suggested rewrites judged as an editor would, on corpus/eval/rewrites.jsonl (dev and test).

    .venv/bin/python benchmarks/rewrites.py [--split dev|test|both] [--show N]

The set: 50 drafts written by an editor who never saw the engine, every sentence judged (its
kind, whether to rewrite it), 2-3 good rewrites per target and the content words a faithful
rewrite keeps. Each draft goes through the real `Analyzer` with the default options, and:

- Targets. The analyzer's sentences are aligned to the set's by character offsets in the
  analysed text (a set sentence found in order; an analyzer sentence matches the set sentences
  it overlaps). Precision: suggestions on a sentence the editor rewrote / all suggestions.
  Recall: editor's targets that got a suggestion / all editor's targets.
- Content words kept, over every alternative for an editor's target: lowercased words, numbers
  normalized (thousands separators dropped, "per cent" -> "%"), a content word of several words
  kept when its words appear in that order, contiguous, in the rewrite.
- Well-formed: `analyzer.analysis.suggest.wellformed.problems` (spaCy's parser, each
  placeholder read as "this": exactly one sentence whose root is a verb; starts and ends like a
  sentence; no doubled word, dangling joint or touching placeholders).
- Placeholders per rewrite; distinct openings (first three words) among a document's
  alternatives; frames (skeletons) used more than once in a document.
Both rules are also run on the editor's own rewrites, which should pass them.

The sentence model's gain is printed last, beside the independent check model's agreement: a
sanity check only, never evidence of quality (the frames were written by people who could see
the sentence model's scores).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.parse import parser
from analyzer.analysis.suggest.targets import PLACEHOLDER
from analyzer.analysis.suggest.wellformed import problems
from analyzer.text.extract import extract_text

EVAL_SET = Path(__file__).resolve().parent.parent / "corpus" / "eval" / "rewrites.jsonl"
_WORD = re.compile(r"[a-z0-9%$£€]+(?:['\u2019][a-z]+)?|\d+(?:\.\d+)?")


def words(text: str) -> list[str]:
    """Lowercased words with numbers normalized: "1,200" -> "1200", "per cent" -> "%"."""
    low = text.lower().replace("per cent", "%")
    low = re.sub(r"(?<=\d),(?=\d{3})", "", low)
    return _WORD.findall(low)


def keeps(content_word: str, rewrite: str) -> bool:
    """The content word's words, in order and contiguous, are in the rewrite."""
    want, have = words(content_word), words(rewrite)
    return any(have[k : k + len(want)] == want for k in range(len(have) - len(want) + 1))


def opening(text: str) -> str:
    return " ".join(words(PLACEHOLDER.sub("x", text))[:3])


@dataclass
class Tally:
    suggested: int = 0
    hits: int = 0
    targets: int = 0
    found: int = 0
    alternatives: int = 0
    kept: list[float] = field(default_factory=list)  # per alternative on an editor's target: share of content words
    kept_all: int = 0
    well_formed: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    placeholders: list[int] = field(default_factory=list)
    openings: list[float] = field(default_factory=list)  # per document: distinct openings / alternatives
    repeated_frames: int = 0
    documents: int = 0
    gains: list[float] = field(default_factory=list)
    agree: list[bool] = field(default_factory=list)
    false_positives: Counter[str] = field(default_factory=Counter)
    editor_kept: list[bool] = field(default_factory=list)
    editor_well_formed: list[bool] = field(default_factory=list)
    seconds: float = 0.0


def locate(text: str, sentences: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """Each set sentence's span in the analysed text, searched in order."""
    spans, position = [], 0
    for sentence in sentences:
        at = text.find(sentence["text"], position)
        if at < 0:
            at = text.find(sentence["text"])
        spans.append((at, at + len(sentence["text"])) if at >= 0 else (-1, -1))
        if at >= 0:
            position = at + len(sentence["text"])
    return spans


def judge(analyzer: Analyzer, drafts: Iterable[dict[str, Any]], nlp: Any) -> Tally:
    tally = Tally()
    for draft in drafts:
        extracted = extract_text(draft["text"], draft["format"])
        started = time.perf_counter()
        analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False))
        tally.seconds += time.perf_counter() - started
        tally.documents += 1
        _judge_draft(tally, analysis, draft, nlp)
    return tally


def _judge_draft(tally: Tally, analysis: Analysis, draft: dict[str, Any], nlp: Any) -> None:
    spans = locate(analysis.text, draft["sentences"])
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for sentence in analysis.sentences:
        by_sentence[sentence.index] = [
            judged
            for judged, (start, end) in zip(draft["sentences"], spans, strict=True)
            if start >= 0 and min(end, sentence.end) - max(start, sentence.start) > 0
        ]
    targets = [k for k, s in enumerate(draft["sentences"]) if s["rewrite"]]
    tally.targets += len(targets)
    covered: set[int] = set()
    openings, frames = [], Counter[str]()
    for suggestion in analysis.suggestions:
        tally.suggested += 1
        judged = by_sentence.get(suggestion.sentence, [])
        editor_targets = [j for j in judged if j["rewrite"]]
        if editor_targets:
            tally.hits += 1
            covered.update(draft["sentences"].index(j) for j in editor_targets)
        else:
            tally.false_positives[judged[0]["kind"] if judged else "unaligned"] += 1
        content = [w for j in editor_targets for w in j["content_words"]]
        for alternative in suggestion.alternatives:
            tally.alternatives += 1
            if content:
                share = sum(keeps(w, alternative.text) for w in content) / len(content)
                tally.kept.append(share)
                tally.kept_all += share == 1.0
            found = problems(alternative.text, nlp)
            tally.well_formed += not found
            tally.problems.update(p.split("'")[0].strip() for p in found)
            tally.placeholders.append(len(alternative.placeholders))
            openings.append(opening(alternative.text))
            frames[alternative.strategy] += 1
            if alternative.check is not None:
                tally.agree.append(alternative.check.agrees)
        tally.gains.append(suggestion.gain)
    tally.found += len(covered)
    if openings:
        tally.openings.append(len(set(openings)) / len(openings))
        tally.repeated_frames += sum(n - 1 for n in frames.values() if n > 1)
    for sentence in draft["sentences"]:
        for rewrite in sentence.get("rewrites", []):
            tally.editor_kept.append(all(keeps(w, rewrite["text"]) for w in sentence["content_words"]))
            tally.editor_well_formed.append(not problems(rewrite["text"], nlp))


def _share(n: float, d: float) -> str:
    return f"{n / d:.3f}" if d else "n/a"


def report(name: str, tally: Tally) -> None:
    kept_mean = statistics.fmean(tally.kept) if tally.kept else 0.0
    print(f"== {name}: {tally.documents} drafts, {tally.targets} editor targets, {tally.suggested} suggestions")
    print(f"  target precision                 {_share(tally.hits, tally.suggested)}  ({tally.hits}/{tally.suggested})")
    print(f"  target recall                    {_share(tally.found, tally.targets)}  ({tally.found}/{tally.targets})")
    print(f"  false positives by editor's kind {dict(tally.false_positives.most_common())}")
    print(
        f"  content words kept (all)         {_share(tally.kept_all, len(tally.kept))}  "
        f"({tally.kept_all}/{len(tally.kept)} alternatives on editor targets; mean share {kept_mean:.3f})"
    )
    print(
        f"  well-formed                      {_share(tally.well_formed, tally.alternatives)}  "
        f"({tally.well_formed}/{tally.alternatives}); problems {dict(tally.problems.most_common())}"
    )
    print(
        f"  placeholders per rewrite         {statistics.fmean(tally.placeholders) if tally.placeholders else 0:.2f}"
        f"  (max {max(tally.placeholders, default=0)})"
    )
    print(f"  distinct openings per document   {statistics.fmean(tally.openings) if tally.openings else 0:.3f}")
    print(f"  frames repeated within a document {tally.repeated_frames}")
    print(
        f"  alternatives per suggestion      {_share(tally.alternatives, tally.suggested)}; "
        f"analysis with suggestions {tally.documents / tally.seconds:.1f} docs/s"
    )
    print(
        f"  editor's own rewrites: content words kept {_share(sum(tally.editor_kept), len(tally.editor_kept))}, "
        f"well-formed {_share(sum(tally.editor_well_formed), len(tally.editor_well_formed))} "
        f"({len(tally.editor_well_formed)} rewrites; the rules' own validation)"
    )
    print(
        "  sanity check only, not evidence of quality: mean sentence-model gain of the shown rewrite "
        f"{statistics.fmean(tally.gains) if tally.gains else 0:+.3f}; the independent check model agrees on "
        f"{_share(sum(tally.agree), len(tally.agree))} of alternatives"
    )


def main() -> None:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--split", choices=["dev", "test", "both"], default="both")
    args = parser_.parse_args()
    drafts = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    analyzer = Analyzer.load()
    nlp = parser()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    print(f"model {analyzer.model.name}-{analyzer.model.version}; set {EVAL_SET.name}, {len(drafts)} drafts")
    for split in splits:
        report(split, judge(analyzer, [d for d in drafts if d["split"] == split], nlp))


if __name__ == "__main__":
    main()
