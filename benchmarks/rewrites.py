"""Suggested rewrites judged as an editor would, on corpus/eval/rewrites.jsonl (dev and test).

    .venv/bin/python benchmarks/rewrites.py [--split dev|test|both] [--batch old|new|...|sixth|all|each]

The set: 136 drafts, every sentence judged (its kind, whether to rewrite it), 2-3 good rewrites
per target, one per move, and the content words a faithful rewrite keeps. The first 50
(`--batch old`) were written by an editor who never saw the engine; the third pass's 30
(`--batch new`, `"batch": 2`) by that pass's engineer acting as editor, who had read the
engine's documentation but wrote and judged them before changing it; the fourth pass's 24
(`--batch third`, `"batch": 3`) by an editor who never read the engine's code or documentation,
16 (`--batch fourth`, `"batch": 4`) by another such editor after the first library of stakes, and
16 (`--batch fifth`, `"batch": 5`) by a third, measured once, after the engine's last change. Develop on dev; read test
only to confirm. Each draft goes through the real `Analyzer` with the default options, and:

- Targets. The analyzer's sentences are aligned to the set's by character offsets in the
  analysed text (`analyzer.analysis.suggest.evalset`). Precision: suggestions on a sentence the
  editor rewrote / all suggestions. Recall: editor's targets that got a suggestion / all.
- Similarity to the editor's rewrites: chrF (character 1-6-gram F-score, recall weighted
  twice, spaces ignored, 0-100) of every alternative on an editor's target against the editor's
  rewrite for the same move, and against the closest editor's rewrite of any move; beside two
  baselines on exactly the same rewrites: the original sentence unchanged, and the original
  behind a fixed generic prefix ("Doing nothing costs your team [how much?]: ..."). An engine
  worth shipping beats both.
- Frame share: the share of a rewrite's words found neither in the original sentence, nor in
  the draft, nor in a placeholder: the engine's own boilerplate (mean and worst).
- Fact reuse: of the price-of-inaction alternatives whose draft has a number, the share whose
  first clause (before the first ";", ":", dash or ", so/and/while/which is why") uses one of
  the draft's numbers outside a placeholder.
- Verbatim prefix: the share of alternatives that are the original sentence with words only
  added in front (the issue asks for the sentence recast, not wrapped).
- Content words kept (lowercased, numbers normalized, several-word content words contiguous
  and in order); well-formed (`analyzer.analysis.suggest.wellformed.problems`, spaCy's parse);
  placeholders per rewrite; distinct openings; strategies used twice in a document.
The editor's own rewrites go through the same rules and are printed beside the engine's.

The sentence model's gain is printed last with the independent check model's agreement: a
sanity check only, never evidence of quality.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.choose import choose_targets
from analyzer.analysis.suggest.evalset import BATCHES, EVAL_SET, align, load_drafts
from analyzer.analysis.suggest.kinds import Line, read_kinds
from analyzer.analysis.suggest.parse import clean, parser
from analyzer.analysis.suggest.targets import PLACEHOLDER
from analyzer.analysis.suggest.wellformed import problems
from analyzer.text.extract import extract_text

_WORD = re.compile(r"[a-z0-9%$£€]+(?:['\u2019][a-z]+)?|\d+(?:\.\d+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CLAUSE_BREAK = re.compile(r";|:|\s[\u2014\u2013-]\s|,\s(?:so|and|while|but|which is why|because)\s")
GENERIC_PREFIX = "Doing nothing costs your team [how much?]: "
CHRF_ORDER = 6
CHRF_BETA = 2.0


def words(text: str) -> list[str]:
    """Lowercased words with numbers normalized: "1,200" -> "1200", "per cent" -> "%", and a
    possessive's "'s" dropped ("Shelterwise's new board" keeps the content word "Shelterwise")."""
    low = text.lower().replace("per cent", "%")
    low = re.sub(r"(?<=\d),(?=\d{3})", "", low)
    low = re.sub(r"(?<=[a-z])['\u2019]s\b", "", low)
    return _WORD.findall(low)


def keeps(content_word: str, rewrite: str) -> bool:
    """The content word's words, in order and contiguous, are in the rewrite."""
    want, have = words(content_word), words(rewrite)
    return any(have[k : k + len(want)] == want for k in range(len(have) - len(want) + 1))


def chrf(hypothesis: str, reference: str) -> float:
    """chrF (Popovic 2015) as sacrebleu computes it by default: character n-grams of orders 1-6,
    whitespace removed, precision and recall averaged over the orders, F-beta with beta 2, 0-100."""
    hyp, ref = re.sub(r"\s+", "", hypothesis), re.sub(r"\s+", "", reference)
    precisions, recalls = [], []
    for n in range(1, CHRF_ORDER + 1):
        h = Counter(hyp[k : k + n] for k in range(len(hyp) - n + 1))
        r = Counter(ref[k : k + n] for k in range(len(ref) - n + 1))
        if not h or not r:
            continue
        matched = sum((h & r).values())
        precisions.append(matched / sum(h.values()))
        recalls.append(matched / sum(r.values()))
    if not precisions:
        return 0.0
    p, r = statistics.fmean(precisions), statistics.fmean(recalls)
    if p + r == 0:
        return 0.0
    b2 = CHRF_BETA**2
    return 100 * (1 + b2) * p * r / (b2 * p + r)


def frame_share(rewrite: str, original: str, draft: str) -> float:
    """The share of the rewrite's words (placeholders aside) that are in neither the original nor the draft."""
    own = words(PLACEHOLDER.sub(" ", rewrite))
    known = set(words(original)) | set(words(draft))
    return sum(w not in known for w in own) / len(own) if own else 0.0


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def reuses_a_fact(rewrite: str, draft: str) -> bool:
    """The rewrite's first clause (placeholders aside) uses a number the draft has."""
    first = _CLAUSE_BREAK.split(PLACEHOLDER.sub(" ", rewrite), maxsplit=1)[0]
    return bool(numbers(first) & numbers(draft))


def verbatim_prefix(rewrite: str, original: str) -> bool:
    """The rewrite is the original sentence with words only added in front."""
    body = " ".join(clean(original).rstrip(".!?:;, ").split())[1:]
    text = " ".join(rewrite.rstrip(".!?").split())
    return len(text) > len(body) + 1 and text.endswith(body)


def opening(text: str) -> str:
    return " ".join(words(PLACEHOLDER.sub("x", text))[:3])


@dataclass
class Similarity:
    """chrF of the engine's alternatives and of the two baselines, on the same editor's rewrites."""

    engine: list[float] = field(default_factory=list)
    unchanged: list[float] = field(default_factory=list)
    prefixed: list[float] = field(default_factory=list)

    def add(self, rewrite: str, original: str, references: Sequence[str]) -> None:
        self.engine.append(max(chrf(rewrite, r) for r in references))
        self.unchanged.append(max(chrf(original, r) for r in references))
        self.prefixed.append(max(chrf(GENERIC_PREFIX + original, r) for r in references))


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
    one_sentence: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    placeholders: list[int] = field(default_factory=list)
    openings: list[float] = field(default_factory=list)  # per document: distinct openings / alternatives
    repeated_frames: int = 0
    documents: int = 0
    gains: list[float] = field(default_factory=list)
    agree: list[bool] = field(default_factory=list)
    false_positives: Counter[str] = field(default_factory=Counter)
    moves: Counter[str] = field(default_factory=Counter)
    same_move: Similarity = field(default_factory=Similarity)
    any_move: Similarity = field(default_factory=Similarity)
    frame_shares: list[float] = field(default_factory=list)
    fact_reuse: list[bool] = field(default_factory=list)
    prefix_only: list[bool] = field(default_factory=list)
    editor_kept: list[bool] = field(default_factory=list)
    editor_well_formed: list[bool] = field(default_factory=list)
    editor_frame_shares: list[float] = field(default_factory=list)
    editor_fact_reuse: list[bool] = field(default_factory=list)
    editor_prefix_only: list[bool] = field(default_factory=list)
    seconds: float = 0.0
    chosen: int = 0  # every target the editor's rules choose, with or without a frame that fits it
    chosen_hits: int = 0
    claims: int = 0  # drafts with a main claim (the first target, chosen by the claim ranker)
    claim_hits: int = 0


def judge(analyzer: Analyzer, drafts: Iterable[dict[str, Any]], nlp: Any) -> Tally:
    tally = Tally()
    for draft in drafts:
        extracted = extract_text(draft["text"], draft["format"])
        started = time.perf_counter()
        analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False))
        tally.seconds += time.perf_counter() - started
        tally.documents += 1
        _judge_draft(tally, analysis, draft, nlp)
        _judge_choice(tally, analysis, [(h.start, h.end) for h in extracted.headings], draft)
        _judge_editor(tally, draft, nlp)
    return tally


def _judge_draft(tally: Tally, analysis: Analysis, draft: dict[str, Any], nlp: Any) -> None:
    judged = draft["sentences"]
    by_sentence = align(analysis.text, analysis.sentences, judged)
    tally.targets += sum(s["rewrite"] for s in judged)
    covered: set[int] = set()
    openings, frames = [], Counter[str]()
    has_numbers = bool(numbers(draft["text"]))
    for suggestion in analysis.suggestions:
        tally.suggested += 1
        aligned = by_sentence.get(suggestion.sentence, [])
        editor_targets = [j for j in aligned if j["rewrite"]]
        if editor_targets:
            tally.hits += 1
            covered.update(judged.index(j) for j in editor_targets)
        else:
            tally.false_positives[aligned[0]["kind"] if aligned else "unaligned"] += 1
        content = [w for j in editor_targets for w in j["content_words"]]
        gold = [r for j in editor_targets for r in j["rewrites"]]
        original = editor_targets[0]["text"] if editor_targets else suggestion.original
        for alternative in suggestion.alternatives:
            tally.alternatives += 1
            tally.moves[alternative.move] += 1
            if content:
                share = sum(keeps(w, alternative.text) for w in content) / len(content)
                tally.kept.append(share)
                tally.kept_all += share == 1.0
            if gold:
                tally.any_move.add(alternative.text, original, [r["text"] for r in gold])
                same = [r["text"] for r in gold if r["move"] == alternative.move]
                if same:
                    tally.same_move.add(alternative.text, original, same)
            found = problems(alternative.text, nlp)
            tally.well_formed += not found
            tally.one_sentence += not found and len(list(nlp(PLACEHOLDER.sub("this", alternative.text)).sents)) == 1
            tally.problems.update(p.split("'")[0].strip() for p in found)
            tally.placeholders.append(len(alternative.placeholders))
            tally.frame_shares.append(frame_share(alternative.text, suggestion.original, draft["text"]))
            tally.prefix_only.append(verbatim_prefix(alternative.text, suggestion.original))
            if alternative.move == "price_of_inaction" and has_numbers:
                tally.fact_reuse.append(reuses_a_fact(alternative.text, draft["text"]))
            openings.append(opening(alternative.text))
            frames[alternative.strategy] += 1
            if alternative.check is not None:
                tally.agree.append(alternative.check.agrees)
        tally.gains.append(suggestion.gain)
    tally.found += len(covered)
    if openings:
        tally.openings.append(len(set(openings)) / len(openings))
        tally.repeated_frames += sum(n - 1 for n in frames.values() if n > 1)


def _judge_choice(tally: Tally, analysis: Analysis, headings: list[tuple[int, int]], draft: dict[str, Any]) -> None:
    """The editor's rules alone: every target they choose, before any frame is asked to fit it."""
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = read_kinds(analysis.text, lines, headings)
    by_sentence = align(analysis.text, analysis.sentences, draft["sentences"])
    for i in choose_targets(lines, kinds, analysis.label, len(lines)):
        tally.chosen += 1
        tally.chosen_hits += any(j["rewrite"] for j in by_sentence.get(i, []))
    if analysis.main_claim is not None:
        tally.claims += 1
        tally.claim_hits += any(j["rewrite"] for j in by_sentence.get(analysis.main_claim.sentence, []))


def _judge_editor(tally: Tally, draft: dict[str, Any], nlp: Any) -> None:
    """The same rules on the editor's own rewrites: what the figures look like for the bar."""
    has_numbers = bool(numbers(draft["text"]))
    for sentence in draft["sentences"]:
        for rewrite in sentence.get("rewrites", []):
            text = rewrite["text"]
            tally.editor_kept.append(all(keeps(w, text) for w in sentence["content_words"]))
            tally.editor_well_formed.append(not problems(text, nlp))
            tally.editor_frame_shares.append(frame_share(text, sentence["text"], draft["text"]))
            tally.editor_prefix_only.append(verbatim_prefix(text, sentence["text"]))
            if rewrite["move"] == "price_of_inaction" and has_numbers:
                tally.editor_fact_reuse.append(reuses_a_fact(text, draft["text"]))


def _share(n: float, d: float) -> str:
    return f"{n / d:.3f}" if d else "n/a"


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def _similarity_line(name: str, similarity: Similarity) -> str:
    engine, unchanged, prefixed = (_mean(v) for v in (similarity.engine, similarity.unchanged, similarity.prefixed))
    return (
        f"  chrF vs editor, {name:<15} engine {engine:5.1f} | original unchanged {unchanged:5.1f} "
        f"({engine - unchanged:+.1f}) | generic prefix {prefixed:5.1f} ({engine - prefixed:+.1f})  "
        f"[{len(similarity.engine)} alternatives]"
    )


def report(name: str, tally: Tally) -> None:
    kept_mean = _mean(tally.kept)
    print(f"== {name}: {tally.documents} drafts, {tally.targets} editor targets, {tally.suggested} suggestions")
    print(f"  target precision                 {_share(tally.hits, tally.suggested)}  ({tally.hits}/{tally.suggested})")
    print(f"  target recall                    {_share(tally.found, tally.targets)}  ({tally.found}/{tally.targets})")
    print(f"  false positives by editor's kind {dict(tally.false_positives.most_common())}")
    print(
        f"  targets the rules choose         precision {_share(tally.chosen_hits, tally.chosen)}, recall "
        f"{_share(tally.chosen_hits, tally.targets)}  ({tally.chosen_hits}/{tally.chosen}; "
        "a suggestion goes to those a frame fits)"
    )
    print(
        f"  main claim an editor's target    {_share(tally.claim_hits, tally.claims)}  "
        f"({tally.claim_hits}/{tally.claims}; the first target, by the claim ranker)"
    )
    print(_similarity_line("same move", tally.same_move))
    print(_similarity_line("closest move", tally.any_move))
    print(
        f"  frame share (lower is better)    mean {_mean(tally.frame_shares):.3f}, worst "
        f"{max(tally.frame_shares, default=0):.3f}  (editor: mean {_mean(tally.editor_frame_shares):.3f}, worst "
        f"{max(tally.editor_frame_shares, default=0):.3f})"
    )
    print(
        f"  fact reuse (price of inaction)   {_share(sum(tally.fact_reuse), len(tally.fact_reuse))}  "
        f"({sum(tally.fact_reuse)}/{len(tally.fact_reuse)}; editor "
        f"{_share(sum(tally.editor_fact_reuse), len(tally.editor_fact_reuse))})"
    )
    print(
        f"  verbatim prefix (lower is better) {_share(sum(tally.prefix_only), len(tally.prefix_only))}  "
        f"({sum(tally.prefix_only)}/{len(tally.prefix_only)}; editor "
        f"{_share(sum(tally.editor_prefix_only), len(tally.editor_prefix_only))})"
    )
    print(
        f"  content words kept (all)         {_share(tally.kept_all, len(tally.kept))}  "
        f"({tally.kept_all}/{len(tally.kept)} alternatives on editor targets; mean share {kept_mean:.3f})"
    )
    print(
        f"  well-formed                      {_share(tally.well_formed, tally.alternatives)}  "
        f"({tally.well_formed}/{tally.alternatives}); problems {dict(tally.problems.most_common())}"
    )
    print(
        f"  ... of them one sentence         {_share(tally.one_sentence, tally.alternatives)}  "
        "(the rest: the writer's sentence and the reader's situation in a sentence of its own)"
    )
    print(
        f"  placeholders per rewrite         {_mean(tally.placeholders):.2f}  "
        f"(max {max(tally.placeholders, default=0)})"
    )
    print(f"  distinct openings per document   {_mean(tally.openings):.3f}")
    print(f"  strategies repeated in a document {tally.repeated_frames}")
    print(
        f"  alternatives per suggestion      {_share(tally.alternatives, tally.suggested)} {dict(tally.moves)}; "
        f"analysis with suggestions {tally.documents / tally.seconds:.1f} docs/s"
    )
    print(
        f"  editor's own rewrites: content words kept {_share(sum(tally.editor_kept), len(tally.editor_kept))}, "
        f"well-formed {_share(sum(tally.editor_well_formed), len(tally.editor_well_formed))} "
        f"({len(tally.editor_well_formed)} rewrites; the rules' own validation)"
    )
    print(
        "  sanity check only, not evidence of quality: mean sentence-model gain of the shown rewrite "
        f"{_mean(tally.gains):+.3f}; the independent check model agrees on "
        f"{_share(sum(tally.agree), len(tally.agree))} of alternatives"
    )


def main() -> None:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser_.add_argument(
        "--batch",
        choices=[*BATCHES, "all", "each"],
        default="each",
        help="one batch of drafts (see above), all of them, or each batch and all (default)",
    )
    args = parser_.parse_args()
    analyzer = Analyzer.load()
    nlp = parser()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    batches = [*BATCHES, "all"] if args.batch == "each" else [args.batch]
    print(f"model {analyzer.model.name}-{analyzer.model.version}; set {EVAL_SET.name}, {len(load_drafts())} drafts")
    for split in splits:
        for batch in batches:
            drafts = load_drafts(split=split, batch=BATCHES.get(batch))
            report(f"{split}, {batch} drafts", judge(analyzer, drafts, nlp))


if __name__ == "__main__":
    main()
