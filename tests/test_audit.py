"""`analyzer audit` end to end: real folders, real processes, SIGKILL, a full disk, a Dask cluster."""

from __future__ import annotations

import csv
import fcntl
import html
import json
import os
import pty
import re
import resource
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.analysis.suggest.parse import clean
from analyzer.audit.identity import page_name
from analyzer.audit.records import ANALYSIS_FAILED, AUDIT_OPTIONS, audit_record
from analyzer.audit.results import RESULTS_CSV, RESULTS_FILE, read_existing
from analyzer.audit.run import AuditError, run_audit
from analyzer.audit.sources import SourceDocument, iter_documents
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.corpus import Document
from analyzer.text.extract import Limits, extract, extract_text
from tests.conftest import free_port, run_cli
from tests.make_files import sample_docx, text_pdf

pytestmark = pytest.mark.slow

RECORD_FIELDS = [
    "key",
    "source",
    "id",
    "location",
    "section",
    "title",
    "url",
    "doc_type",
    "published",
    "inferred_type",
    "words",
    "label",
    "mixed",
    "scores",
    "confidence",
    "uncertain",
    "case_for_change_score",
    "rubric",
    "evidence",
    "suggestion",
    "coaching",
    "main_claim",
    "model",
    "error",
    "format",
    "text",
    "sentences",
]
#: The fields null in the record of a document that failed.
ANALYSIS_FIELDS = [*RECORD_FIELDS[10:22], *RECORD_FIELDS[-3:]]
#: The suggestion is kept whole, as the Analysis gives it (so newer fields, like alternatives, flow through).
SUGGESTION_FIELDS = [
    "sentence",
    "start",
    "end",
    "original",
    "target",
    "strategy",
    "rewrite",
    "rationale",
    "placeholders",
    "scores_after",
    "gain",
    "alternatives",
]
MAX_BYTES = 60_000
#: The documents that must fail, and how.
EXPECTED_ERRORS = {
    "broken.pdf": "E012",
    "empty.txt": "E015",
    "binary.md": "E014",
    "huge.txt": "E011",
}
FORMULA_TITLE = '=HYPERLINK("http://example.com","click")'
PROGRESS_LINE = re.compile(r"^[\d,]+/[\d,]+ documents, \d+\.\d/s, [\d,]+ failed(, ETA (\d+h )?(\d+m )?\d+[sm])?$")
EXECUTABLE = str(Path(sys.executable).parent / "analyzer")


def write_library(root: Path, docs: list[Document]) -> Path:
    """Corpus documents as .md (blog/), .html (news/) and .txt (top level), plus a PDF, a DOCX,
    a Latin-1 text file and the broken files of `EXPECTED_ERRORS`."""
    for k, doc in enumerate(docs):
        title, _, body = doc.text.partition("\n")
        if k % 3 == 0:
            path, data = root / "blog" / f"{doc.id}.md", f"# {title}\n\n{body}".encode()
        elif k % 3 == 1:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
            page = f"<html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            path, data = root / "news" / f"{doc.id}.html", f"{page}{paragraphs}</body></html>".encode()
        else:
            path, data = root / f"{doc.id}.txt", doc.text.encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "whitepapers").mkdir()
    (root / "whitepapers" / "guide.pdf").write_bytes(text_pdf([docs[0].text[:1500], docs[1].text[:1500]]))
    (root / "whitepapers" / "brief.docx").write_bytes(sample_docx())
    latin = "Café de la Gare opens a new office. Our résumé service now covers Zürich and Málaga, with señor García."
    (root / "latin1.txt").write_bytes(latin.encode("latin-1"))
    formula = f"<html><head><title>{html.escape(FORMULA_TITLE)}</title></head><body><p>{html.escape(docs[2].text)}</p>"
    (root / "news" / "formula.html").write_bytes(f"{formula}</body></html>".encode())
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without an end")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.md").write_bytes(bytes(range(256)) * 8)
    (root / "huge.txt").write_bytes(b"Too long to read. " * (MAX_BYTES // 10))
    (root / "notes.xyz").write_bytes(b"not a document type the audit reads")
    (root / ".hidden.md").write_bytes(b"# Hidden\n\nNever audited.")
    return root


def audit(library: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("audit", str(library), "--out", str(out), "--max-bytes", str(MAX_BYTES), *args)


def records_of(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / RESULTS_FILE).read_text(encoding="utf-8").splitlines()]


def by_key(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keyed = {r["key"]: r for r in records}
    assert len(keyed) == len(records), "duplicate keys in results.jsonl"
    return keyed


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document]) -> Path:
    return write_library(tmp_path_factory.mktemp("library"), corpus_docs[::24][:40])


@pytest.fixture(scope="module")
def baseline(library: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """An uninterrupted `--jobs 1` audit of the library: what every other run must reproduce."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    return out, audit(library, out, "--jobs", "1", "--progress-every", "0.2")


@pytest.fixture(scope="module")
def engine() -> Analyzer:
    return Analyzer.load()


def test_every_document_gets_a_record_by_the_contract(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], engine: Analyzer
) -> None:
    out, result = baseline
    assert result.returncode == 1, result.stderr  # some documents failed, and the exit code says so
    records = records_of(out)
    listed = list(iter_documents([str(library)], Limits(max_bytes=MAX_BYTES)))
    assert by_key(records).keys() == {d.key for d in listed}
    assert len(records) == 40 + 8  # the corpus documents, PDF, DOCX, Latin-1, formula and 4 broken files

    for record in records:
        assert list(record) == RECORD_FIELDS
        assert record["source"] == str(library)
        assert record["location"] == str(library / record["id"])
        assert record["section"] == (record["id"].split("/")[0] if "/" in record["id"] else "")
        assert record["model"] == "messaging@1.3.0"
        name = record["id"]
        if name in EXPECTED_ERRORS:
            assert record["error"]["code"] == EXPECTED_ERRORS[name], record
            assert record["error"]["message"] and not record["error"]["message"].startswith("[")
            assert all(record[f] is None for f in ANALYSIS_FIELDS), record
            continue
        assert record["error"] is None, record
        assert record["words"] > 10
        assert record["label"] in LABELS and list(record["scores"]) == list(LABELS)
        assert sum(record["scores"].values()) == pytest.approx(1, abs=1e-4)
        assert record["confidence"] == max(record["scores"].values())
        assert record["uncertain"] == (record["confidence"] < 0.6)
        assert 0 <= record["case_for_change_score"] <= 100
        assert list(record["rubric"]) == list(RUBRIC_ELEMENTS)
        assert all(isinstance(v, bool) for v in record["rubric"].values())
        assert isinstance(record["mixed"], bool)
        # what the document's page shows: the text, each sentence's span and label, the rubric's evidence
        assert record["text"] and record["format"] in ("text", "markdown", "html", "pdf", "docx")
        spans = [(start, end) for start, end, *_ in record["sentences"]]
        assert spans == sorted(spans) and all(0 <= a < b <= len(record["text"]) for a, b in spans)
        assert all(label in LABELS and 0 <= change <= 1 for _, _, label, change, _ in record["sentences"])
        for element in RUBRIC_ELEMENTS:
            shown = record["evidence"][element]
            assert all(0 <= i < len(spans) for i in shown["sentences"])
            assert bool(shown["sentences"]) == record["rubric"][element]
        if record["suggestion"] is not None:
            assert list(record["suggestion"]) == SUGGESTION_FIELDS
            start, end = spans[record["suggestion"]["sentence"]][:2]
            assert (record["suggestion"]["start"], record["suggestion"]["end"]) == (start, end)
            assert record["text"][start:end] == record["suggestion"]["original"]
            assert isinstance(record["suggestion"]["gain"], float)
            facts = re.findall(r"\d[\d.,%]*|[A-Z][\w-]+", clean(record["suggestion"]["original"])[1:])
            rewrite = record["suggestion"]["rewrite"]
            assert all(f.rstrip(".,") in rewrite for f in facts), (facts, rewrite)  # its names and figures kept
            assert record["suggestion"]["alternatives"][0]["text"] == record["suggestion"]["rewrite"]
        if record["main_claim"] is not None:
            assert list(record["main_claim"]) == ["sentence", "text"]
            start, end = spans[record["main_claim"]["sentence"]][:2]
            assert record["text"][start:end] == record["main_claim"]["text"]
    # Every piece with a suggestion has a main claim; a piece may have a main claim and no suggestion.
    assert all(r["main_claim"] for r in records if r["suggestion"])
    assert sum(bool(r["main_claim"]) and not r["suggestion"] for r in records if not r["error"]) >= 5
    # One form per draft, on its main claim, only where the draft announces something to its reader
    # and does not argue it already, and on a sentence an editor would likely rewrite (9 of 48 on
    # 2026-12-04, 5 of 48 on 2026-12-05 once the third person's and the evergreen page's forms
    # were retired, 2 of 48 on 2026-12-05 once a rewrite needed the claim ranker's 0.75: the three
    # it dropped were company news: a charity build, an event moved to May and an office move; 1 of
    # 48 on 2026-12-06 with claim-ranker 1.1.0 and its gate at 0.8).
    assert sum(r["suggestion"] is not None for r in records) >= 1

    found = {r["id"]: r for r in records}
    assert found["latin1.txt"]["error"] is None  # not UTF-8, but extract detects Latin-1
    assert found["news/formula.html"]["title"] == FORMULA_TITLE  # the title falls back to the extracted one
    assert found["whitepapers/guide.pdf"]["error"] is None and found["whitepapers/brief.docx"]["error"] is None
    # folder files get a type from their folder, plain-text files a title from their first line
    assert {r["inferred_type"] for n, r in found.items() if n.startswith("news/")} == {"press-release"}
    assert {r["inferred_type"] for n, r in found.items() if n.startswith("whitepapers/")} == {"white-paper"}
    assert found["latin1.txt"]["title"].startswith("Café de la Gare opens a new office.")
    # a failure names the file it is about
    assert str(library / "empty.txt") in found["empty.txt"]["error"]["message"]

    # The report is written from the same records, with the run's facts.
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["totals"]["documents"], summary["totals"]["failed"]) == (48, 4)
    assert summary["run"]["sources"] == [str(library)] and summary["run"]["jobs"] == 1
    assert (out / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

    # The same numbers as every other surface: the audit is Analyzer.analyze with its options.
    for name in ("whitepapers/guide.pdf", next(n for n in found if n.startswith("news/"))):
        analysis = engine.analyze(extract((library / name).read_bytes(), Path(name).name), options=AUDIT_OPTIONS)
        assert found[name]["scores"] == analysis.scores
        assert found[name]["case_for_change_score"] == analysis.case_for_change_score
        expected = analysis.suggestions[0].rewrite if analysis.suggestions else None
        assert (found[name]["suggestion"] or {}).get("rewrite") == expected


def test_results_csv_matches_the_jsonl(baseline: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = baseline
    records = by_key(records_of(out))
    with (out / RESULTS_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(records)
    for row in rows:
        record = records[row["key"]]
        assert row["id"] == record["id"] and row["location"] == record["location"]
        if record["error"]:
            assert (row["error_code"], row["error_message"]) == (record["error"]["code"], record["error"]["message"])
            assert row["label"] == row["score_case_for_change"] == row["why_change"] == ""
            continue
        assert row["error_code"] == ""
        assert row["label"] == record["label"]
        assert int(row["words"]) == record["words"]
        for label in LABELS:
            assert float(row[f"score_{label.replace('-', '_')}"]) == record["scores"][label]
        assert int(row["case_for_change_score"]) == record["case_for_change_score"]
        for element in RUBRIC_ELEMENTS:
            assert row[element] == ("true" if record["rubric"][element] else "false")
        suggestion = record["suggestion"] or {}
        assert row["suggestion_rewrite"] == spreadsheet_safe(suggestion.get("rewrite", ""))
        assert row["suggestion_original"] == spreadsheet_safe(suggestion.get("original", ""))
        assert row["title"] == spreadsheet_safe(record["title"] or "")
    [formula] = [row for row in rows if row["id"] == "news/formula.html"]
    assert formula["title"] == "'" + FORMULA_TITLE  # a spreadsheet shows it, never runs it


def spreadsheet_safe(text: str) -> str:
    """What a text cell must look like: a leading apostrophe before anything a spreadsheet runs."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(
    baseline: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = baseline
    lines = result.stderr.strip().splitlines()
    progress, summary = lines[:-1], lines[-1]
    assert progress and all(PROGRESS_LINE.match(line) for line in progress), result.stderr
    assert progress[-1].startswith("48/48 documents")
    assert re.match(
        r"^audited 48 documents into .+ in \d+s: 44 analyzed, 4 failed\. See report\.html and results\.csv", summary
    )


def test_a_terminal_gets_a_progress_bar(tmp_path: Path, corpus_docs: list[Document]) -> None:
    library = tmp_path / "small"
    library.mkdir()
    for doc in corpus_docs[:3]:
        (library / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
    primary, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    process = subprocess.Popen(
        [EXECUTABLE, "audit", str(library), "--out", str(tmp_path / "out"), "--jobs", "1"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=replica,
    )
    os.close(replica)
    shown = b""
    with pytest.raises(OSError):  # EIO once the command exits and the terminal closes
        while chunk := os.read(primary, 4096):
            shown += chunk
    os.close(primary)
    assert process.wait(timeout=120) == 0
    screen = shown.decode()
    assert "docs/s" in screen and "3/3" in screen and "100%" in screen, screen
    assert "\r" in screen  # redrawn in place, not a line per update


def test_jobs_2_gives_the_same_records_as_jobs_1(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    result = audit(library, tmp_path / "out", "--jobs", "2", "--quiet")
    assert result.returncode == 1 and result.stderr == ""
    assert by_key(records_of(tmp_path / "out")) == by_key(records_of(baseline[0]))


def ended(process: psutil.Process) -> bool:
    """Exited: gone, or a zombie that nobody reaps (the orphan's new parent may not)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_sigkill_mid_run_then_resume_gives_exactly_the_uninterrupted_results(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    results = out / RESULTS_FILE
    process = subprocess.Popen(
        [EXECUTABLE, "audit", str(library), "--out", str(out), "--max-bytes", str(MAX_BYTES), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = 0
    while process.poll() is None and written == 0:
        written = results.read_bytes().count(b"\n") if results.exists() else 0
        time.sleep(0.005)
    workers = psutil.Process(process.pid).children(recursive=True)
    process.kill()  # SIGKILL to the audit alone, as the OOM killer would: its workers are not told
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the audit finished before it could be killed"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(map(ended, workers)):
        time.sleep(0.1)
    alive = [worker for worker in workers if not ended(worker)]
    for orphan in alive:
        orphan.kill()
    assert not alive, f"workers outlived the audit: {alive}"
    lines = results.read_bytes().splitlines(keepends=True)
    assert 0 < len(lines) < 48
    # A kill in the middle of a write leaves half a line: resume must drop it.
    with results.open("ab") as handle:
        handle.write(lines[-1][: len(lines[-1]) // 2])

    resumed = audit(library, out, "--resume", "--jobs", "1")
    assert resumed.returncode == 1, resumed.stderr
    assert f"{len(lines):,} done by an earlier run" in resumed.stderr
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["run"]["resumed"] == len(lines)
    assert by_key(records_of(out)) == by_key(records_of(baseline[0]))
    assert (out / RESULTS_CSV).read_text(encoding="utf-8").count("\n") == 48 + 1


def test_an_existing_audit_is_never_overwritten_by_accident(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(baseline[0], out)
    before = (out / RESULTS_FILE).read_bytes()

    refused = audit(library, out, "--jobs", "1")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "--resume" in refused.stderr and "--overwrite" in refused.stderr
    assert (out / RESULTS_FILE).read_bytes() == before

    with pytest.raises(AuditError, match="choose one"):
        run_audit([], out, resume=True, overwrite=True)

    nothing_left = audit(library, out, "--resume", "--jobs", "1")
    assert nothing_left.returncode == 1
    assert "48 done by an earlier run" in nothing_left.stderr
    assert (out / RESULTS_FILE).read_bytes() == before


def test_bad_usage_is_a_one_line_error(library: Path, tmp_path: Path) -> None:
    cases = [
        (["--model", str(tmp_path / "no-model")], "no model card"),
        (["--jobs", "2", "--cluster", "tcp://127.0.0.1:1"], "--jobs does not apply with --cluster"),
    ]
    for args, message in cases:
        result = audit(library, tmp_path / "out", *args)
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    with pytest.raises(AuditError, match="no documents"):
        run_audit(iter_documents([str(tmp_path)]), tmp_path / "out")  # a folder without documents
    assert not (tmp_path / "out" / RESULTS_FILE).exists()


def test_a_full_disk_stops_cleanly_and_resume_continues(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    limit = 40_000  # bytes: a few records fit (each keeps its text), then every write fails with EFBIG

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [EXECUTABLE, "audit", str(library), "--out", str(out), "--max-bytes", str(MAX_BYTES), "--jobs", "1"]
    full = subprocess.run(command, capture_output=True, text=True, preexec_fn=small_disk, timeout=300, check=False)
    assert full.returncode == 2, full.stderr
    [message] = [line for line in full.stderr.splitlines() if line.startswith("error:")]
    assert "File too large" in message and "--resume" in message and "intact" in message
    assert "Traceback" not in full.stderr
    data = (out / RESULTS_FILE).read_bytes()
    assert 0 < len(data) <= limit and data.endswith(b"\n")
    kept = [json.loads(line) for line in data.splitlines()]  # every line written is whole
    assert f"The {len(kept)} results written so far are intact" in message

    resumed = audit(library, out, "--resume", "--jobs", "1", "--quiet")
    assert resumed.returncode == 1, resumed.stderr
    assert by_key(records_of(out)) == by_key(records_of(baseline[0]))


def test_a_dask_cluster_gives_the_same_records(
    library: Path, baseline: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        result = audit(library, tmp_path / "out", "--cluster", cluster.scheduler_address, "--quiet")
    assert result.returncode == 1, result.stderr
    assert by_key(records_of(tmp_path / "out")) == by_key(records_of(baseline[0]))


def test_an_unreachable_cluster_is_a_clear_error(library: Path, tmp_path: Path) -> None:
    result = audit(library, tmp_path / "out", "--cluster", f"tcp://127.0.0.1:{free_port()}")
    assert result.returncode == 2, result.stderr
    assert "cannot reach the Dask scheduler" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory two levels down in tmp_path, so '../..' still lands inside tmp_path."""
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    yield cwd


ESCAPES = ["../../escaped", "../../../escaped", "/tmp/audit-escape-test", "..\\..\\escaped"]
OUTPUT_NAMES = {RESULTS_FILE, RESULTS_CSV, "summary.json", "report.html", "docs"}
TEXT = "Manual invoicing costs your team two days every month. It is time to change that."


def test_no_source_can_choose_where_files_are_written(tmp_path: Path, inside: Path) -> None:
    """Ids, titles, URLs and file names that look like paths stay data: every file is written
    under --out, with a fixed name (an export through the CLI, then crafted documents)."""
    export = tmp_path / "export.jsonl"
    rows = [{"id": t, "title": t, "url": f"https://example.com/{t}", "text": TEXT} for t in ESCAPES]
    export.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    crafted = [
        SourceDocument(source=t, id=t, location=t, section="../..", filename=t + ".txt", data=TEXT.encode(), title=t)
        for t in [*ESCAPES, str(tmp_path / "absolute")]
    ]
    before = set(tmp_path.rglob("*"))

    result = subprocess.run(
        [EXECUTABLE, "audit", str(export), "--out", "out", "--jobs", "1", "--quiet"],
        cwd=inside,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert {r["id"] for r in records_of(inside / "out")} == set(ESCAPES)  # kept as data, never used as a path
    outcome = run_audit(crafted, inside / "crafted", jobs=1)
    assert outcome.documents == len(crafted) and outcome.failed == 0

    for out in (inside / "out", inside / "crafted"):
        assert {p.name for p in out.iterdir()} <= OUTPUT_NAMES and RESULTS_FILE in {p.name for p in out.iterdir()}
    created = set(tmp_path.rglob("*")) - before
    folders = {inside, inside / "out", inside / "crafted", inside / "out" / "docs", inside / "crafted" / "docs"}
    assert all(path.parent in folders for path in created), created
    assert all(re.fullmatch(r"[a-z0-9-]+\.html", p.name) for p in (inside / "out" / "docs").iterdir())
    for target in [*ESCAPES, str(tmp_path / "absolute")]:
        assert not Path(target).exists() and not Path(target + ".txt").exists()
        assert not (inside / target).resolve().exists() and not (inside / "out" / target).resolve().exists()


def test_resume_analyzes_each_key_once_and_drops_results_of_edited_documents(tmp_path: Path) -> None:
    def document(name: str, text: str, source: str = "lib") -> SourceDocument:
        return SourceDocument(source, name, f"{source}/{name}", "", name, text.encode())

    a, b = document("a.txt", TEXT), document("b.txt", "Our new dashboard ships today with ten new charts.")
    first = run_audit([a, b, a], tmp_path / "out", jobs=1)  # the same document listed twice
    assert (first.documents, first.analyzed_now, first.duplicates) == (2, 2, 1)
    assert sorted(r["key"] for r in records_of(tmp_path / "out")) == sorted([a.key, b.key])

    edited = document("a.txt", TEXT.replace("two days", "three days"))
    second = run_audit([edited, b], tmp_path / "out", jobs=1, resume=True)
    assert (second.documents, second.analyzed_now, second.skipped) == (2, 1, 1)
    assert sorted(r["key"] for r in records_of(tmp_path / "out")) == sorted([edited.key, b.key])

    # Resuming with another SOURCE adds it; the results of the first are kept.
    other = document("c.txt", "Join us at booth 412 to meet the team.", source="other")
    third = run_audit([other], tmp_path / "out", jobs=1, resume=True)
    assert (third.documents, third.analyzed_now) == (3, 1)
    assert sorted(r["key"] for r in records_of(tmp_path / "out")) == sorted([edited.key, b.key, other.key])


def test_a_crash_while_analyzing_becomes_an_analysis_failed_record(
    engine: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("something unexpected")

    document = SourceDocument("lib", "a.txt", "lib/a.txt", "", "a.txt", b"Our new dashboard ships today.")
    monkeypatch.setattr(engine, "analyze", crash)
    record = audit_record(document, engine)
    assert (
        record["error"]["code"] == ANALYSIS_FAILED
        and "unexpected RuntimeError while analyzing lib/a.txt: something unexpected" in record["error"]["message"]
    )
    assert record["label"] is None and record["key"] == document.key


def test_resume_repairs_a_truncated_file_in_place(tmp_path: Path) -> None:
    good = [json.dumps({"key": f"{k:064x}", "error": None}) + "\n" for k in range(3)]
    path = tmp_path / RESULTS_FILE
    path.write_text("".join(good) + good[0] + '{"key": "ab', encoding="utf-8")  # a duplicate, then half a line
    existing = read_existing(path)
    assert existing.keys == {f"{k:064x}" for k in range(3)} and existing.dropped == 2
    assert path.read_text(encoding="utf-8") == "".join(good)


def test_max_candidates_caps_the_sentences_read_for_rewrites(engine: Analyzer) -> None:
    draft = (
        "# Kiln CI 4.12 is out\n\n"
        "Kiln CI 4.12 now caches your dependencies across branches and restores them before the first job of "
        "each pipeline starts.\n\n"
        "Teams in the beta saw median pipeline time fall from 14 minutes to 6 minutes in their first month with "
        "Kiln CI 4.12.\n"
    )  # a feature and a result with its old figure: two targets a frame fits, both likely an editor's
    extracted = extract_text(draft, "markdown")
    everything = engine.analyze(extracted, options=AnalyzeOptions(max_suggestions=20))
    capped = engine.analyze(extracted, options=AnalyzeOptions(max_suggestions=20, max_candidates=1))
    assert len({s.sentence for s in everything.suggestions}) > 1
    assert len({s.sentence for s in capped.suggestions}) == 1


def test_company_news_enters_the_audit_only_with_include_news(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    drafts = Path(__file__).resolve().parent / "drafts"
    for name in ("office-and-hiring.txt", "social-launch.txt"):
        shutil.copy(drafts / name, library / name)
    suggestions, fix_first = {}, {}
    for include_news in (False, True):
        out = tmp_path / f"audit-{include_news}"
        run_audit(iter_documents([str(library)]), out, jobs=1, include_news=include_news)
        suggestions[include_news] = {r["id"]: r["suggestion"] for r in records_of(out)}
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["run"]["include_news"] is include_news
        fix_first[include_news] = {item["id"] for item in summary["fix_first"]["items"]}
        # its page says what it misses, and offers a rewrite only when there is one
        [news] = [r for r in records_of(out) if r["id"] == "office-and-hiring.txt"]
        page = (out / "docs" / page_name(news)).read_text(encoding="utf-8")
        assert ("No rewrite on offer" in page) is not include_news
    assert suggestions[False]["office-and-hiring.txt"] is None
    assert suggestions[True]["office-and-hiring.txt"] is not None
    assert suggestions[False]["social-launch.txt"] is not None
    # "Fix these first" never lists news the audit left alone; the table still has it
    assert fix_first == {False: {"social-launch.txt"}, True: {"social-launch.txt", "office-and-hiring.txt"}}


def test_the_audit_never_audits_its_own_outputs(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(f"# Invoicing\n\n{TEXT}\n", encoding="utf-8")
    out = tmp_path / "audit"  # inside the folder audited: report.html would be a document
    for again in (False, True):
        outcome = run_audit(iter_documents([str(tmp_path)]), out, jobs=1, resume=again)
        assert outcome.documents == 1
    assert [r["id"] for r in records_of(out)] == ["post.md"]


def test_a_failed_export_row_names_the_export_and_the_row(tmp_path: Path, engine: Analyzer) -> None:
    """An empty CSV row once said "cms-bad.txt is empty", naming a file that does not exist."""
    export = tmp_path / "cms.csv"
    export.write_text("id,url,text\ncms-bad,https://www.example.com/2024/05/bad,\nno-url,,\n", encoding="utf-8")
    bad, no_url = (audit_record(document, engine) for document in iter_documents([str(export)]))
    assert bad["error"]["message"].startswith("https://www.example.com/2024/05/bad (cms.csv, id cms-bad) is empty")
    assert no_url["error"]["message"].startswith("cms.csv line 3 is empty")
    assert "cms-bad.txt" not in bad["error"]["message"] and bad["section"] == ""  # no "2024" section either


def write_texts(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_compare_lists_exactly_the_documents_that_changed(tmp_path: Path, corpus_docs: list[Document]) -> None:
    """Two audits of an edited library: two documents edited, one removed, one added."""
    chosen = corpus_docs[::97][:7]
    texts = {f"{doc.id}.txt": doc.text for doc in chosen[:6]}
    library = tmp_path / "library"
    write_texts(library, texts)
    first = audit(library, tmp_path / "q1", "--jobs", "1", "--quiet")
    assert first.returncode == 0, first.stderr

    names = sorted(texts)
    edited = {
        names[0]: texts[names[0]] + "\n\nEvery week you wait costs your team another day of rework.",
        names[1]: texts[names[1]].replace(".", "!", 1),
    }
    write_texts(library, edited)
    (library / names[2]).unlink()
    write_texts(library, {f"{chosen[6].id}.txt": chosen[6].text})
    second = audit(library, tmp_path / "q2", "--jobs", "1", "--compare", str(tmp_path / "q1"))
    assert second.returncode == 0, second.stderr
    assert "2 changed, 1 added, 1 removed, 3 unchanged" in second.stderr.splitlines()[-1]

    compare = json.loads((tmp_path / "q2" / "compare.json").read_text(encoding="utf-8"))
    assert compare["matched_by"] == "source and id"
    assert compare["counts"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 3}
    assert {entry["id"] for entry in compare["changed"]} == set(edited)
    assert [entry["id"] for entry in compare["added"]] == [f"{chosen[6].id}.txt"]
    assert [entry["id"] for entry in compare["removed"]] == [names[2]]
    old = {r["id"]: r for r in records_of(tmp_path / "q1")}
    new = {r["id"]: r for r in records_of(tmp_path / "q2")}
    for entry in compare["changed"]:
        before, after = old[entry["id"]], new[entry["id"]]
        assert entry["before"] == {"label": before["label"], "score": before["case_for_change_score"]}
        assert entry["after"] == {"label": after["label"], "score": after["case_for_change_score"]}
    deltas = {i: new[i]["case_for_change_score"] - old[i]["case_for_change_score"] for i in new if i in old}
    assert [e["id"] for e in compare["moved_up"]] == sorted(
        (i for i in deltas if deltas[i] > 0), key=lambda i: -deltas[i]
    )[: len(compare["moved_up"])]
    assert compare["new"]["median"] == statistics.median(r["case_for_change_score"] for r in new.values())
    page = (tmp_path / "q2" / "report.html").read_text(encoding="utf-8")
    assert "Since the last audit" in page and "2 documents changed, 1 added and 1 removed" in page

    # The same comparison from the report command, and from a copy of the library audited elsewhere.
    again = run_cli("report", "compare", str(tmp_path / "q1"), str(tmp_path / "q2"))
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "q2" / "compare.json").read_text(encoding="utf-8")) == compare
    moved = tmp_path / "moved"
    shutil.copytree(library, moved)
    third = audit(moved, tmp_path / "q3", "--jobs", "1", "--quiet", "--compare", str(tmp_path / "q2"))
    assert third.returncode == 0, third.stderr
    elsewhere = json.loads((tmp_path / "q3" / "compare.json").read_text(encoding="utf-8"))
    assert elsewhere["matched_by"] == "id" and elsewhere["counts"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": 6,
    }
    missing = audit(library, tmp_path / "q4", "--jobs", "1", "--compare", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr and not (tmp_path / "q4").exists()


SATURDAY_EMAIL = """Subject: Your clinic's Saturday hours are changing

Hi Priya,

Starting March 8, the Northgate clinic opens on Saturdays from 9 a.m. to 1 p.m. instead of 8 to noon.
Weekday hours, phone numbers and the booking page stay as they are.

If you had a Saturday appointment at 8, we have moved it to 9 and sent a new confirmation.

Questions? Just reply to this email.

Warm regards,
The Northgate team
"""


def test_an_audit_types_unlabeled_files_by_their_path_else_their_text(tmp_path: Path) -> None:
    """A folder gives no types: a path that names a kind wins, the doc-type model fills the rest
    when it is sure, and every such type is marked as inferred in the records and the report."""
    library = tmp_path / "library"
    (library / "blog").mkdir(parents=True)
    (library / "press").mkdir()
    drafts = Path(__file__).resolve().parent / "drafts"
    shutil.copy(drafts / "anniversary-post.txt", library / "blog" / "anniversary-post.txt")
    for name in ("press-release.txt", "event-invitation.html", "social-launch.txt", "feature-launch.md"):
        shutil.copy(drafts / name, library / name)
    (library / "saturday-hours.txt").write_text(SATURDAY_EMAIL, encoding="utf-8")
    (library / "press" / "saturday-hours.txt").write_text(SATURDAY_EMAIL, encoding="utf-8")  # the folder says
    out = tmp_path / "out"
    run_audit(iter_documents([str(library)]), out, jobs=1)
    types = {r["id"]: (r["doc_type"], r["inferred_type"]) for r in records_of(out)}
    assert types == {
        "blog/anniversary-post.txt": (None, "blog-post"),  # its folder
        "press/saturday-hours.txt": (None, "press-release"),  # its folder, whatever its text
        "saturday-hours.txt": (None, "email"),  # the model: a Subject line, a greeting, a sign-off
        "press-release.txt": (None, "press-release"),  # the model: a dateline, "today announced"
        "event-invitation.html": (None, "event-page"),
        "social-launch.txt": (None, None),  # the model is not sure: no type rather than a guess
        "feature-launch.md": (None, "blog-post"),  # "Posted by ..., Head of Product": a launch post
    }
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    groups = {(g["name"], g["inferred"]): g["documents"] for g in summary["by_doc_type"]}
    assert groups[("press-release", True)] == 2 and groups[("email", True)] == 1 and groups[(None, False)] == 1
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "email (inferred)" in report
