"""The corpus meets its datasheet: schema, size, balance, variety, split and no copying."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from itertools import pairwise

import pytest

from analyzer.labels import LABELS
from analyzer.model.corpus import (
    LEGACY_BATCHES,
    Document,
    count_table,
    length_bucket,
    load_labeled,
    load_split,
    make_split,
    near_duplicates,
    shingles,
)
from analyzer.model.train import HELD_OUT_FILE
from tests.conftest import CORPUS_DIR, DEVSET, needs_devset


def test_size_and_label_balance(corpus_docs: list[Document]) -> None:
    assert len(corpus_docs) >= 900
    counts = Counter(d.label for d in corpus_docs)
    assert all(counts[label] >= 250 for label in LABELS), counts


def test_variety_of_types_industries_and_lengths(corpus_docs: list[Document]) -> None:
    assert len({d.doc_type for d in corpus_docs}) >= 8
    assert len({d.industry for d in corpus_docs}) >= 12
    lengths = [len(d.text.split()) for d in corpus_docs]
    assert min(lengths) >= 30 and max(lengths) <= 1600
    assert sum(n < 80 for n in lengths) >= 30 and sum(n > 600 for n in lengths) >= 30


@pytest.mark.parametrize("doc_type", ["press-release", "blog-post", "product-page"])
def test_no_document_type_gives_the_label_away(corpus_docs: list[Document], doc_type: str) -> None:
    counts = Counter(d.label for d in corpus_docs if d.doc_type == doc_type)
    assert all(counts[label] >= 25 for label in LABELS), counts


def test_mixed_documents_carry_sentence_labels(corpus_docs: list[Document]) -> None:
    mixed = [d for d in corpus_docs if d.mixed]
    assert len(mixed) >= 150
    for doc in mixed:
        spans = doc.sentences
        assert all(a.end <= b.start for a, b in pairwise(spans)), doc.id
        covered = Counter()
        for span in spans:
            covered[span.label] += span.end - span.start
        assert doc.label in covered, doc.id


def test_rubric_elements_are_annotated(corpus_docs: list[Document]) -> None:
    annotated = [d for d in corpus_docs if any(s.rubric for s in d.sentences)]
    assert len(annotated) >= 150
    for doc in annotated:
        for span in doc.sentences:
            assert not span.rubric or span.label == "case-for-change", doc.id


def test_split_is_fixed_disjoint_complete_and_stratified(corpus_docs: list[Document]) -> None:
    split = load_split(CORPUS_DIR)
    train, test = set(split["train"]), set(split["test"])
    assert not train & test
    assert train | test == {d.id for d in corpus_docs}
    by_id = {d.id: d for d in corpus_docs}
    for label in LABELS:
        share = sum(by_id[i].label == label for i in test) / len(test)
        overall = sum(d.label == label for d in corpus_docs) / len(corpus_docs)
        assert abs(share - overall) < 0.03
    recorded = json.loads((CORPUS_DIR / "split.json").read_text())
    assert make_split(corpus_docs, recorded["test_fraction"], recorded["seed"])["test"] == sorted(test)


def test_split_keeps_the_original_test_documents_and_stratifies_the_new_ones(corpus_docs: list[Document]) -> None:
    split = load_split(CORPUS_DIR)
    legacy_test = {i for i in split["test"] if i.rsplit("-", 1)[0] in LEGACY_BATCHES}
    assert len(legacy_test) == 192  # the test split of every model since 1.0.0
    legacy = [d for d in corpus_docs if d.batch in LEGACY_BATCHES]
    assert set(make_split(legacy)["test"]) == legacy_test  # the first rule, on the first corpus alone
    later = [d for d in corpus_docs if d.batch not in LEGACY_BATCHES]
    test = set(split["test"])
    for batch in {d.batch for d in later}:
        docs = [d for d in later if d.batch == batch]
        assert abs(sum(d.id in test for d in docs) - 0.2 * len(docs)) <= 3, batch  # a triple moves three
    long_docs = [d for d in later if length_bucket(d.text) in ("600-1000", "1000+")]
    for label in LABELS:
        held = [d for d in long_docs if d.label == label and d.id in test]
        assert len(held) >= 5, label  # every label is tested on long documents


def test_adding_a_batch_never_moves_an_assigned_document(corpus_docs: list[Document]) -> None:
    newest = max(d.batch for d in corpus_docs if d.batch not in LEGACY_BATCHES)
    without = make_split([d for d in corpus_docs if d.batch != newest])
    full = make_split(corpus_docs)
    assert set(without["test"]) <= set(full["test"])
    assert set(without["train"]) <= set(full["train"])


def test_hard_triples_stay_on_one_side_of_the_split(corpus_docs: list[Document]) -> None:
    test = set(load_split(CORPUS_DIR)["test"])
    triples: dict[str, set[bool]] = {}
    for doc in corpus_docs:
        if doc.pair:
            triples.setdefault(doc.pair, set()).add(doc.id in test)
    assert len(triples) >= 12
    assert all(len(sides) == 1 for sides in triples.values())


def test_assembled_files_match_the_writers_markup() -> None:
    result = subprocess.run(
        [sys.executable, str(CORPUS_DIR / "tools" / "assemble.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_held_out_set_is_long_balanced_and_never_in_the_corpus(corpus_docs: list[Document]) -> None:
    held = load_labeled(CORPUS_DIR / HELD_OUT_FILE)
    assert len(held) >= 90
    assert all(600 <= len(d.text.split()) <= 1600 for d in held)
    assert min(Counter(d.label for d in held).values()) >= 30
    assert all(d.sentences for d in held)  # every sentence labelled: the sentence-level test set
    held_ids = {d.id for d in held}
    assert not held_ids & {d.id for d in corpus_docs}
    copied = [(a, b) for a, b, _ in near_duplicates([*corpus_docs, *held]) if {a, b} & held_ids]
    assert copied == []


def test_no_near_duplicates(corpus_docs: list[Document]) -> None:
    assert near_duplicates(corpus_docs, threshold=0.3) == []


def test_near_duplicate_check_catches_a_light_edit(corpus_docs: list[Document]) -> None:
    original = max(corpus_docs[:50], key=lambda d: len(d.text))
    edited = Document("copy", original.text.replace(" the ", " a ", 3) + " Call us today.", original.label)
    assert ("copy", original.id) in {(a, b) for a, b, _ in near_duplicates([original, edited])} | {
        (b, a) for a, b, _ in near_duplicates([original, edited])
    }


def test_datasheet_tables_are_current(corpus_docs: list[Document]) -> None:
    datasheet = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    for row in ("doc_type", "industry"):
        assert count_table(corpus_docs, row) in datasheet, f"re-run `analyzer corpus stats` ({row} table)"


def test_labels_are_flat_across_lengths(corpus_docs: list[Document]) -> None:
    """Issue 17: length must not give the label away, so no label is under 80% of another's
    count in any length bucket (the 1000+ bucket is exactly flat)."""
    counts = Counter((length_bucket(d.text), d.label) for d in corpus_docs)
    for bucket in {b for b, _ in counts}:
        cells = [counts[(bucket, label)] for label in LABELS]
        assert min(cells) >= 0.8 * max(cells), (bucket, cells)


def test_adjudication_is_recorded_and_agreement_is_as_the_datasheet_says(corpus_docs: list[Document]) -> None:
    """Every relabelled document keeps the writer's label and appears in adjudicated.jsonl; the
    second annotator's sample gives the agreement the datasheet reports."""
    by_id = {d.id: d for d in corpus_docs}
    adjudicated = [json.loads(line) for line in (CORPUS_DIR / "adjudicated.jsonl").read_text().splitlines()]
    assert {a["id"] for a in adjudicated} == {d.id for d in corpus_docs if d.first_label}
    for entry in adjudicated:
        doc = by_id[entry["id"]]
        assert (doc.first_label, doc.label) == (entry["was"], entry["now"]) and doc.label != doc.first_label
    sample = [json.loads(line) for line in (CORPUS_DIR / "eval" / "agreement.jsonl").read_text().splitlines()]
    assert all((by_id[row["id"]].first_label or by_id[row["id"]].label) == row["writer"] for row in sample)
    agreed = sum(row["writer"] == row["second"] for row in sample) / len(sample)
    writer, second = Counter(row["writer"] for row in sample), Counter(row["second"] for row in sample)
    chance = sum(writer[label] * second[label] for label in LABELS) / len(sample) ** 2
    kappa = (agreed - chance) / (1 - chance)
    datasheet = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"{round(agreed * len(sample))} of {len(sample)} ({agreed:.1%}),\nCohen's kappa {kappa:.3f}" in datasheet


@needs_devset
def test_no_text_from_the_real_world_dev_set(corpus_docs: list[Document]) -> None:
    def grams(text: str) -> set[str]:
        words = re.findall(r"[a-z0-9']+", text.lower())
        return {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}

    real: set[str] = set()
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        if line.strip():
            real |= grams(json.loads(line)["text"])
    leaked = [d.id for d in corpus_docs if grams(d.text) & real]
    assert leaked == []


def test_shingles_ignore_case_and_punctuation() -> None:
    assert shingles("One, two; THREE four five six.") == shingles("one two three four five six")
