"""Two audits compared (`audit/compare.py`) on result files written here: matching by source and
id, by id when the library moved, results from before audits kept the text, and bad folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.audit.compare import LIST_LIMIT, MOVERS, CompareError, Comparison, check_audit_dir
from tests.conftest import run_cli


def record(
    doc_id: str, score: int | None, *, source: str = "content/", text: str | None = "same text"
) -> dict[str, Any]:
    failed = score is None
    return {
        "key": hashlib.sha256(f"{source}\0{doc_id}\0{text}".encode()).hexdigest(),
        "source": source,
        "id": doc_id,
        "location": f"{source}{doc_id}",
        "title": doc_id.upper(),
        "label": None if failed else ("case-for-change" if score >= 50 else "feature-pitch"),
        "case_for_change_score": score,
        "error": {"code": "E015", "message": "empty"} if failed else None,
        "text": None if failed else text,
    }


def audit_dir(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def compared(tmp_path: Path, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    comparison = Comparison(audit_dir(tmp_path / "old", old), tmp_path / "new", tmp_path)
    for item in new:
        comparison.add(item)
    try:
        return comparison.figures()
    finally:
        comparison.close()


def test_added_removed_changed_and_moved(tmp_path: Path) -> None:
    old = [record("a", 10), record("b", 40), record("c", 70), record("d", 20), record("e", None)]
    new = [
        record("a", 35, text="edited"),  # changed, up 25
        record("b", 40),  # the same
        record("c", 30),  # same text, the model moved it down 40
        record("e", 55, text="fixed"),  # failed before, analyzed now: changed
        record("f", 90),  # added
    ]
    figures = compared(tmp_path, old, new)
    assert figures["matched_by"] == "source and id"
    assert figures["counts"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 2}
    assert [e["id"] for e in figures["added"]] == ["f"] and [e["id"] for e in figures["removed"]] == ["d"]
    assert {e["id"] for e in figures["changed"]} == {"a", "e"}
    changed = {e["id"]: e for e in figures["changed"]}
    assert changed["e"]["before"] == {"label": None, "score": None} and "delta" not in changed["e"]
    assert [(e["id"], e["delta"]) for e in figures["moved_up"]] == [("a", 25)]
    assert [(e["id"], e["delta"]) for e in figures["moved_down"]] == [("c", -40)]
    assert figures["old"]["median"] == 30 and figures["new"]["median"] == 40
    assert figures["old"]["labels"]["counts"]["case-for-change"] == 1 and figures["new"]["failed"] == 0
    assert figures["removed"][0]["title"] == "D" and "after" not in figures["removed"][0]


def test_a_library_audited_from_another_path_is_matched_by_id(tmp_path: Path) -> None:
    old = [record(name, 50, source="/old/checkout/content") for name in ("a", "b", "c")]
    new = [record(name, 50, source="/ci/workspace/content") for name in ("a", "b", "d")]
    # failed both times: the content key hashes the path, so the result says (same failure: unchanged)
    old += [record("empty.txt", None, source="/old/checkout/content"), record("x.pdf", None, source="/old/x")]
    new += [record("empty.txt", None, source="/ci/workspace/content"), {**record("x.pdf", 40, source="/ci/x")}]
    figures = compared(tmp_path, old, new)
    assert figures["matched_by"] == "id"
    assert figures["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 3}
    assert [e["id"] for e in figures["changed"]] == ["x.pdf"]  # failed before, analyzed now


def test_spellings_of_one_source_match(tmp_path: Path) -> None:
    figures = compared(tmp_path, [record("a", 50, source="content/")], [record("a", 50, source="./content")])
    assert figures["matched_by"] == "source and id" and figures["counts"]["unchanged"] == 1


def test_results_from_before_the_text_was_kept_compare_by_key(tmp_path: Path) -> None:
    old = [{**record("a", 50), "text": None}, {**record("b", 50), "text": None}]
    new = [record("a", 50), {**record("b", 50), "key": "f" * 64}]
    figures = compared(tmp_path, old, new)
    assert figures["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}
    assert [e["id"] for e in figures["changed"]] == ["b"]


def test_lists_are_bounded_and_counts_are_not(tmp_path: Path) -> None:
    new = [record(f"doc-{i}", i % 101) for i in range(LIST_LIMIT + 50)]
    figures = compared(tmp_path, [record("gone", 10)], new)
    assert figures["counts"]["added"] == LIST_LIMIT + 50 and len(figures["added"]) == LIST_LIMIT
    assert len(figures["moved_up"]) == 0 and MOVERS == 10


def test_a_folder_that_is_not_an_audit_is_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="not a folder"):
        check_audit_dir(tmp_path / "missing", "--compare")
    with pytest.raises(CompareError, match=r"holds no results\.jsonl"):
        check_audit_dir(tmp_path, "--compare")
    result = run_cli("report", "compare", str(tmp_path), str(tmp_path))
    assert result.returncode == 2 and "holds no results.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_a_lone_surrogate_in_an_earlier_audit_never_stops_the_comparison(tmp_path: Path) -> None:
    """An older results.jsonl may hold one (a file name that is not UTF-8): compare.json is
    written as UTF-8, so what it lists is cleaned as the report's own records are."""
    figures = compared(tmp_path, [{**record("gone", 10), "title": "caf\udce9"}], [record("a", 50)])
    assert figures["removed"][0]["title"] == "caf\ufffd"
    json.dumps(figures, ensure_ascii=False).encode("utf-8")
