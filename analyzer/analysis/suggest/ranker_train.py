"""Training the claim ranker (`make ranker`) on the evaluation set's dev split, judged on its test split.

The ranker learns whether an editor rewrote each sentence (`rewrites.jsonl`). Its first target
is also checked against the sentence a second editor, reading only the drafts' sentences, marked
as the piece's main claim (`main-claims.tsv`); a ranker trained on those marks instead was
judged no better (`ranker.py`) and is built only by `benchmarks/claims.py`.

Each dev draft goes through the real analyzer (its sentences, their labels, the document's
label) and the rules (`read_kinds`, `choose.candidates`); the editor's judgments, aligned by
character offsets, give each sentence its kind and whether it was rewritten. The kind model is
stacked: the ranker learns from kind readings made by models that never saw the draft (folds
by batch, so a trade is never read by a model trained on its own draft), and the shipped kind
model is then fitted on every dev sentence. The test split is read once, for the figures the
manifest records: how often each draft's first target is one the editor rewrote, by the rules
alone and with the ranker.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, get_args

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.choose import candidates, choose_targets, opening
from analyzer.analysis.suggest.evalset import EVAL_SET, MAIN_CLAIMS, align, load_drafts, load_main_claims
from analyzer.analysis.suggest.kinds import Line, product_names, read_kinds
from analyzer.analysis.suggest.ranker import DEFAULT_RANKER_DIR, NAME, RETRAIN, VERSION, ClaimRanker, features
from analyzer.model.artifacts import save_artifact
from analyzer.text.extract import extract_text

#: The editor's kinds the text model tells apart; every other kind is read as "structure".
EDITOR_KINDS: Final = (
    "feature",
    "benefit",
    "price",
    "announcement",
    "claim",
    "context",
    "argument",
    "news",
    "quote",
    "other",
    "cta",
)
_STRUCTURE: Final = "structure"
#: What a first target is checked against, and what a ranker may learn: the sentences an editor
#: rewrote, or the one a second editor marked as the main claim (a `Draft` field each).
Truth = Literal["rewritten", "main"]
TRUTHS: Final[tuple[Truth, ...]] = get_args(Truth)
_FOLDS: Final = 5


@dataclass(frozen=True, slots=True)
class Draft:
    """One judged draft as the rules see it, with the editor's verdict on each sentence."""

    id: str
    batch: int
    lines: list[Line]
    kinds: list[str]
    names: frozenset[str]
    label: str
    candidates: list[int]
    rules_first: int | None
    editor_kinds: list[str]
    rewritten: list[bool]
    main: list[bool]  # the sentences that state the main claim, as the second editor marked it
    marked: bool  # the draft has a second editor's mark (none at all: it offers nothing)


def read_drafts(analyzer: Analyzer, split: str, path: Path = EVAL_SET) -> list[Draft]:
    """The split's drafts through the analyzer and the rules, aligned with the editor's judgments."""
    drafts = []
    claims = load_main_claims() if path == EVAL_SET else {}
    for record in load_drafts(path, split=split):
        extracted = extract_text(record["text"], record["format"])
        analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False, suggestions=False))
        lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
        kinds = read_kinds(analysis.text, lines, [(h.start, h.end) for h in extracted.headings])
        stating = claims.get(record["id"], frozenset())
        sentences = [dict(s, main=k in stating) for k, s in enumerate(record["sentences"])]
        judged = align(analysis.text, analysis.sentences, sentences)
        chosen = choose_targets(lines, kinds, analysis.label, len(lines))
        drafts.append(
            Draft(
                id=record["id"],
                batch=int(record.get("batch") or 1),
                lines=lines,
                kinds=kinds,
                names=product_names(analysis.text, lines),
                label=analysis.label,
                candidates=[i for _, i in candidates(lines, kinds, analysis.label)] if chosen else [],
                rules_first=chosen[0] if chosen else None,
                editor_kinds=[_editor_kind(judged.get(i, [])) for i in range(len(lines))],
                rewritten=[any(j.get("rewrite") for j in judged.get(i, [])) for i in range(len(lines))],
                main=[any(j["main"] for j in judged.get(i, [])) for i in range(len(lines))],
                marked=record["id"] in claims,
            )
        )
    return drafts


def _editor_kind(judged: Sequence[dict[str, Any]]) -> str:
    return next((j["kind"] for j in judged if j.get("kind") in EDITOR_KINDS), _STRUCTURE)


def kind_model(seed: int) -> Pipeline:
    """Words and word pieces to the editor's kind: pieces read a trade's words the model never saw whole."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3, sublinear_tf=True),
        ),
        LogisticRegression(C=3.0, max_iter=3000, random_state=seed),
    )


def _rows(draft: Draft, read: dict[int, dict[str, float]]) -> list[dict[str, float]]:
    first = opening(draft.lines, draft.kinds)
    return [features(draft.lines, draft.kinds, draft.names, draft.label, i, first) | read[i] for i in draft.candidates]


def train(drafts: Sequence[Draft], seed: int = 7, target: Truth = "rewritten") -> ClaimRanker:
    """The kind model on every sentence, the ranker on the candidates with out-of-fold kind readings.

    `target` is what the ranker learns: whether an editor rewrote the candidate ("rewritten", as
    shipped), or whether the second editor marked it as the main claim ("main", the drafts with
    a mark only; for `benchmarks/claims.py`)."""
    return train_each(drafts, (target,), seed)[target]


def train_each(drafts: Sequence[Draft], targets: Sequence[Truth], seed: int = 7) -> dict[Truth, ClaimRanker]:
    """A ranker for each of `targets` (see `train`), sharing one kind model and its out-of-fold
    readings: those are most of the training's time and do not depend on what the ranker learns."""
    sentences = [(d, i) for d in drafts for i in range(len(d.lines))]
    texts = [d.lines[i].text for d, i in sentences]
    kinds = [d.editor_kinds[i] for d, i in sentences]
    groups = [d.batch for d, _ in sentences]
    read: dict[tuple[str, int], dict[str, float]] = {}
    for fit, held in GroupKFold(n_splits=_FOLDS).split(texts, kinds, groups):
        model = kind_model(seed).fit([texts[k] for k in fit], [kinds[k] for k in fit])
        probabilities = model.predict_proba([texts[k] for k in held])
        for k, row in zip(held, probabilities, strict=True):
            d, i = sentences[k]
            read[(d.id, i)] = {f"reads as {c}": float(p) for c, p in zip(model.classes_, row, strict=True)}
    kind_reader = kind_model(seed).fit(texts, kinds)
    return {target: ClaimRanker(kinds=kind_reader, ranker=_ranker(drafts, read, target, seed)) for target in targets}


def _ranker(
    drafts: Sequence[Draft], read: dict[tuple[str, int], dict[str, float]], target: Truth, seed: int
) -> Pipeline:
    """The logistic regression over the candidates' features, fitted on `target`."""
    rows, chosen = [], []
    for d in drafts:
        if target == "main" and not d.marked:
            continue
        rows += _rows(d, {i: read[(d.id, i)] for i in d.candidates})
        chosen += [getattr(d, target)[i] for i in d.candidates]
    return make_pipeline(DictVectorizer(), LogisticRegression(C=1.0, max_iter=2000, random_state=seed)).fit(
        rows, chosen
    )


def first_target_precision(
    drafts: Sequence[Draft], ranker: ClaimRanker | None, *, truth: Truth = "rewritten"
) -> tuple[int, int]:
    """(drafts whose first target is right, drafts with a target), by the rules or the ranker.
    Right is one the editor rewrote (`truth` "rewritten") or one the second editor marked as the
    main claim ("main", over the drafts with a claim marked)."""
    right = total = 0
    for d in drafts:
        if d.rules_first is None or not d.candidates or (truth == "main" and not any(d.main)):
            continue
        first = d.rules_first
        if ranker is not None:
            chances = ranker.chances(d.lines, d.kinds, d.names, d.label, d.candidates)
            first = d.candidates[int(np.argmax(chances))]
        total += 1
        right += getattr(d, truth)[first]
    return right, total


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the claim ranker on the evaluation set's dev split.")
    parser.add_argument("--out", type=Path, default=DEFAULT_RANKER_DIR)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    analyzer = Analyzer.load()
    dev, test = read_drafts(analyzer, "dev"), read_drafts(analyzer, "test")
    ranker = train(dev, args.seed)
    figures = {}
    for name, drafts in (("dev", dev), ("test", test)):
        for truth in TRUTHS:
            rules = first_target_precision(drafts, None, truth=truth)
            learned = first_target_precision(drafts, ranker, truth=truth)
            figures[f"{name} {truth}"] = {
                "drafts": rules[1],
                "rules": round(rules[0] / rules[1], 4),
                "ranker": round(learned[0] / learned[1], 4),
            }
    manifest = {
        "name": NAME,
        "version": VERSION,
        "description": "Ranks the rules' targets by the chance an editor rewrites them; the first is the main claim.",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "evaluation_set": {
            "path": EVAL_SET.name,
            "dev_drafts": len(dev),
            "test_drafts": len(test),
            "dev_sentences": sum(len(d.lines) for d in dev),
            "main_claims": MAIN_CLAIMS.name,
            "dev_drafts_marked": sum(d.marked for d in dev),
        },
        "features": "kind model: TF-IDF of word 1-2-grams and character 2-4-grams to the editor's kind; ranker: "
        "the kind model's out-of-fold readings, the rules' kind, place, length, product mentions and cue words",
        "metrics": {"main_claim_precision": figures},
    }
    manifest = save_artifact(ranker, args.out, manifest)
    (args.out / "README.md").write_text(readme(manifest), encoding="utf-8")
    print(json.dumps({k: manifest[k] for k in ("name", "version", "metrics")}, indent=2))


def readme(manifest: dict[str, Any]) -> str:
    """The folder's README, generated from its manifest."""
    figures = manifest["metrics"]["main_claim_precision"]
    return "\n".join(
        [
            f"# {manifest['name']} {manifest['version']}",
            "",
            manifest["description"],
            "",
            f"- Features: {manifest['features']}.",
            f"- Trained on the evaluation set's dev split ({manifest['evaluation_set']['dev_drafts']} drafts, "
            f"{manifest['evaluation_set']['dev_sentences']:,} sentences judged by editors).",
            f"- First target the marked main claim, test split ({figures['test main']['drafts']} drafts with one): "
            f"{figures['test main']['ranker']:.1%} with the ranker, {figures['test main']['rules']:.1%} by the rules "
            "alone.",
            f"- First target one the editor rewrote, test split ({figures['test rewritten']['drafts']} drafts): "
            f"{figures['test rewritten']['ranker']:.1%} with the ranker, {figures['test rewritten']['rules']:.1%} "
            "by the rules alone.",
            f"- Artifact: `{manifest['artifact']['file']}`, sha256 `{manifest['artifact']['sha256']}`, checked "
            "before loading.",
            f"- Retrain: `{RETRAIN}` (writes this folder).",
            "",
            "Generated from `manifest.json`.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
