"""How audit results are named and typed: page names, where a document lives, inferred doc types
(the path, else the doc-type model, judged on writers it never saw), titles from a first line,
and the folder of pages replaced whole. No messaging model needed."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer.audit.doctype import infer_doc_type
from analyzer.audit.identity import describe, local_file, page_name
from analyzer.audit.records import first_line
from analyzer.errors import ModelIntegrityError
from analyzer.files import remove_tree, replaced_directory, write_new_file
from analyzer.model.corpus import LEGACY_BATCHES, Document, load_corpus
from analyzer.model.doctype import DEFAULT_DOCTYPE_DIR, family, load_doctype, rule_type
from analyzer.model.doctype_train import (
    THRESHOLDS,
    VALIDATION_PRECISION,
    choose_threshold,
    figures,
    held_out_by_writer,
    rules_baseline,
    split_judged,
    training_and_evaluation,
)
from analyzer.text.extract import extract

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset.jsonl"


@given(st.text(max_size=300), st.text(max_size=80))
def test_a_page_name_is_safe_whatever_the_id(doc_id: str, source: str) -> None:
    name = page_name({"id": doc_id, "source": source, "key": None})
    assert re.fullmatch(r"[a-z0-9-]{1,61}\.html", name), name
    assert name == page_name({"id": doc_id, "source": source, "key": None})  # stable


def test_page_names_are_readable_and_unique_per_key() -> None:
    key = "3f2a9c1b7e0d" + "0" * 52
    assert page_name({"id": "blog/Launch Day.md", "key": key}) == "blog-launch-day-3f2a9c1b7e0d.html"
    assert page_name({"id": "../../etc/passwd", "key": key}) == "etc-passwd-3f2a9c1b7e0d.html"
    other = "4" + key[1:]
    assert page_name({"id": "blog/a.md", "key": key}) != page_name({"id": "blog/a.md", "key": other})


@pytest.mark.parametrize(
    ("source", "doc_id", "location", "url", "expected"),
    [
        ("content", "blog/a.md", "content/blog/a.md", None, "content/blog/a.md"),
        ("https://x.io/sitemap.xml", "https://x.io/a", "https://x.io/a", "https://x.io/a", "https://x.io/a"),
        ("exports/cms.csv", "42", "https://x.io/a", "https://x.io/a", "https://x.io/a (cms.csv, id 42)"),
        ("exports/cms.csv", "cms.csv:17", "exports/cms.csv:17", None, "cms.csv line 17"),
        (
            "wp.xml",
            "812",
            "https://x.io/2024/05/post/",
            "https://x.io/2024/05/post/",
            "https://x.io/2024/05/post/ (wp.xml, id 812)",
        ),
    ],
)
def test_every_kind_of_document_is_named_by_its_real_source(
    source: str, doc_id: str, location: str, url: str | None, expected: str
) -> None:
    assert describe(source, doc_id, location, url) == expected


def test_only_files_of_a_folder_or_given_alone_are_linked_as_files() -> None:
    assert local_file({"source": "content", "location": "content/blog/a.md"}) == "content/blog/a.md"
    assert local_file({"source": "post.md", "location": "post.md"}) == "post.md"
    assert local_file({"source": "cms.csv", "location": "cms.csv:17"}) is None
    assert local_file({"source": "cms.csv", "location": "https://x.io/a"}) is None


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("press/2024-launch.md", "press-release"),
        ("content/blog/case-studies/acme.md", "case-study"),  # the deepest folder says most
        ("https://acme.example/customers/acme-logistics", "case-study"),
        ("https://acme.example/pricing", "product-page"),
        ("https://acme.example/2024/05/launch/", None),
        ("how-we-help-hospitals.md", None),  # a slug's words are not a type
        ("webinars/q3-briefing.html", "event-page"),
    ],
)
def test_types_from_paths_and_urls(place: str, expected: str | None) -> None:
    assert infer_doc_type(place) == expected


def later_writers() -> list[Document]:
    """Every corpus batch after the first writers' 960 documents: the model never saw them (the
    set grows as batches land; 450 documents of lblog, lnews, lpass and lweb when measured)."""
    return training_and_evaluation(load_corpus(ROOT / "corpus"))[1]


def test_the_text_rules_are_right_nine_times_in_ten_on_the_first_writers() -> None:
    """The text rules (now features of the model), on the 960 documents they were written
    against: a regression check of the patterns, not an estimate for new libraries. When a rule
    fires it must be right 90% of the time, and emails and press releases, the kinds with set
    forms, must mostly be found."""
    fired, right, found, totals = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for document in training_and_evaluation(load_corpus(ROOT / "corpus"))[0]:
        kind, guess = document.doc_type, rule_type(document.text)
        totals[kind] += 1
        if guess:
            fired[guess] += 1
            right[guess] += guess == kind
            found[kind] += guess == kind
    assert sum(right.values()) / sum(fired.values()) >= 0.9, (fired, right)
    assert found["email"] / totals["email"] >= 0.9 and found["press-release"] / totals["press-release"] >= 0.5


def test_the_model_types_the_later_writers_documents_and_is_right_when_it_does() -> None:
    """The doc-type recipe on writers it never read: each later writer's batch scored by a model
    trained on every other batch, at the threshold chosen on the first writers' held-out batches
    (what `make doctype` records). On the 935 documents of the 14 later writers it types 296
    (32%) and is right for 263 (89%); the text rules alone type 223 (24%), 193 right (87%) by
    family; 1.0.0, trained on the first writers only, typed 261 (28%) with 82% right. The
    floors fail if the recipe regresses; per family, the kinds with set forms stay found."""
    first, later_judged = split_judged(held_out_by_writer(load_corpus(ROOT / "corpus"), seed=7))
    threshold = choose_threshold(first)
    assert threshold == load_doctype().threshold  # what the shipped model's manifest says
    later = figures(later_judged, threshold)
    assert later["coverage"] >= 0.3 and later["precision"] >= 0.85, {k: later[k] for k in ("coverage", "precision")}
    per_family = later["per_family"]
    assert per_family["email"]["coverage"] >= 0.8 and per_family["email"]["precision"] >= 0.9
    assert per_family["press-release"]["coverage"] >= 0.5 and per_family["press-release"]["precision"] >= 0.85
    # and it types more of them than the rules alone, at least as precisely
    rules = rules_baseline(later_writers())
    assert later["typed"] > rules["typed"] and later["precision"] >= rules["precision_by_family"]


def test_the_models_numpy_path_gives_scikit_learns_probabilities() -> None:
    model = load_doctype()
    texts = [d.text for d in later_writers()[::9]] + ["", "x"]
    assert np.allclose(model.probabilities(texts), model.pipeline.predict_proba(texts), rtol=0, atol=1e-10)


def test_the_threshold_is_the_one_chosen_on_the_first_writers() -> None:
    """The manifest's threshold is what the first writers' held-out batches chose, that
    validation reached the precision it aimed at, and the model was trained on every writer."""
    manifest = load_doctype().manifest
    validation = manifest["validation"]
    assert validation["precision"] >= VALIDATION_PRECISION == validation["target_precision"]
    assert manifest["threshold"] in THRESHOLDS
    assert set(LEGACY_BATCHES) < set(manifest["training"]["batches"])
    assert manifest["training"]["documents"] == len(load_corpus(ROOT / "corpus"))


def test_devset_types_when_the_model_types() -> None:
    if not DEVSET.exists():
        pytest.skip(f"put the real-world dev set at {DEVSET} to measure the doc-type model on it")
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = load_doctype()
    guesses = model.infer([row["text"] for row in rows])
    typed = [(family(row.get("doc_type") or ""), guess) for row, guess in zip(rows, guesses, strict=True) if guess]
    assert typed and all(kind == guess for kind, guess in typed), typed  # 2 of 36 typed when measured


def test_the_model_loads_only_after_its_checksum_matches(tmp_path: Path) -> None:
    copy = tmp_path / "doctype"
    shutil.copytree(DEFAULT_DOCTYPE_DIR, copy)
    assert load_doctype(copy).infer(["Subject: Saturday hours\n\nHi Dana,\n\nWe now open at nine.", " "]) == [
        "email",
        None,
    ]
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    load_doctype.cache_clear()
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_doctype(copy)
    manifest = json.loads((DEFAULT_DOCTYPE_DIR / "manifest.json").read_text(encoding="utf-8"))
    del manifest["threshold"]
    shutil.copy(DEFAULT_DOCTYPE_DIR / "model.joblib", copy / "model.joblib")
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="no threshold"):
        load_doctype(copy)


@pytest.mark.parametrize(
    ("place", "text", "expected"),
    [
        ("press/notes.txt", "Subject: Saturday hours\n\nHi Dana,\n\nWe now open at nine.", "press-release"),
        ("notes.txt", "Subject: Saturday hours\n\nHi Dana,\n\nWe now open at nine.", "email"),
        ("notes.txt", "We rethought how the kitchen plans its week, and the cooks liked it.", None),
        ("notes.txt", "", None),
    ],
)
def test_the_path_wins_and_the_model_fills_the_rest(place: str, text: str, expected: str | None) -> None:
    assert infer_doc_type(place, text) == expected


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("notes.txt", "\n\n  Quarterly pricing update\nBody text follows here.", "Quarterly pricing update"),
        ("post.md", "Intro line without heading.\n\n## The real heading\n\nText.", "The real heading"),
        ("long.txt", "word " * 100, "word " * 23 + "word…"),
    ],
)
def test_a_plain_file_gets_its_first_heading_or_line_as_title(name: str, content: str, title: str) -> None:
    assert first_line(extract(content.encode(), filename=name)) == title.strip()


def test_a_replaced_directory_swaps_whole_and_keeps_the_old_one_on_error(tmp_path: Path) -> None:
    target = tmp_path / "docs"
    with replaced_directory(target) as staging:
        write_new_file(staging / "a.html", b"first")
    assert [p.name for p in target.iterdir()] == ["a.html"]
    with pytest.raises(RuntimeError), replaced_directory(target) as staging:
        write_new_file(staging / "b.html", b"second")
        raise RuntimeError("crash")
    assert [p.name for p in target.iterdir()] == ["a.html"]  # the old pages stay
    with replaced_directory(target) as staging:
        write_new_file(staging / "b.html", b"second")
        with pytest.raises(FileExistsError):
            write_new_file(staging / "b.html", b"twice")  # a name taken twice is a bug, never an overwrite
    assert [p.name for p in target.iterdir()] == ["b.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]  # nothing left beside it


def test_a_tree_is_removed_without_following_its_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept", encoding="utf-8")
    tree = tmp_path / "docs"
    (tree / "nested").mkdir(parents=True)
    for k in range(300):
        (tree / f"{k}.html").write_bytes(b"x")
    (tree / "nested" / "a.html").write_bytes(b"x")
    (tree / "link").symlink_to(outside, target_is_directory=True)
    remove_tree(tree)
    assert not tree.exists() and (outside / "keep.txt").read_text(encoding="utf-8") == "kept"
    (tmp_path / "docs").symlink_to(outside, target_is_directory=True)
    remove_tree(tmp_path / "docs")  # a link in place of the folder: the link goes, its target stays
    assert not (tmp_path / "docs").exists() and (outside / "keep.txt").exists()
