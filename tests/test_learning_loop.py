"""The learning loop: analyze, correct through the API, export, retrain, gate, reload, and the
corrected text labelled as the editor said; and the rules that merge corrections into training.

The end-to-end test runs the real thing: `analyzer serve --workers 2` on a temporary models
folder and data folder, the feedback API, `analyzer feedback export`, `analyzer train
--with-feedback` (reusing the bundled model's hyperparameters: one fit of each model),
`analyzer models promote` and `POST /v1/admin/reload`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from analyzer.errors import CorpusError
from analyzer.labels import LABELS
from analyzer.model import registry
from analyzer.model.artifacts import ARTIFACT, read_card
from analyzer.model.corpus import Document, SentenceLabel, load_labeled
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR, POINTER
from analyzer.model.registry import HELDOUT_FILE
from analyzer.model.train import merge_feedback, next_version, text_key
from tests.conftest import ANALYZER, CORPUS_DIR, free_port

EDITOR = {"Authorization": "Bearer editor-key-41c7e2a9"}
ADMIN = {"Authorization": "Bearer admin-key-9b3f6d05"}
#: The bundled model reads a product benefit ("with X, you never lose Y") as a case for change;
#: the annotation guide says a benefit stated as a product attribute is a feature pitch.
MISLABELLED = "With automatic backups every hour, you never lose more than sixty minutes of work."
CORRECTIONS = [
    MISLABELLED,
    "Thanks to offline mode, your field crews never lose a form when the signal drops.",
    "Automatic retries mean a failed payment never turns into a lost subscriber.",
    "Scheduled exports land in your inbox every Monday, so you never start the week without the numbers.",
    "With live inventory sync, you never sell an item you no longer have.",
    "Smart reminders mean your patients never forget an appointment.",
]
#: A vandal's export: this many train documents relabelled wrongly.
VANDALIZED = 240


# --- Merging corrections (no training) ------------------------------------------------------


def doc(doc_id: str, text: str, label: str, sentences: tuple[SentenceLabel, ...] = ()) -> Document:
    return Document(id=doc_id, text=text, label=label, sentences=sentences)


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


TRAIN = [
    doc("blog-1", "Our dashboard shows every shipment on a map.", "feature-pitch"),
    doc(
        "blog-2",
        "Paper logs fail audits. Our app keeps the log for you.",
        "case-for-change",
        (SentenceLabel(0, 23, "case-for-change", ("why_change",)), SentenceLabel(24, 54, "feature-pitch")),
    ),
]
HELD_OUT = [doc("test-1", "We opened an office in Leeds.", "awareness-only")]


def test_corrections_are_deduplicated_and_win_over_the_corpus(tmp_path: Path) -> None:
    first = write_records(
        tmp_path / "a.jsonl",
        [
            {"text": "Join our webinar on Friday.", "label": "feature-pitch"},
            {"text": "  JOIN our webinar   on Friday. ", "label": "awareness-only"},  # same text, normalized
            {"text": "our dashboard shows every shipment on a map.", "label": "awareness-only"},
            {"text": "We opened an office in Leeds.", "label": "case-for-change"},
        ],
    )
    second = write_records(tmp_path / "b.jsonl", [{"text": "Join our webinar on Friday.", "label": "awareness-only"}])

    merged, record, held_out_for_gate = merge_feedback(TRAIN, HELD_OUT, [first, second], holdout_share=0.2)

    by_text = {text_key(d.text): d for d in merged}
    webinar = by_text[text_key("Join our webinar on Friday.")]
    assert webinar.label == "awareness-only" and webinar.id.startswith("feedback-") and webinar.batch == "feedback"
    relabelled = by_text[text_key(TRAIN[0].text)]
    assert (relabelled.id, relabelled.label) == ("blog-1", "awareness-only")  # keeps its id, so its writer
    assert text_key(HELD_OUT[0].text) not in by_text  # a test-split text is never trained on
    assert len(merged) == 3 and [d.id for d in merged] == sorted(d.id for d in merged)
    assert held_out_for_gate == []  # one correction of a new text: a fifth of it is none
    counts = {"duplicates_dropped": 0, "held_out": 0, "held_out_for_gate": 0}
    assert [{k: v for k, v in r.items() if k != "sha256"} for r in record] == [
        {
            "file": "a.jsonl",
            "records": 4,
            "added": 0,
            "overriding": 1,
            **counts,
            "duplicates_dropped": 2,
            "held_out": 1,
        },
        {"file": "b.jsonl", "records": 1, "added": 1, "overriding": 0, **counts},
    ]
    assert record[0]["sha256"] != record[1]["sha256"] and len(record[0]["sha256"]) == 64


def test_sentence_corrections_override_the_sentence_labels_they_cover(tmp_path: Path) -> None:
    text = TRAIN[1].text
    exported = write_records(  # the shape `analyzer feedback export` writes: every sentence covered
        tmp_path / "feedback.jsonl",
        [
            {
                "id": "feedback-1",
                "text": text,
                "label": "case-for-change",
                "source": "feedback",
                "sentences": [
                    {"start": 0, "end": 23, "label": "case-for-change", "rubric": []},  # fill-in
                    {"start": 24, "end": 54, "label": "awareness-only", "rubric": []},  # the correction
                ],
                "feedback": {"label_from": "model", "corrections": 1},
            },
            {"text": "Stop guessing. Our scanner counts stock. Try it.", "label": "feature-pitch"}
            | {"sentences": [{"start": 15, "end": 40, "label": "feature-pitch"}]},
        ],
    )
    merged, _, _ = merge_feedback(TRAIN, HELD_OUT, [exported])
    by_text = {d.text: d for d in merged}
    corrected = by_text[text]
    # The corrected sentence takes its new label; the writer's span and rubric mark stay beside it.
    assert [(s.start, s.end, s.label, s.rubric) for s in corrected.sentences] == [
        (0, 23, "case-for-change", ("why_change",)),
        (24, 54, "awareness-only", ()),
    ]
    # One marked sentence in a new text: the others take the document's label, not their neighbour's.
    partial = by_text["Stop guessing. Our scanner counts stock. Try it."]
    assert [(s.start, s.end, s.label) for s in partial.sentences] == [
        (0, 15, "feature-pitch"),
        (15, 40, "feature-pitch"),
        (40, 48, "feature-pitch"),
    ]
    # A document-level correction keeps the writer's sentence labels.
    relabel = write_records(tmp_path / "doc.jsonl", [{"text": text, "label": "feature-pitch"}])
    [kept] = [d for d in merge_feedback(TRAIN, HELD_OUT, [relabel])[0] if d.text == text]
    assert kept.label == "feature-pitch" and kept.sentences == TRAIN[1].sentences


def test_the_newest_corrections_of_new_texts_are_held_out_for_the_gate(tmp_path: Path) -> None:
    # Ten new texts corrected on days 1-10, written out of order; two corrections of train texts.
    days = [3, 10, 1, 7, 2, 9, 4, 8, 6, 5]
    records = [
        {
            "text": f"Draft number {day} says something new.",
            "label": "feature-pitch",
            "feedback": {"last_corrected_at": f"2026-03-{day:02d}T09:00:00+00:00"},
        }
        for day in days
    ] + [
        {"text": TRAIN[0].text, "label": "awareness-only", "feedback": {"last_corrected_at": "2026-03-30T09:00:00"}},
        {"text": HELD_OUT[0].text, "label": "feature-pitch"},
    ]
    exported = write_records(tmp_path / "feedback.jsonl", records)

    merged, [record], for_gate = merge_feedback(TRAIN, HELD_OUT, [exported], holdout_share=0.2)

    assert sorted(d.text for d in for_gate) == [
        "Draft number 10 says something new.",
        "Draft number 9 says something new.",
    ]
    assert not {text_key(d.text) for d in for_gate} & {text_key(d.text) for d in merged}  # never trained on
    # A correction of a train text is trained on even when it is the newest: every model saw that text.
    assert {d.text: d.label for d in merged}[TRAIN[0].text] == "awareness-only"
    assert (record["added"], record["overriding"], record["held_out"], record["held_out_for_gate"]) == (8, 1, 1, 2)
    # Without dates, the file's order says which are newest; fewer than five new texts hold none out.
    undated = write_records(tmp_path / "undated.jsonl", [{k: r[k] for k in ("text", "label")} for r in records])
    assert sorted(d.text for d in merge_feedback(TRAIN, HELD_OUT, [undated], 0.2)[2]) == [
        "Draft number 5 says something new.",
        "Draft number 6 says something new.",
    ]
    assert merge_feedback(TRAIN, HELD_OUT, [write_records(tmp_path / "few.jsonl", records[:4])], 0.2)[2] == []


def test_bad_feedback_records_are_refused_with_their_line(tmp_path: Path) -> None:
    bad = write_records(
        tmp_path / "bad.jsonl", [{"text": "Fine.", "label": "feature-pitch"}, {"text": "x", "label": "spam"}]
    )
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2: 'label' must be one of"):
        merge_feedback(TRAIN, HELD_OUT, [bad])
    result = _cli(_clean_env(), "train", "--with-feedback", str(bad), "--out", str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "bad.jsonl:2" in result.stderr and "Traceback" not in result.stderr


def test_retrain_versions_are_new_and_never_overwrite(tmp_path: Path) -> None:
    assert next_version(tmp_path, "1.3.0") == "1.3.0-r1"
    (tmp_path / "messaging-1.3.0-r1").mkdir()
    (tmp_path / ".messaging-1.3.0-r3.partial-99").mkdir()  # being written right now
    assert next_version(tmp_path, "1.3.0") == "1.3.0-r4"
    assert next_version(tmp_path, "1.3.0-r7") == "1.3.0-r8"
    feedback = write_records(tmp_path / "f.jsonl", [{"text": MISLABELLED, "label": "feature-pitch"}])
    taken = _cli(
        _clean_env(), "train", "--with-feedback", str(feedback), "--out", str(tmp_path), "--version", "1.3.0-r1"
    )
    assert taken.returncode == 2 and "never overwrites" in taken.stderr


# --- The loop, end to end -------------------------------------------------------------------


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without ANALYZER_* (a developer's settings must not leak in),
    but where the session's resident workers live (tests/conftest.py stops them)."""
    from analyzer.cli.resident.place import KEYLESS_ENV

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYZER_") or k in KEYLESS_ENV}
    # One BLAS thread: on a shared 2-core machine the threads mostly spin (the sentence model's
    # fit took 3x the CPU with them). It changes the last bits of the fitted weights (a retrain
    # is byte-reproducible per thread count), not the labels and figures checked here.
    return {**env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **extra}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANALYZER, *args], env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def loop_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A models folder holding a copy of the bundled model, an empty data folder, keys."""
    root = tmp_path_factory.mktemp("loop")
    shutil.copytree(DEFAULT_MODEL_DIR, root / "models" / DEFAULT_MODEL_DIR.name)
    return _clean_env(
        ANALYZER_MODELS_DIR=str(root / "models"),
        ANALYZER_DATA_DIR=str(root / "data"),
        ANALYZER_API_KEYS="editor:editor-key-41c7e2a9",
        ANALYZER_ADMIN_KEYS="ops:admin-key-9b3f6d05",
        ANALYZER_RATE_LIMIT_PER_MINUTE="0",
        ANALYZER_ADMIN_RATE_LIMIT_PER_MINUTE="0",
    )


class Server:
    """A real `analyzer serve` process and ways to talk to each of its workers."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [ANALYZER, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=120)

    def fresh(self) -> httpx.Client:
        """A client opening a new connection per request, so requests spread over the workers."""
        return httpx.Client(base_url=self.url, timeout=120, limits=httpx.Limits(max_keepalive_connections=0))

    def workers(self, requests: int = 12) -> dict[int, str | None]:
        """{worker pid: the model version it serves} from `requests` fresh connections."""
        seen: dict[int, str | None] = {}
        with self.fresh() as client:
            for _ in range(requests):
                status = client.get("/v1/admin/status", headers=ADMIN).json()
                seen[status["worker"]] = status["model"]["version"] if status["model"] else None
        return seen

    def wait_until(self, versions: set[str | None], workers: int, timeout: float = 180) -> dict[int, str | None]:
        """Every one of `workers` workers seen, all serving a version in `versions`."""
        deadline = time.monotonic() + timeout
        seen: dict[int, str | None] = {}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                seen = self.workers()
            except (httpx.TransportError, KeyError, json.JSONDecodeError):
                seen = {}
            if len(seen) == workers and set(seen.values()) <= versions:
                return seen
            time.sleep(0.5)
        self.log.flush()
        pytest.fail(f"workers {seen} never all served {versions}: {Path(self.log.name).read_text()[-3000:]}")

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def server(loop_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started = Server(loop_env, workers=2, log=tmp_path_factory.mktemp("server") / "server.log")
    try:
        started.wait_until({"1.3.0"}, workers=2)
        yield started
    finally:
        started.stop()


def _label(server: Server, text: str) -> tuple[str, str]:
    """(label, model version) of `/v1/analyze` for `text`."""
    response = server.client.post("/v1/analyze", headers=EDITOR, json={"text": text, "options": {"suggestions": False}})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["label"], body["model"]["version"]


def _vandal_records(count: int) -> list[dict[str, Any]]:
    """`count` train documents, each relabelled to the next label: deliberately wrong corrections."""
    split = json.loads((CORPUS_DIR / "split.json").read_text(encoding="utf-8"))
    train = set(split["train"])
    docs = [d for d in load_labeled(CORPUS_DIR / "corpus.jsonl") if d.id in train][:count]
    return [{"text": d.text, "label": LABELS[(LABELS.index(d.label) + 1) % len(LABELS)]} for d in docs]


@pytest.mark.slow
def test_editor_corrections_reach_the_served_model(
    server: Server, loop_env: dict[str, str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    models = Path(loop_env["ANALYZER_MODELS_DIR"])

    # 1. The served model reads a product benefit as a case for change.
    assert _label(server, MISLABELLED) == ("case-for-change", "1.3.0")

    # 2. The editor corrects it, and the same mistake on five other texts, through the API.
    for text in CORRECTIONS:
        posted = server.client.post(
            "/v1/feedback",
            headers=EDITOR,
            json={"text": text, "label": "feature-pitch", "model_version": "messaging-1.3.0", "comment": "a benefit"},
        )
        assert posted.status_code == 201, posted.text
    listed = server.client.get("/v1/feedback", headers=EDITOR, params={"limit": 50}).json()["items"]
    assert len(listed) == len(CORRECTIONS) and {item["reviewer"] for item in listed} == {"editor"}

    # 3. Exported as corpus records.
    exported = tmp_path / "feedback.jsonl"
    export = _cli(loop_env, "feedback", "export", "--out", str(exported))
    assert export.returncode == 0, export.stderr
    records = load_labeled(exported)
    assert sorted(d.text for d in records) == sorted(CORRECTIONS) and {d.label for d in records} == {"feature-pitch"}

    # 4. A retrain on them: a new version beside the bundled one, which stays as it was.
    bundled_before = (DEFAULT_MODEL_DIR / ARTIFACT).stat().st_mtime_ns, (DEFAULT_MODEL_DIR / CARD).read_bytes()
    trained = _cli(loop_env, "train", "--with-feedback", str(exported))
    assert trained.returncode == 0, trained.stderr
    candidate = models / "messaging-1.3.0-r1"
    assert f"wrote {candidate}" in trained.stdout
    assert "beside 1.3.0 (in service)" in trained.stdout and "the gate would promote it" in trained.stdout
    card = read_card(candidate)
    assert card["base"] == {
        "version": "1.3.0",
        "directory": DEFAULT_MODEL_DIR.name,
        "reused": ["hyperparameters", "sentence_model", "analysis"],
    }
    # The newest fifth of the corrections (one: the last one posted) is held out for the gate.
    [fed] = card["training_data"]["feedback"]
    assert (fed["file"], fed["records"], fed["added"], fed["overriding"], fed["held_out_for_gate"]) == (
        "feedback.jsonl",
        6,
        5,
        0,
        1,
    )
    assert card["training_data"]["documents"] == card["corpus"]["train"] + len(CORRECTIONS) - 1
    assert card["evaluation_data"]["test"]["sha256"] == card["corpus"]["sha256"]
    assert [d.text for d in load_labeled(candidate / HELDOUT_FILE)] == [CORRECTIONS[-1]]
    assert card["evaluation_data"]["corrections"]["documents"] == 1 and card["metrics"]["corrections"]["n"] == 1
    assert "held-out corrections (1, never trained on): accuracy" in trained.stdout
    assert "devset" in card["metrics"] or "devset: not measured (put the real-world dev set at" in trained.stdout
    bundled_after = (DEFAULT_MODEL_DIR / ARTIFACT).stat().st_mtime_ns, (DEFAULT_MODEL_DIR / CARD).read_bytes()
    assert bundled_after == bundled_before

    # 5. A vandal's export (wrong labels for 240 train documents): a harmful candidate.
    vandal = tmp_path / "vandal.jsonl"
    vandal.write_text("".join(json.dumps(r) + "\n" for r in _vandal_records(VANDALIZED)), encoding="utf-8")
    harmful = _cli(loop_env, "train", "--with-feedback", str(vandal), "--version", "1.3.0-vandal")
    assert harmful.returncode == 0, harmful.stderr
    assert "the gate would refuse it" in harmful.stdout
    # Its corrections all relabel train texts: none can be held out, and the gate says so.
    assert "none held out by 1.3.0-vandal, so the gate compares on the corpus test split alone" in harmful.stdout
    assert read_card(models / "messaging-1.3.0-vandal")["training_data"]["feedback"][0]["overriding"] == VANDALIZED

    # 6. The gate: the harmful candidate is refused with its figures, the helpful one promoted.
    refused = _cli(loop_env, "models", "promote", "1.3.0-vandal")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "refused: 1.3.0-vandal is worse than 1.3.0" in refused.stderr and "macro-F1" in refused.stderr
    assert not (models / POINTER).exists()
    promoted = _cli(loop_env, "models", "promote", "1.3.0-r1", "--reason", "editor: benefits are feature pitches")
    assert promoted.returncode == 0, promoted.stderr
    assert json.loads((models / POINTER).read_text())["version"] == "1.3.0-r1"
    listing = _cli(loop_env, "models", "list").stdout
    assert any(line.startswith("1.3.0-r1 ") and line.endswith("promoted") for line in listing.splitlines()), listing

    # Promotion alone changes no running worker: they serve 1.3.0 until reloaded.
    assert set(server.workers().values()) == {"1.3.0"}

    # 7. Reload while two clients hammer /v1/classify on fresh connections: nothing dropped.
    statuses: list[int] = []
    labels: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with server.fresh() as client:
            while not stop.is_set():
                response = client.post(
                    "/v1/classify", headers=EDITOR, json={"documents": [{"id": "a", "text": MISLABELLED}]}
                )
                statuses.append(response.status_code)
                if response.status_code == 200:
                    labels.append(response.json()["results"][0]["label"])

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        reloaded = server.client.post("/v1/admin/reload", headers=ADMIN)
        assert reloaded.status_code == 200, reloaded.text
        body = reloaded.json()
        assert body["previous"]["version"] == "1.3.0" and body["model"]["version"] == "1.3.0-r1"
        assert body["model"]["directory"] == str(candidate)
        # The other worker follows the signal: every worker serves the new version.
        server.wait_until({"1.3.0-r1"}, workers=2, timeout=120)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert labels[0] == "case-for-change" and labels[-1] == "feature-pitch"
    with server.fresh() as client:
        readiness = [client.get("/readyz").json()["model"]["version"] for _ in range(10)]
    assert set(readiness) == {"1.3.0-r1"}

    # 8. The corrected text is now labelled as the editor said.
    assert _label(server, MISLABELLED) == ("feature-pitch", "1.3.0-r1")

    # 9. A restarted service starts on the promoted version.
    restarted = Server(loop_env, workers=1, log=tmp_path_factory.mktemp("restart") / "server.log")
    try:
        restarted.wait_until({"1.3.0-r1"}, workers=1)
    finally:
        restarted.stop()


@pytest.mark.slow
def test_admin_endpoints_need_an_admin_key(server: Server) -> None:
    for headers, status in [({}, 401), ({"Authorization": "Bearer nope"}, 401), (EDITOR, 403)]:
        for method, path in [("POST", "/v1/admin/reload"), ("GET", "/v1/admin/status")]:
            response = server.client.request(method, path, headers=headers)
            assert response.status_code == status, (headers, path, response.text)
            assert response.json()["error"]["code"] == {401: "unauthorized", 403: "forbidden"}[status]
    assert server.client.get("/v1/admin/status", headers=ADMIN).status_code == 200
    log = Path(server.log.name).read_text(encoding="utf-8")
    assert "admin-key-9b3f6d05" not in log and "editor-key-41c7e2a9" not in log


@pytest.mark.slow
def test_a_model_that_fails_to_load_is_not_swapped_in(
    server: Server, loop_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    models = Path(loop_env["ANALYZER_MODELS_DIR"])
    pointer = models / POINTER
    before = pointer.read_bytes() if pointer.exists() else None
    serving = set(server.workers().values())
    broken = registry.version_dir(models, "1.3.0-tampered")
    shutil.copytree(DEFAULT_MODEL_DIR, broken)
    card = read_card(broken)
    (broken / CARD).write_text(json.dumps({**card, "version": "1.3.0-tampered"}), encoding="utf-8")
    data = bytearray((broken / ARTIFACT).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (broken / ARTIFACT).write_bytes(bytes(data))
    registry.promote(
        models, "1.3.0-tampered", registry.EvaluationData(CORPUS_DIR), force=True, reason="a broken version"
    )
    try:
        response = server.client.post("/v1/admin/reload", headers=ADMIN)
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "reload_failed"
        assert "still serving" in error["message"] and "does not match its card" in error["message"]
        time.sleep(2.5)  # no signal went out: the other worker has nothing to follow
        assert set(server.workers().values()) == serving
    finally:
        if before is None:
            pointer.unlink()
        else:
            pointer.write_bytes(before)
        shutil.rmtree(broken)
