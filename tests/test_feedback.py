"""The feedback loop, part 1: corrections over HTTP into a real database, exported, and the review queue.

Real `analyzer serve` processes with their own data directories and keys; the database is
then opened as a file, and the CLI runs as a user would run it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text as sql

from analyzer.feedback.engine import FeedbackStoreError, current_revision, make_engine, migrate
from analyzer.feedback.export import export_records
from analyzer.feedback.queue import rank_queue
from analyzer.feedback.store import (
    Correction,
    FeedbackQuery,
    FeedbackStore,
    QueueItem,
    StoredCorrection,
    margin,
    text_sha256,
)
from analyzer.labels import LABELS
from analyzer.model.corpus import load_labeled
from tests.conftest import Service, run_cli, start_service, stop_service

pytestmark = pytest.mark.slow

KEYS = "alice:key-alice-0f3a9c2e,bob:key-bob-7d41b8e6"
ALICE = {"Authorization": "Bearer key-alice-0f3a9c2e"}
BOB = {"Authorization": "Bearer key-bob-7d41b8e6"}
FAST = {"suggestions": False, "explanations": False}
CASE = (
    "Manual invoicing costs your team two days every month. "
    "Every quarter you wait, the backlog grows and clients pay later. "
    "Our platform sends invoices automatically."
)
DRAFTS = [
    CASE,
    "Pricing starts at $49 per user per month. Every plan includes unlimited projects and SSO.",
    "We opened a new office in Leeds this spring. Our platform syncs invoices with your bank. "
    "Costs rise every month you wait.",
    "Join us at booth 412 to meet the team! Our CEO will talk about the future of logistics.",
]

Start = Callable[..., tuple[httpx.Client, subprocess.Popen[bytes], Path]]


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Start]:
    """Starts `analyzer serve` with its own data directory; (client, process, data dir)."""
    started: list[tuple[Service, httpx.Client]] = []

    def _start(env: dict[str, str]) -> tuple[httpx.Client, subprocess.Popen[bytes], Path]:
        workdir = tmp_path_factory.mktemp("server")
        service = start_service(workdir, env)
        client = service.client()
        started.append((service, client))
        return client, service.process, Path(env.get("ANALYZER_DATA_DIR", workdir / "data"))

    yield _start
    for service, client in started:
        client.close()
        stop_service(service)


@pytest.fixture(scope="module")
def server(start: Start) -> tuple[httpx.Client, Path]:
    """Keys alice and bob, a feedback limit no test here reaches, small documents."""
    client, _, data_dir = start(
        {"ANALYZER_API_KEYS": KEYS, "ANALYZER_FEEDBACK_RATE_LIMIT_PER_MINUTE": "1000", "ANALYZER_MAX_CHARS": "5000"}
    )
    return client, data_dir


@pytest.fixture(scope="module")
def analyses(server: tuple[httpx.Client, Path]) -> dict[str, dict[str, Any]]:
    """Every draft analyzed once by the server (and so logged for the queue), by text."""
    client, _ = server
    found = {}
    for draft in DRAFTS:
        response = client.post("/v1/analyze", json={"text": draft, "options": FAST}, headers=ALICE)
        assert response.status_code == 200, response.text
        found[draft] = response.json()
    return found


def _version(analysis: dict[str, Any]) -> str:
    return f"{analysis['model']['name']}-{analysis['model']['version']}"


def _post(client: httpx.Client, body: dict[str, Any], headers: dict[str, str] = ALICE) -> httpx.Response:
    # ASCII JSON, as most clients send it: a lone surrogate travels as its \\u escape.
    content = json.dumps(body).encode("ascii")
    return client.post("/v1/feedback", content=content, headers={**headers, "Content-Type": "application/json"})


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "hint"} and all(error.values())
    assert "Traceback" not in response.text
    message: str = error["message"]
    return message


def _all_feedback(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"before": cursor} if cursor else {})}
        page = client.get("/v1/feedback", params=query, headers=BOB)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


# --- Corrections over HTTP ----------------------------------------------------------------


def test_document_and_sentence_feedback_name_the_reviewer(
    server: tuple[httpx.Client, Path], analyses: dict[str, dict[str, Any]]
) -> None:
    client, _ = server
    analysis = analyses[DRAFTS[1]]
    wrong = next(label for label in LABELS if label != analysis["label"])
    created = _post(
        client, {"text": DRAFTS[1], "label": wrong, "model_version": _version(analysis), "comment": "reads as news"}
    )
    assert created.status_code == 201, created.text
    stored = created.json()
    assert stored["reviewer"] == "alice"
    assert stored["kind"] == "document" and stored["sentence"] is None
    assert stored["label"] == wrong and stored["comment"] == "reads as news"
    assert stored["model_version"] == "messaging-1.1.0"
    assert stored["excerpt"] == DRAFTS[1][:200]

    sentence = analysis["sentences"][1]
    body = {
        "text": DRAFTS[1],
        "label": "awareness-only",
        "sentence": {"start": sentence["start"], "end": sentence["end"]},
    }
    by_bob = _post(client, body, BOB)
    assert by_bob.status_code == 201, by_bob.text
    assert by_bob.json()["reviewer"] == "bob"
    assert by_bob.json()["sentence"] == {"start": sentence["start"], "end": sentence["end"]}
    assert by_bob.json()["excerpt"] == sentence["text"]

    again = _post(client, body, BOB)  # the same reviewer saying the same thing: one row
    assert again.status_code == 200
    assert again.json() == by_bob.json()
    assert _post(client, body, ALICE).status_code == 201  # another reviewer agreeing is news

    mine = _all_feedback(client, reviewer="bob")
    assert [item["id"] for item in mine] == [by_bob.json()["id"]]


LONG = "x" * 5001


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"text": CASE, "label": "urgent"}, 422, "label"),
        ({"text": "", "label": "feature-pitch"}, 422, "empty"),
        ({"text": "  \n\t ", "label": "feature-pitch"}, 422, "empty"),
        ({"text": CASE, "label": "feature-pitch", "sentence": {"start": 10, "end": len(CASE) + 1}}, 422, "outside"),
        ({"text": CASE, "label": "feature-pitch", "sentence": {"start": 20, "end": 20}}, 422, "outside"),
        ({"text": CASE, "label": "feature-pitch", "sentence": {"start": -1, "end": 5}}, 422, "sentence.start"),
        ({"text": "Hello.   Bye.", "label": "feature-pitch", "sentence": {"start": 6, "end": 9}}, 422, "blank"),
        ({"text": CASE, "label": "feature-pitch", "sentence": {"start": 0}}, 422, "sentence.end"),
        ({"text": CASE, "label": "feature-pitch", "comment": "c" * 2001}, 422, "comment"),
        ({"text": CASE, "label": "feature-pitch", "model_version": "v" * 101}, 422, "model_version"),
        ({"text": CASE, "label": "feature-pitch", "model_version": ""}, 422, "model_version"),
        ({"text": CASE, "label": "feature-pitch", "reviewer": "mallory"}, 422, "reviewer"),
        ({"label": "feature-pitch"}, 422, "text"),
        ({"text": "Half a \ud800 character.", "label": "feature-pitch"}, 422, "surrogate"),
        ({"text": CASE, "label": "feature-pitch", "comment": "\udfff"}, 422, "comment"),
        ({"text": LONG, "label": "feature-pitch"}, 422, "over the limit of 5,000"),
    ],
)
def test_bad_feedback_gets_a_clear_4xx(
    server: tuple[httpx.Client, Path], body: dict[str, Any], status: int, says: str
) -> None:
    client, _ = server
    assert says in _error(_post(client, body), status)


def test_feedback_needs_a_key_and_well_formed_json(server: tuple[httpx.Client, Path]) -> None:
    client, _ = server
    assert "key" in _error(client.post("/v1/feedback", json={"text": CASE, "label": "feature-pitch"}), 401)
    assert "key" in _error(client.get("/v1/feedback"), 401)
    wrong_key = {"Authorization": "Bearer key-mallory"}
    assert "key" in _error(client.post("/v1/feedback", json={}, headers=wrong_key), 401)
    malformed = client.post("/v1/feedback", content=b'{"text": ', headers={**ALICE, "Content-Type": "application/json"})
    assert "JSON" in _error(malformed, 400)


def test_pages_and_filters(server: tuple[httpx.Client, Path]) -> None:
    client, _ = server
    ids = []
    for n, label in enumerate(["feature-pitch", "case-for-change", "feature-pitch", "awareness-only", "feature-pitch"]):
        body = {"text": f"Draft number {n} for paging.", "label": label, "model_version": f"paging-{n % 2}"}
        response = _post(client, body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    first = client.get("/v1/feedback", params={"limit": 2}, headers=BOB).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    everything = _all_feedback(client, limit=2)
    got = [item["id"] for item in everything]
    assert got == sorted(got, reverse=True) and len(got) == len(set(got))  # newest first, none twice
    assert set(ids) <= set(got)

    pitches = [i["id"] for i in _all_feedback(client, label="feature-pitch", model_version="paging-0")]
    assert pitches == [ids[4], ids[2], ids[0]]
    assert [i["id"] for i in _all_feedback(client, model_version="paging-1")] == [ids[3], ids[1]]
    assert all(item["kind"] == "sentence" for item in _all_feedback(client, kind="sentence"))

    today = datetime.now(UTC).date()
    assert set(ids) <= {i["id"] for i in _all_feedback(client, since=str(today), until=str(today))}
    assert _all_feedback(client, since=str(today + timedelta(days=1))) == []
    assert _all_feedback(client, until=str(today - timedelta(days=1))) == []

    for params in ({"limit": 0}, {"limit": 201}, {"label": "urgent"}, {"since": "yesterday"}, {"before": 0}):
        _error(client.get("/v1/feedback", params=params, headers=BOB), 422)


def test_queue_ranks_real_analyses_by_margin(
    server: tuple[httpx.Client, Path], analyses: dict[str, dict[str, Any]]
) -> None:
    client, data_dir = server
    env = {"ANALYZER_DATA_DIR": str(data_dir)}
    assert _post(client, {"text": DRAFTS[0], "label": "case-for-change"}).status_code in (200, 201)
    corrected = {item["text_sha256"] for item in _all_feedback(client)}

    result = run_cli("feedback", "queue", "--format", "jsonl", "--limit", "50", env=env)
    assert result.returncode == 0, result.stderr
    queue = [json.loads(line) for line in result.stdout.splitlines()]
    expected = sorted((margin(a["scores"]), text) for text, a in analyses.items() if text_sha256(text) not in corrected)
    assert [(item["margin"], item["excerpt"]) for item in queue] == [(m, text[:200]) for m, text in expected]
    assert queue and all(item["kind"] == "document" and item["start"] is None for item in queue)
    assert DRAFTS[0][:200] not in {item["excerpt"] for item in queue}

    result = run_cli("feedback", "queue", "--kind", "sentence", "--format", "jsonl", "--limit", "50", env=env)
    assert result.returncode == 0, result.stderr
    sentences = [json.loads(line) for line in result.stdout.splitlines()]
    margins = [item["margin"] for item in sentences]
    assert margins == sorted(margins)
    shown = {
        (text_sha256(text), s["start"], s["end"]): margin(s["scores"])
        for text, a in analyses.items()
        if text_sha256(text) not in corrected
        for s in a["sentences"]
        if not s["low_signal"]
    }
    assert {(i["text_sha256"], i["start"], i["end"]): i["margin"] for i in sentences} == shown
    said = {(text_sha256(text), s["start"]): s["text"] for text, a in analyses.items() for s in a["sentences"]}
    assert all(item["sentence"] == said[item["text_sha256"], item["start"]] for item in sentences)

    table = run_cli("feedback", "queue", "--limit", "2", env=env)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split()[:2] == ["margin", "label"]
    assert len(table.stdout.splitlines()) == 3


def test_export_loads_with_the_corpus_loader(
    server: tuple[httpx.Client, Path], analyses: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    client, data_dir = server
    text = DRAFTS[2]
    analysis = analyses[text]
    first, last = analysis["sentences"][0], analysis["sentences"][-1]
    # Two reviewers disagree on the document: the later one wins.
    assert _post(client, {"text": text, "label": "feature-pitch"}).status_code == 201
    assert _post(client, {"text": text, "label": "case-for-change", "comment": "ends on cost"}, BOB).status_code == 201
    span = {"start": last["start"], "end": last["end"]}
    assert _post(client, {"text": text, "label": "case-for-change", "sentence": span}).status_code == 201
    # Sentence correction only, on an analyzed text: the model's document label, marked as such.
    only_sentence = DRAFTS[3]
    s = analyses[only_sentence]["sentences"][0]
    body = {"text": only_sentence, "label": "feature-pitch", "sentence": {"start": s["start"], "end": s["end"]}}
    assert _post(client, body).status_code == 201
    # Sentence correction on a text never analyzed: no document label to take, skipped.
    never = "Nobody analyzed this text. It has two sentences."
    assert (
        _post(client, {"text": never, "label": "feature-pitch", "sentence": {"start": 0, "end": 26}}).status_code == 201
    )

    out = tmp_path / "feedback.jsonl"
    result = run_cli("feedback", "export", "--out", str(out), env={"ANALYZER_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert "skipped 1 text(s)" in result.stderr
    docs = {doc.text: doc for doc in load_labeled(out)}
    raw = {json.loads(line)["text"]: json.loads(line) for line in out.read_text().splitlines()}
    assert never not in docs
    assert all(doc.id.startswith("feedback-") for doc in docs.values())
    assert len({doc.id for doc in docs.values()}) == len(docs)

    exported = docs[text]
    assert exported.label == "case-for-change"  # the latest correction
    assert raw[text]["source"] == "feedback"
    assert raw[text]["feedback"]["label_from"] == "reviewer"
    assert raw[text]["feedback"]["reviewers"] == ["alice", "bob"]
    assert raw[text]["feedback"]["comments"] == ["ends on cost"]
    spans = {(s.start, s.end): s.label for s in exported.sentences}
    assert set(spans) == {(s["start"], s["end"]) for s in analysis["sentences"]}  # every sentence, the analyzer's
    assert spans[(last["start"], last["end"])] == "case-for-change"
    assert spans[(first["start"], first["end"])] == "case-for-change"  # uncorrected: the document's label

    from_model = docs[only_sentence]
    assert from_model.label == analyses[only_sentence]["label"]
    assert raw[only_sentence]["feedback"]["label_from"] == "model"
    assert {(x.start, x.end): x.label for x in from_model.sentences}[(s["start"], s["end"])] == "feature-pitch"

    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = tmp_path / "later.jsonl"
    result = run_cli(
        "feedback", "export", "--out", str(later), "--since", tomorrow, env={"ANALYZER_DATA_DIR": str(data_dir)}
    )
    assert result.returncode == 0, result.stderr
    assert later.read_text() == ""


def test_cli_refuses_a_missing_database_and_bad_dates(tmp_path: Path) -> None:
    env = {"ANALYZER_DATA_DIR": str(tmp_path / "nowhere")}
    result = run_cli("feedback", "export", "--out", str(tmp_path / "x.jsonl"), env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no feedback database at") and "Traceback" not in result.stderr
    assert not (tmp_path / "x.jsonl").exists()
    assert not (tmp_path / "nowhere").exists()
    result = run_cli("feedback", "export", "--out", "x.jsonl", "--since", "last week", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr


# --- Floods and crashes -------------------------------------------------------------------


def test_a_flood_from_one_key_is_rate_limited(start: Start) -> None:
    env = {"ANALYZER_API_KEYS": KEYS, "ANALYZER_FEEDBACK_RATE_LIMIT_PER_MINUTE": "3"}
    env["ANALYZER_RECORD_ANALYSES"] = "false"
    client, _, data_dir = start(env)
    assert _post(client, {"text": CASE, "label": "feature-pitch"}).status_code == 201
    assert _post(client, {"text": CASE, "label": "urgent"}).status_code == 422  # bad feedback counts too
    assert _post(client, {"text": CASE, "label": "feature-pitch"}).status_code == 200
    flooded = _post(client, {"text": CASE, "label": "awareness-only"})
    assert "feedback posts a minute" in _error(flooded, 429)
    assert int(flooded.headers["Retry-After"]) >= 1
    assert _post(client, {"text": CASE, "label": "awareness-only"}, BOB).status_code == 201  # per key
    analyzed = client.post("/v1/analyze", json={"text": CASE, "options": FAST}, headers=ALICE)
    assert analyzed.status_code == 200  # analysis has its own limit
    assert client.get("/v1/feedback", headers=ALICE).status_code == 200  # reading is not posting
    with closing(sqlite3.connect(data_dir / "analyzer.db")) as connection:  # ANALYZER_RECORD_ANALYSES=false
        assert connection.execute("SELECT count(*) FROM analyses").fetchone() == (0,)


def test_an_acknowledged_correction_survives_kill_9(start: Start) -> None:
    client, process, data_dir = start({"ANALYZER_API_KEYS": KEYS})
    body = {"text": CASE, "label": "awareness-only", "comment": "crash test", "model_version": "messaging-1.1.0"}
    response = _post(client, body, BOB)
    assert response.status_code == 201, response.text
    process.kill()  # SIGKILL: no shutdown, no flush, no lifespan
    process.wait(timeout=20)
    with closing(sqlite3.connect(data_dir / "analyzer.db")) as connection:
        row = connection.execute(
            "SELECT reviewer, label, comment FROM feedback WHERE id = ?", (response.json()["id"],)
        ).fetchone()
    assert row == ("bob", "awareness-only", "crash test")


# --- The store and its migrations, in process ---------------------------------------------


def test_a_fresh_database_is_migrated_with_wal_and_full_sync(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'analyzer.db'}"
    store = FeedbackStore.open(url)
    try:
        assert current_revision(store.engine) == "0003"
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            tables = set(connection.execute(sql("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
        assert {"texts", "feedback", "analyses", "alembic_version"} <= tables
    finally:
        store.close()
    FeedbackStore.open(url).close()  # opening again is a no-op migration


def test_a_database_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(sql("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(FeedbackStoreError, match="newer analyzer"):
        FeedbackStore.open(url)


def test_workers_starting_together_migrate_one_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    script = "import sys; from analyzer.feedback.store import FeedbackStore; FeedbackStore.open(sys.argv[1]).close()"
    workers = [subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE) for _ in range(3)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr.decode()
    engine = make_engine(url)
    assert current_revision(engine) == "0003"
    engine.dispose()


def test_an_older_database_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0001")  # the schema before the analyses log
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:
        connection.execute(
            sql("INSERT INTO texts (sha256, text, created_at) VALUES ('abc', 'An old draft.', '2025-01-01 00:00:00')")
        )
        connection.execute(
            sql(
                "INSERT INTO feedback (created_at, reviewer, text_sha256, span, label) "
                "VALUES ('2025-01-01 00:00:00', 'carol', 'abc', 'document', 'feature-pitch')"
            )
        )
        tables = set(connection.execute(sql("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    assert "analyses" not in tables
    engine.dispose()

    store = FeedbackStore.open(url)
    try:
        assert current_revision(store.engine) == "0003"
        items, _ = store.page(FeedbackQuery(reviewer="carol"))
        assert [(i.reviewer, i.label, i.excerpt) for i in items] == [("carol", "feature-pitch", "An old draft.")]
        added, created = store.add(Correction(text="A new draft.", label="awareness-only", reviewer="dan"), 1000)
        assert created and added.id == 2
    finally:
        store.close()


# --- Pure functions -----------------------------------------------------------------------


def _item(sha: str, item_margin: float, minutes: int, start: int | None = None) -> QueueItem:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    kind = "document" if start is None else "sentence"
    end = None if start is None else start + 5
    return QueueItem(kind, sha, start, end, "feature-pitch", {}, item_margin, "m-1", when)


def test_rank_queue_lowest_margin_first_latest_analysis_per_text() -> None:
    items = [
        _item("a", 0.50, 0),
        _item("a", 0.10, 5),  # the same text analyzed again: the latest analysis counts
        _item("b", 0.05, 1),
        _item("c", 0.01, 2),  # already corrected
        _item("d", 0.30, 3),
        _item("e", 0.30, 4),  # a tie: the newer first
    ]
    ranked = rank_queue(items, corrected={"c"}, limit=10)
    assert [(i.text_sha256, i.margin) for i in ranked] == [("b", 0.05), ("a", 0.10), ("e", 0.30), ("d", 0.30)]
    assert [i.text_sha256 for i in rank_queue(items, set(), limit=2)] == ["c", "b"]
    assert rank_queue(items, set(), limit=0) == []
    sentences = [_item("a", 0.2, 0, start=0), _item("a", 0.1, 0, start=10), _item("a", 0.3, 1, start=0)]
    assert [(i.start, i.margin) for i in rank_queue(sentences, set(), 5)] == [(10, 0.1), (0, 0.3)]


def test_margin() -> None:
    assert margin({"awareness-only": 0.2, "feature-pitch": 0.5, "case-for-change": 0.3}) == pytest.approx(0.2)
    assert margin({"awareness-only": 1 / 3, "feature-pitch": 1 / 3, "case-for-change": 1 / 3}) == 0


def _correction(n: int, text: str, label: str, sentence: tuple[int, int] | None = None) -> StoredCorrection:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
    return StoredCorrection(n, when, "alice", text, f"sha-{text}", label, sentence, None, None)


def test_export_records_latest_wins_and_sentences_cover_the_text() -> None:
    text = "One. Two two. Three three three."
    spans = {f"sha-{text}": [(0, 4), (5, 13), (14, 32)]}
    corrections = [
        _correction(1, text, "feature-pitch"),
        _correction(2, text, "awareness-only", (5, 13)),
        _correction(3, text, "case-for-change"),
        _correction(4, text, "feature-pitch", (5, 13)),  # the same sentence again: the latest wins
    ]
    result = export_records(corrections, {}, spans)
    [record] = result.records
    assert record["id"] == "feedback-1" and record["label"] == "case-for-change"
    assert [s["label"] for s in record["sentences"]] == ["case-for-change", "feature-pitch", "case-for-change"]
    assert result.document_labels == 1 and result.sentence_corrections == 2

    only = export_records([_correction(7, text, "feature-pitch", (0, 4))], {}, spans)
    assert only.records == [] and only.skipped_unlabeled == 1
    from_model = export_records(
        [_correction(7, text, "feature-pitch", (0, 4))], {f"sha-{text}": ("awareness-only", "m")}, spans
    )
    assert from_model.records[0]["label"] == "awareness-only" and from_model.labels_from_model == 1
