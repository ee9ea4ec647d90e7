"""The resident worker, end to end: real commands, real workers, real sockets and files.

Most tests use the session's worker folder (tests/conftest.py); those that start, kill or
stop workers get a folder of their own, and stop whatever they started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from analyzer.cli.resident import wire
from analyzer.cli.resident.client import alive, records, stop
from analyzer.cli.resident.place import Place, ResidentUnavailableError, private_dir, worker_key
from analyzer.model.paths import DEFAULT_MODEL_DIR, resolve_model_dir
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

EXAMPLES = sorted(str(p) for p in (ROOT / "examples").iterdir())
CHANGE, FEATURES = str(ROOT / "examples" / "manual-invoicing.md"), str(ROOT / "examples" / "scheduling-features.md")
HEAVY = {"sklearn", "spacy", "numpy", "scipy", "fastapi", "joblib", "thinc"}


@pytest.fixture
def folder() -> Iterator[Path]:
    """A private folder of this test's (short: a socket's path has to fit 107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="az-"))
    yield path
    for record, _ in records(path):
        stop(Place(path, record.stem))
    shutil.rmtree(path)


def in_folder(folder: Path, **extra: str) -> dict[str, str]:
    return {"ANALYZER_RESIDENT_DIR": str(folder), **extra}


def workers(folder: Path) -> list[int]:
    """The pids of the workers that run in the folder."""
    return [record["pid"] for _, record in records(folder) if alive(record["pid"])]


def wait_for(condition: object, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


def session_worker(resident_workers: Path) -> int:
    """The session's worker for the bundled model, started if none runs yet. Others may still
    run in the folder for a minute: the README's examples pin ANALYZER_MODEL_DIR, a key of
    their own."""
    assert run_cli("classify", EXAMPLES[0]).returncode == 0
    key = worker_key(resolve_model_dir(None).resolve())
    [pid] = [record["pid"] for path, record in records(resident_workers) if path.stem == key and alive(record["pid"])]
    return pid


@pytest.mark.parametrize(
    "args",
    [
        ["classify", *EXAMPLES],
        ["classify", "--format", "table", *EXAMPLES, "missing.txt"],
        ["analyze", CHANGE, FEATURES],
        ["analyze", "--format", "json", "--no-suggestions", FEATURES, "draft.xyz", "missing.md", "empty.md", CHANGE],
        ["check", CHANGE, FEATURES, "empty.md"],
        ["check", "--format", "github", "--allow", "case-for-change", FEATURES, "draft.xyz"],
        ["check", "--format", "json", "--min-score", "90", CHANGE],
    ],
    ids=["classify", "classify-table-missing", "analyze", "analyze-json-errors", "check", "check-github", "check-json"],
)
def test_the_worker_prints_what_the_command_prints_in_process(
    args: list[str], tmp_path: Path, resident_workers: Path
) -> None:
    (tmp_path / "draft.xyz").write_text("Our rota app now exports payroll.", encoding="utf-8")
    (tmp_path / "empty.md").write_bytes(b"")
    args = [str(tmp_path / a) if a in {"draft.xyz", "missing.md", "missing.txt", "empty.md"} else a for a in args]
    resident = run_cli(*args)
    assert workers(resident_workers), "the command did not hand its work to a worker"
    alone = run_cli(*args, env={"ANALYZER_RESIDENT": "0"})
    assert (resident.stdout, resident.stderr, resident.returncode) == (alone.stdout, alone.stderr, alone.returncode)
    assert alone.stdout and "Traceback" not in alone.stderr


def test_a_command_run_through_the_worker_imports_no_heavy_library(resident_workers: Path) -> None:
    session_worker(resident_workers)
    script = (
        "import sys\n"
        "from analyzer.cli import main\n"
        f"for args in (['classify', {CHANGE!r}], ['analyze', {CHANGE!r}], ['check', {CHANGE!r}]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "case-for-change" in result.stdout  # the three commands printed their answers
    loaded = set(result.stdout.split("MODULES ")[1].split())
    assert not loaded & HEAVY, loaded & HEAVY


def test_errors_come_from_the_command_and_start_no_worker(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "draft.xyz").write_text("Our rota app now exports payroll.", encoding="utf-8")
    env = in_folder(folder)
    result = run_cli("classify", str(tmp_path / "missing.txt"), str(tmp_path), env=env)
    assert result.returncode == 2 and "No such file" in result.stderr and "is a directory" in result.stderr
    refused = run_cli("analyze", str(tmp_path / "draft.xyz"), env=env)
    assert refused.returncode == 2 and "is not a format the analyzer reads" in refused.stderr
    checked = run_cli("check", str(tmp_path / "draft.xyz"), env=env)
    assert checked.returncode == 2 and "is not a format the analyzer reads" in checked.stdout
    assert not list(folder.glob("*.sock")) and not records(folder)


def test_no_resident_and_the_variable_run_in_process(folder: Path) -> None:
    assert run_cli("classify", "--no-resident", CHANGE, env=in_folder(folder)).returncode == 0
    assert run_cli("classify", CHANGE, env=in_folder(folder, ANALYZER_RESIDENT="0")).returncode == 0
    assert not list(folder.glob("*.sock")) and not records(folder)
    wrong = run_cli("classify", CHANGE, env=in_folder(folder, ANALYZER_RESIDENT="maybe"))
    assert wrong.returncode == 2 and "ANALYZER_RESIDENT='maybe' is neither 1 nor 0" in wrong.stderr


def test_an_unsafe_folder_is_refused_and_the_command_runs_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("ANALYZER_RESIDENT_DIR", str(link))
    with pytest.raises(ResidentUnavailableError, match="symbolic link") as refused:
        private_dir()
    assert refused.value.unsafe
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    open_folder.chmod(0o770)
    monkeypatch.setenv("ANALYZER_RESIDENT_DIR", str(open_folder))
    with pytest.raises(ResidentUnavailableError, match="open to others"):
        private_dir()
    if os.getuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        os.chown(theirs, 4321, 4321)
        monkeypatch.setenv("ANALYZER_RESIDENT_DIR", str(theirs))
        with pytest.raises(ResidentUnavailableError, match="belongs to uid 4321"):
            private_dir()
    fresh = tmp_path / "made" / "here"
    monkeypatch.setenv("ANALYZER_RESIDENT_DIR", str(fresh))
    assert private_dir() == fresh and (fresh.stat().st_mode & 0o777) == 0o700
    # The command says why, once, and answers in-process.
    result = run_cli("classify", CHANGE, env={"ANALYZER_RESIDENT_DIR": str(link)})
    assert result.returncode == 0 and '"label": "case-for-change"' in result.stdout
    assert result.stderr.startswith("warning: no resident worker:") and "symbolic link" in result.stderr
    assert not list(real.iterdir())


def request(place_socket: Path, frame: bytes) -> bytes:
    """What the worker answers to raw bytes (b"" if it hangs up without a word)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(str(place_socket))
        chunks = []
        try:
            sock.sendall(frame)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (BrokenPipeError, ConnectionResetError):  # closed with our bytes unread: no answer either
            pass
    return b"".join(chunks)


def as_stranger(place: Place, frame: bytes) -> str:
    """What the worker answers a process of uid 65534 (forked from this one, as root)."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe and never returns
        try:
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, f"{len(request(place.socket, frame))} bytes".encode())
        except BaseException as exc:
            os.write(write_end, repr(exc).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as report:
        answer = report.read().decode()
    os.waitpid(child, 0)
    return answer


def test_the_worker_bounds_requests_and_listens_on_no_tcp(resident_workers: Path) -> None:
    pid = session_worker(resident_workers)
    place = Place(resident_workers, worker_key(resolve_model_dir(None).resolve()))
    # A frame announcing more than the bound is dropped unread; the worker serves the next one.
    assert request(place.socket, struct.pack(">4sI", wire.MAGIC, wire.MAX_REQUEST + 1)) == b""
    assert request(place.socket, b"GET / HTTP/1.0\r\n\r\n") == b""
    status = request(place.socket, wire.encode({"job": "status", "key": place.key}))
    assert json.loads(status[8:])["pid"] == pid
    other_key = request(place.socket, wire.encode({"job": "status", "key": "0" * 32}))
    assert "refused" in json.loads(other_key[8:])
    assert psutil.Process(pid).net_connections(kind="inet") == []


@pytest.mark.skipif(os.getuid() != 0, reason="only root can connect as another user")
def test_the_worker_hangs_up_on_another_user(folder: Path) -> None:
    assert run_cli("classify", CHANGE, env=in_folder(folder)).returncode == 0
    [(record_path, _)] = records(folder)
    place = Place(folder, record_path.stem)
    try:  # let a stranger reach the socket, as a mistaken chmod would
        folder.chmod(0o711)
        place.socket.chmod(0o777)
        answer = as_stranger(place, wire.encode({"job": "status", "key": place.key}))
    finally:
        folder.chmod(0o700)
        place.socket.chmod(0o700)
    assert answer == "0 bytes"  # connected, and hung up on without a word
    assert "refused a connection from uid 65534" in place.log.read_text(encoding="utf-8")


def test_two_commands_at_once_start_one_detached_worker_and_stop_leaves_none(folder: Path) -> None:
    env = {**os.environ, **in_folder(folder)}
    analyzer = str(Path(sys.executable).parent / "analyzer")
    started = [
        subprocess.Popen([analyzer, "classify", path], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for path in (CHANGE, FEATURES, CHANGE)
    ]
    outputs = [process.communicate(timeout=600) for process in started]
    assert [process.returncode for process in started] == [0, 0, 0], outputs
    [pid] = workers(folder)
    assert (folder / "resident.log").read_text(encoding="utf-8").count("serving") == 1
    # Detached: its own session, stdin from /dev/null, output to the log, never a caller's pipe.
    assert os.getsid(pid) == pid != os.getsid(0)
    fds = {n: os.readlink(f"/proc/{pid}/fd/{n}") for n in (0, 1, 2)}
    assert fds == {0: "/dev/null", 1: str(folder / "resident.log"), 2: str(folder / "resident.log")}
    status = run_cli("resident", "status", env=in_folder(folder))
    assert f"pid {pid}" in status.stdout and str(DEFAULT_MODEL_DIR) in status.stdout
    stopped = run_cli("resident", "stop", env=in_folder(folder))
    assert stopped.returncode == 0 and f"stopped pid {pid}" in stopped.stdout
    assert not alive(pid)
    assert not list(folder.glob("*.sock")) and not records(folder)
    assert "no resident worker" in run_cli("resident", "status", env=in_folder(folder)).stdout


def test_a_crashed_worker_and_its_stale_socket_are_replaced(folder: Path) -> None:
    env = in_folder(folder)
    first = run_cli("classify", CHANGE, env=env)
    [pid] = workers(folder)
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: not alive(pid))
    assert list(folder.glob("*.sock")), "a killed worker leaves its socket behind"
    again = run_cli("classify", CHANGE, env=env)
    assert again.stdout == first.stdout and again.returncode == 0
    [replacement] = workers(folder)
    assert replacement != pid


def test_a_changed_manifest_gets_a_fresh_worker_and_the_old_one_exits(folder: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    env = in_folder(folder, ANALYZER_MODEL_DIR=str(model))
    assert run_cli("classify", CHANGE, env=env).returncode == 0
    [old] = workers(folder)
    [(record, _)] = records(folder)
    old_place = Place(folder, record.stem)
    card = model / "model-card.json"
    card.write_text(card.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # as a promote or retrain would
    # A command that computed its key just before the change is refused, not answered by the old model.
    try:
        late = request(old_place.socket, wire.encode({"job": "classify", "key": old_place.key, "payload": {}}))
        assert "refused" in json.loads(late[8:]) and b"changed on disk" in late
    except (FileNotFoundError, ConnectionRefusedError):
        pass  # or the worker had already noticed, and gone
    assert run_cli("classify", CHANGE, env=env).returncode == 0
    assert wait_for(lambda: not alive(old), 30), "the worker of the old manifest still runs"
    [new] = workers(folder)
    assert new != old
    assert "the model or the code changed on disk" in (folder / "resident.log").read_text(encoding="utf-8")


def test_a_tampered_model_is_refused_by_the_worker_as_in_process(folder: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    with (model / "model.joblib").open("ab") as handle:
        handle.write(b"\x00")
    args = ["classify", "--model", str(model), CHANGE]
    resident = run_cli(*args, env=in_folder(folder))
    alone = run_cli(*args, env=in_folder(folder, ANALYZER_RESIDENT="0"))
    assert resident.returncode == alone.returncode == 2
    assert resident.stderr == alone.stderr and "does not match its card" in resident.stderr
    assert not workers(folder) and "refused the model" in (folder / "resident.log").read_text(encoding="utf-8")


def test_an_idle_worker_exits(folder: Path) -> None:
    assert run_cli("classify", CHANGE, env=in_folder(folder, ANALYZER_RESIDENT_IDLE_SECONDS="2")).returncode == 0
    [pid] = workers(folder)
    assert wait_for(lambda: not alive(pid), 60)
    assert "exiting: idle for 2 s" in (folder / "resident.log").read_text(encoding="utf-8")
    assert not list(folder.glob("*.sock"))


def test_the_worker_key_is_the_same_however_the_interpreter_is_spelled() -> None:
    """pip 26 writes ".venv/bin/python3" into the commands it installs; a script run with
    ".venv/bin/python" must still find the same worker, not start a second one."""
    script = (
        "from analyzer.cli.resident.place import worker_key\n"
        "from analyzer.model.paths import DEFAULT_MODEL_DIR, resolve_model_dir\n"
        "print(worker_key(DEFAULT_MODEL_DIR))\n"
    )
    spellings = [Path(sys.executable).parent / name for name in ("python", "python3", "python3.11")]
    keys = {
        subprocess.run([str(path), "-c", script], capture_output=True, text=True, check=True).stdout
        for path in spellings
        if path.exists()
    }
    assert len([p for p in spellings if p.exists()]) >= 2 and len(keys) == 1, keys
