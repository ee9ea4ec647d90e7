"""Suggestions for a document: candidate sentences, every move's rewrite of them, scored and ranked.

Each rewrite is scored by the sentence model (the `Scorer`); only rewrites that raise the
case-for-change probability are kept, ranked by expected gain with a bonus for a missing
rubric element and penalties for repeating a target or a move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from analyzer.analysis.suggest import moves  # noqa: F401  (registers the moves)
from analyzer.analysis.suggest.grammar import QUOTES
from analyzer.analysis.suggest.parse import analyse_all, has_content
from analyzer.analysis.suggest.registry import Rewriter, rewriters
from analyzer.analysis.suggest.sentence import ParsedSentence
from analyzer.analysis.suggest.targets import PLACEHOLDER, TARGETS, Rewrite
from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS

#: `suggest` rewrites at most this many sentences per document, the least
#: case-for-change first: the parse is the slow part, and five suggestions are plenty.
MAX_CANDIDATES: Final = 25
#: Added to the ranking score of a rewrite whose target the document lacks (`missing`):
#: supplying an absent rubric element does more for the piece than strengthening one it has.
MISSING_BONUS: Final = 0.15
#: Subtracted per earlier pick with the same target, and with the same strategy, so five
#: suggestions do not all argue the same point in the same words.
TARGET_REPEAT_PENALTY: Final = 0.1
STRATEGY_REPEAT_PENALTY: Final = 0.05
#: How often a strategy's output reads right as it stands (a prior from reading its output on
#: the corpus test split). `suggest` ranks by gain x reliability, the expected gain: the topic
#: strategies fill a template with nothing but the sentence's subject, so they come last.
#: A strategy not listed counts 1.0.
RELIABILITY: Final[dict[str, float]] = {
    "topic-to-price-of-inaction.v1": 0.7,
    "topic-to-why-change.v1": 0.75,
    "topic-to-future-state.v1": 0.7,
    "question-to-why-change.v1": 0.9,
    "news-to-why-change.v1": 0.45,
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    sentence: int  # index of the sentence in the document
    original: str
    rewrite: str
    target: str
    strategy: str
    rationale: str
    placeholders: tuple[str, ...]
    scores_after: dict[str, float]  # the scorer's label probabilities for the rewrite
    gain: float  # rise in case-for-change probability over the original sentence


#: texts -> probabilities, one column per label in `analyzer.labels.LABELS` order.
Scorer = Callable[[Sequence[str]], np.ndarray]


def propose(sentence: str, strategies: Sequence[str] | None = None) -> list[Rewrite]:
    """Every rewrite the strategies (default: all, in registration order) make of `sentence`."""
    [parsed] = analyse_all([sentence])
    return _apply(parsed, _strategies(strategies))


def _strategies(names: Sequence[str] | None) -> list[tuple[str, Rewriter]]:
    chosen = rewriters.names() if names is None else names
    return [(name, rewriters.get(name)) for name in chosen]


def _apply(parsed: ParsedSentence | None, strategies: Iterable[tuple[str, Rewriter]]) -> list[Rewrite]:
    if parsed is None:
        return []
    found = []
    for _name, strategy in strategies:
        rewrite = strategy(parsed)
        if rewrite is not None and _well_formed(rewrite.text):
            found.append(rewrite)
    return found


def _well_formed(text: str) -> bool:
    """A last guard against a template filled with something broken."""
    body = PLACEHOLDER.sub("X", text)
    return (
        body[:1].isupper()
        and body.endswith(".")
        and "  " not in body
        and " ," not in body
        and ",," not in body
        and body.count("(") == body.count(")")
        and not any(ch in body for ch in "{}<>_|\\")
        and sum(body.count(q) for q in QUOTES) % 2 == 0
        and "[" not in body
        and "]" not in body
    )


def suggest(
    sentences: Sequence[str],
    labels: Sequence[str],
    scorer: Scorer,
    max_suggestions: int = 5,
    missing: Sequence[str] = (),
    max_candidates: int = MAX_CANDIDATES,
) -> list[Suggestion]:
    """The best rewrites for a document's feature and awareness sentences, best first.

    Candidates are the feature-pitch and awareness-only sentences with content of their own, the
    `max_candidates` least case-for-change first (an audit that keeps one suggestion asks for
    fewer: the parse of each candidate is the slow part). Every rewrite is scored with `scorer` in one
    batch; only those that raise the case-for-change probability are kept. Ranking is by expected
    gain (gain x `RELIABILITY`), plus `MISSING_BONUS` for a target in `missing`, less `TARGET_REPEAT_PENALTY` and
    `STRATEGY_REPEAT_PENALTY` for each earlier pick with the same target or strategy; one
    suggestion per sentence. The same input always gives the same output.
    """
    if len(sentences) != len(labels):
        raise ValueError(f"{len(sentences)} sentences but {len(labels)} labels")
    unknown = set(missing) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown rubric elements {sorted(unknown)}; expected some of {TARGETS}")
    if max_suggestions <= 0:
        return []
    change = LABELS.index(CHANGE)
    eligible = [
        i
        for i, (s, label) in enumerate(zip(sentences, labels, strict=True))
        if label in {FEATURE, AWARENESS} and has_content(s)
    ]
    if not eligible:
        return []
    before = _scores(scorer, [sentences[i] for i in eligible])[:, change]
    order = sorted(range(len(eligible)), key=lambda k: (before[k], eligible[k]))[:max_candidates]
    chosen = [eligible[k] for k in order]
    baseline = {eligible[k]: float(before[k]) for k in order}

    strategies = _strategies(None)
    proposals = [
        (index, rewrite)
        for index, parsed in zip(chosen, analyse_all([sentences[i] for i in chosen]), strict=True)
        for rewrite in _apply(parsed, strategies)
    ]
    if not proposals:
        return []
    after = _scores(scorer, [rewrite.text for _, rewrite in proposals])
    rank = {name: k for k, (name, _) in enumerate(strategies)}
    pool = []
    for (index, rewrite), row in zip(proposals, after, strict=True):
        gain = float(row[change]) - baseline[index]
        if gain > 0:
            pool.append((index, rewrite, row, gain))
    return _pick(pool, sentences, max_suggestions, set(missing), rank)


def _scores(scorer: Scorer, texts: Sequence[str]) -> np.ndarray:
    scores = np.asarray(scorer(texts), dtype=float)
    if scores.shape != (len(texts), len(LABELS)):
        raise ValueError(f"the scorer returned shape {scores.shape}; expected ({len(texts)}, {len(LABELS)})")
    return scores


def _pick(
    pool: list[tuple[int, Rewrite, np.ndarray, float]],
    sentences: Sequence[str],
    limit: int,
    missing: set[str],
    rank: dict[str, int],
) -> list[Suggestion]:
    """Greedy: the best remaining rewrite after bonuses and repeat penalties, one per sentence."""
    picked: list[Suggestion] = []
    targets: Counter[str] = Counter()
    strategies: Counter[str] = Counter()
    used: set[int] = set()
    while len(picked) < limit:
        best = None
        best_key: tuple[float, int, int] | None = None
        for entry in pool:
            index, rewrite, _, gain = entry
            if index in used:
                continue
            score = (
                gain * RELIABILITY.get(rewrite.strategy, 1.0)
                + (MISSING_BONUS if rewrite.target in missing else 0.0)
                - TARGET_REPEAT_PENALTY * targets[rewrite.target]
                - STRATEGY_REPEAT_PENALTY * strategies[rewrite.strategy]
            )
            key = (round(score, 9), -index, -rank.get(rewrite.strategy, len(rank)))
            if best_key is None or key > best_key:
                best, best_key = entry, key
        if best is None:
            break
        index, rewrite, row, gain = best
        used.add(index)
        targets[rewrite.target] += 1
        strategies[rewrite.strategy] += 1
        picked.append(
            Suggestion(
                sentence=index,
                original=sentences[index],
                rewrite=rewrite.text,
                target=rewrite.target,
                strategy=rewrite.strategy,
                rationale=rewrite.rationale,
                placeholders=rewrite.placeholders,
                scores_after={label: float(p) for label, p in zip(LABELS, row, strict=True)},
                gain=gain,
            )
        )
    return picked
