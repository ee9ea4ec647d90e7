"""The labeled corpus: loading and validating it, its train/test split, and its datasheet figures."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from analyzer.errors import CorpusError
from analyzer.labels import LABELS, RUBRIC_ELEMENTS

CORPUS_FILE = "corpus.jsonl"
SPLIT_FILE = "split.json"


@dataclass(frozen=True, slots=True)
class SentenceLabel:
    """A labeled character span of a document's text, with the rubric elements it carries."""

    start: int
    end: int
    label: str
    rubric: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    label: str
    doc_type: str = "unknown"
    industry: str = "unknown"
    sentences: tuple[SentenceLabel, ...] = field(default=())
    pair: str | None = None  # the same company told as each message (a hard triple)
    #: The writer's label when a second annotator's adjudication changed it (corpus/adjudicated.jsonl).
    first_label: str | None = None

    @property
    def batch(self) -> str:
        """The writer's batch: ids are `<batch>-<number>`, one batch per writer and brief."""
        return self.id.rsplit("-", 1)[0]

    @property
    def mixed(self) -> bool:
        return len({s.label for s in self.sentences}) > 1


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a malformed line raises with its number."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}. Check the path.") from exc
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{path}:{number}: not valid JSON ({exc.msg}).") from exc
                if not isinstance(obj, dict):
                    raise CorpusError(f"{path}:{number}: expected a JSON object.")
                yield number, obj
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path} is not UTF-8 text. Re-save it as UTF-8.") from exc


def document_from_json(obj: dict[str, Any], where: str) -> Document:
    """Validate one corpus record; `where` names it in the error ("corpus.jsonl:12")."""
    text, label = obj.get("text"), obj.get("label")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: 'text' must be a non-empty string.")
    if label not in LABELS:
        raise CorpusError(f"{where}: 'label' must be one of {', '.join(LABELS)}, not {label!r}.")
    spans = []
    for span in obj.get("sentences") or ():
        start, end, span_label = span.get("start"), span.get("end"), span.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise CorpusError(f"{where}: sentence span {start}..{end} lies outside the text.")
        if span_label not in LABELS:
            raise CorpusError(f"{where}: sentence label {span_label!r} is not one of {', '.join(LABELS)}.")
        rubric = tuple(span.get("rubric") or ())
        if set(rubric) - set(RUBRIC_ELEMENTS):
            raise CorpusError(f"{where}: unknown rubric element in {rubric}; use {', '.join(RUBRIC_ELEMENTS)}.")
        spans.append(SentenceLabel(start, end, span_label, rubric))
    return Document(
        id=str(obj.get("id", where)),
        text=text,
        label=label,
        doc_type=str(obj.get("doc_type") or "unknown"),
        industry=str(obj.get("industry") or "unknown"),
        sentences=tuple(spans),
        pair=str(obj["pair"]) if obj.get("pair") else None,
        first_label=str(obj["first_label"]) if obj.get("first_label") else None,
    )


def load_labeled(path: Path) -> list[Document]:
    """Every record of a labeled JSONL file (the corpus, the dev set, an export)."""
    return [document_from_json(obj, f"{path.name}:{n}") for n, obj in read_jsonl(path)]


def load_corpus(directory: Path) -> list[Document]:
    docs = load_labeled(directory / CORPUS_FILE)
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise CorpusError(f"{directory / CORPUS_FILE}: id {doc.id!r} appears twice; ids must be unique.")
        seen.add(doc.id)
    return docs


def load_split(directory: Path) -> dict[str, list[str]]:
    path = directory / SPLIT_FILE
    try:
        split = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CorpusError(f"cannot read the split {path}: {exc}. Restore it from git.") from exc
    return {"train": list(split["train"]), "test": list(split["test"])}


def split_documents(directory: Path) -> tuple[list[Document], list[Document]]:
    """The corpus as (train, test), each sorted by id so training is independent of file order."""
    docs = {doc.id: doc for doc in load_corpus(directory)}
    split = load_split(directory)
    missing = [i for i in split["train"] + split["test"] if i not in docs]
    unsplit = set(docs) - set(split["train"]) - set(split["test"])
    if missing or unsplit:
        raise CorpusError(
            f"{directory / SPLIT_FILE} does not match the corpus ({len(missing)} ids missing, "
            f"{len(unsplit)} documents unassigned). Re-run `analyzer corpus split`."
        )
    return [docs[i] for i in sorted(split["train"])], [docs[i] for i in sorted(split["test"])]


#: The first writers' batches, split by the first rule: their 192 test documents are the test
#: split every model since 1.0.0 was measured on, so they keep their assignment.
LEGACY_BATCHES = frozenset({"pr", "blog", "prod", "lpwp", "mail", "evrn", "csop", "misc"})
#: Word counts that bound the length buckets (80-150 and under count as one bucket).
LENGTH_BOUNDS = (150, 300, 600, 1000)
#: Writers' finer doc types -> the corpus's thirteen families, for stratifying the split (a
#: family with one or two documents of a kind would otherwise never reach the test split).
#: The records keep the finer names.
DOC_TYPE_FAMILIES = {
    "linkedin-post": "social-post",
    "nurture-email": "email",
    "sales-email": "email",
    "how-to": "blog-post",
    "engineering-blog": "blog-post",
    "post-mortem": "blog-post",
    "why-we-built-it": "blog-post",
    "founder-story": "blog-post",
    "founder-letter": "blog-post",
    "culture-post": "blog-post",
    "launch-post": "blog-post",
    "opinion-column": "article",
    "market-note": "article",
    "annual-letter": "newsletter",
    "research-report": "white-paper",
    "guide": "white-paper",
    "webinar-page": "event-page",
    "help-guide": "help-article",
    "onboarding-page": "help-article",
    "about-page": "landing-page",
    "company-page": "landing-page",
    "partner-page": "landing-page",
    "solution-page": "landing-page",
    "demo-page": "landing-page",
    "pricing-page": "product-page",
    "integration-page": "product-page",
    "marketplace-listing": "product-page",
    "comparison-page": "product-page",
    "alternatives-page": "product-page",
}


def doc_type_family(doc_type: str) -> str:
    return DOC_TYPE_FAMILIES.get(doc_type, doc_type)


def length_bucket(text: str) -> str:
    """The document's length bucket by words: "0-150", "150-300", ..., "1000+"."""
    words = len(text.split())
    bounds = (0, *LENGTH_BOUNDS)
    for low, high in zip(bounds, (*LENGTH_BOUNDS, None), strict=True):
        if high is None or words < high:
            return f"{low}-{high}" if high is not None else f"{low}+"
    raise AssertionError(words)


def make_split(docs: Sequence[Document], test_fraction: float = 0.2, seed: int = 13) -> dict[str, Any]:
    """A deterministic train/test split, stratified so both halves see every kind of document.

    The legacy batches keep the first rule (strata of label x doc type, the test share of each
    rounded, the label being the writer's even where adjudication later changed it), so the
    original 192 test documents stay where they were. Each later batch is
    split on its own, so adding a batch never moves a document already assigned: strata of
    label x doc-type family x length bucket, each shuffled, laid end to end and sampled
    systematically, which gives the batch its exact test share and every stratum its
    proportional one, even strata of one or two documents. A hard triple (the same company
    told as each message) goes to one side whole, so no fact of a test document is trained on.
    """
    train: list[str] = []
    test: list[str] = []
    by_batch: dict[str, list[Document]] = defaultdict(list)
    for doc in sorted(docs, key=lambda d: d.id):
        by_batch[doc.batch].append(doc)
    legacy = [d for batch in sorted(by_batch) if batch in LEGACY_BATCHES for d in by_batch[batch]]
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc in legacy:
        strata[(doc.first_label or doc.label, doc.doc_type)].append(doc.id)
    rng = random.Random(seed)
    for key in sorted(strata):
        ids = strata[key]
        rng.shuffle(ids)
        n_test = round(len(ids) * test_fraction)
        test += ids[:n_test]
        train += ids[n_test:]
    for batch in sorted(set(by_batch) - LEGACY_BATCHES):
        held, kept = _split_batch(by_batch[batch], test_fraction, random.Random(f"{seed}:{batch}"))
        test += held
        train += kept
    return {"seed": seed, "test_fraction": test_fraction, "train": sorted(train), "test": sorted(test)}


def _split_batch(docs: Sequence[Document], test_fraction: float, rng: random.Random) -> tuple[list[str], list[str]]:
    """(test ids, train ids) of one later batch: see `make_split`."""
    triples: dict[str, list[str]] = defaultdict(list)
    strata: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for doc in docs:
        if doc.pair:
            triples[doc.pair].append(doc.id)
        else:
            strata[(doc.label, doc_type_family(doc.doc_type), length_bucket(doc.text))].append(doc.id)
    units = [triples[name] for name in sorted(triples)]
    rng.shuffle(units)
    singles = []
    for key in sorted(strata):
        ids = strata[key]
        rng.shuffle(ids)
        singles += [[i] for i in ids]
    test: list[str] = []
    train: list[str] = []
    for group in (units, singles):
        offset = rng.random()
        for position, unit in enumerate(group):
            # Systematic sampling: a unit is drawn where the running quota crosses an integer.
            drawn = int((position + 1) * test_fraction + offset) > int(position * test_fraction + offset)
            (test if drawn else train).extend(unit)
    return test, train


def corpus_fingerprint(directory: Path) -> dict[str, Any]:
    """sha256 over the corpus and its split, and the size, for the model card."""
    digest = hashlib.sha256()
    for name in (CORPUS_FILE, SPLIT_FILE):
        digest.update((directory / name).read_bytes())
    docs = load_corpus(directory)
    return {"sha256": digest.hexdigest(), "documents": len(docs), "words": sum(len(d.text.split()) for d in docs)}


_WORD = re.compile(r"[a-z0-9']+")


def shingles(text: str, size: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def near_duplicates(docs: Sequence[Document], threshold: float = 0.3, size: int = 5) -> list[tuple[str, str, float]]:
    """Pairs whose shingle overlap (shared / smaller set) reaches `threshold`.

    An inverted index over shingles keeps this near-linear: only pairs that share a shingle
    are compared.
    """
    sets = {doc.id: shingles(doc.text, size) for doc in docs}
    index: dict[str, list[str]] = defaultdict(list)
    for doc_id, grams in sets.items():
        for gram in grams:
            index[gram].append(doc_id)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in index.values():
        if 1 < len(ids) <= 50:  # a shingle in 50 documents is boilerplate, not copying
            shared.update(combinations(sorted(ids), 2))
    pairs = []
    for (a, b), n in shared.items():
        overlap = n / max(1, min(len(sets[a]), len(sets[b])))
        if overlap >= threshold:
            pairs.append((a, b, round(overlap, 3)))
    return sorted(pairs, key=lambda p: -p[2])


def count_table(docs: Iterable[Document], row: str, column: str = "label") -> str:
    """A Markdown table of document counts by two attributes, with totals."""
    docs = list(docs)
    counts = Counter((getattr(d, row), getattr(d, column)) for d in docs)
    columns = list(LABELS) if column == "label" else sorted({c for _, c in counts})
    rows = sorted({r for r, _ in counts})
    lines = [f"| {row} | " + " | ".join(columns) + " | total |", "|---" * (len(columns) + 2) + "|"]
    for r in rows:
        cells = [counts[(r, c)] for c in columns]
        lines.append(f"| {r} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    totals = [sum(counts[(r, c)] for r in rows) for c in columns]
    lines.append("| **total** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return "\n".join(lines)
