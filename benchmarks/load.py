"""Load on a real `analyzer serve --workers 2`: throughput, latency and errors.

    load.py [--seconds 8]   closed loop with wrk (Python clients without it): req/s and latency
                            at concurrency 1, 8 and 32
    load.py --knee          open loop at fixed rates: the throughput knee of classify and analyze,
                            then req/s, p50/p99 and errors at 50%, 80% and 100% of it
    load.py --smoke         for CI: a few seconds at a low rate per endpoint; exit 1 on any error

The open-loop generator sends each request at its due time whether or not the earlier ones
have been answered (a closed loop slows down with the server and hides its queue), and times
each request from that due time, so waiting for a free connection counts too. It speaks
HTTP/1.1 over asyncio streams with requests encoded in advance: httpx spends more CPU per
request than the server's classify does, on the same two cores. Its own cost is printed with
every row: how late it sent (p99) and the share of a core it used.

soak.py and faults.py build on `Service` and `open_loop` here. Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from harness import documents

from analyzer.model.paths import DEFAULT_MODEL_DIR

ANALYZER = str(Path(sys.executable).parent / "analyzer")
CONCURRENCY = (1, 8, 32)
#: uvicorn prints one of each per worker; a replacement worker prints them again.
STARTED = re.compile(r"Started server process \[(\d+)\]")
STARTUP_COMPLETE = "Application startup complete."
#: The knee search: rates grow by this factor until the server stops keeping up, then bisect.
GROWTH = 1.5
BISECTIONS = 3
#: Keeping up: this share of the offered rate answered, no errors, p99 under the ceiling.
KEEP_UP = 0.97
#: "p99 explodes": above this multiple of the median at the lightest step (and at least 250 ms).
P99_CEILING_FACTOR = 20
LOADS = (0.5, 0.8, 1.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The server ---------------------------------------------------------------------------


class Service:
    """`analyzer serve` on a 127.0.0.1 port with the bundled model, no rate limit and a scratch
    data folder (so the analyses log starts empty); its output goes to `workdir/server.log`."""

    def __init__(
        self,
        workers: int = 2,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.workers = workers
        self.port = port or free_port()
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="analyzer-service-"))
        self.log = self.workdir / "server.log"
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 240) -> float:
        """Start the server; seconds until every worker is ready."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith("ANALYZER_")}
        env = {
            **clean,
            "ANALYZER_RATE_LIMIT_PER_MINUTE": "0",
            "ANALYZER_FEEDBACK_RATE_LIMIT_PER_MINUTE": "0",
            "ANALYZER_DATA_DIR": str(self.workdir / "data"),
            "ANALYZER_MODELS_DIR": str(self.workdir / "models"),
            **self.extra_env,
        }
        command = [ANALYZER, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        command += ["--model", str(DEFAULT_MODEL_DIR)]
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as sink:
            # A session of its own, so `kill_all` can take the whole process group down at once.
            self.process = subprocess.Popen(
                command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self.wait_ready(timeout)

    def output(self) -> str:
        """What this run of the server has printed so far."""
        with self.log.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode("utf-8", "replace")

    def ready_pids(self) -> set[int]:
        """Workers known to have finished starting, by the log.

        uvicorn's "startup complete" line carries no pid, so a worker counts as ready once
        every worker that started at or after it has printed one (exact when one starts alone,
        as a replacement does; conservative when several start together).
        """
        text = self.output()
        events = [(m.start(), int(m.group(1))) for m in STARTED.finditer(text)]
        position = text.find(STARTUP_COMPLETE)
        while position != -1:
            events.append((position, 0))  # pid 0: a "startup complete" line
            position = text.find(STARTUP_COMPLETE, position + 1)
        events.sort()
        ready = set()
        for index, (_, pid) in enumerate(events):
            later = [p for _, p in events[index:]]
            if pid and later.count(0) >= len(later) - later.count(0):
                ready.add(pid)
        return ready

    def all_ready(self) -> bool:
        pids = self.worker_pids()
        return len(pids) == self.workers and set(pids) <= self.ready_pids()

    def wait_ready(self, timeout: float) -> float:
        """Seconds until every worker has started, loaded its model, and /readyz answers 200."""
        assert self.process is not None
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            if self.all_ready():
                try:
                    if httpx.get(f"{self.base}/readyz", timeout=5).status_code == 200:
                        return time.monotonic() - began
                except httpx.HTTPError:
                    pass
            time.sleep(0.25)
        self.stop()
        raise SystemExit(f"the server was not ready in {timeout:.0f} s:\n{self.output()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """uvicorn's worker processes (its spawned children, not multiprocessing's resource tracker)."""
        if self.process is None:
            return []
        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.Error:
            return []
        pids = []
        for child in children:
            try:
                if "spawn_main" in " ".join(child.cmdline()):
                    pids.append(child.pid)
            except psutil.Error:
                continue
        return sorted(pids)

    def worker_rss(self) -> dict[int, int]:
        """Resident memory of each worker, in bytes."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                sizes[pid] = psutil.Process(pid).memory_info().rss
            except psutil.Error:
                continue
        return sizes

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM: uvicorn finishes the requests in flight, then the workers and itself exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def kill_all(self) -> None:
        """SIGKILL to the server and every worker at once: a crash, or the machine losing power."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# --- What is sent -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An endpoint and the JSON bodies sent to it in turn."""

    name: str
    path: str
    bodies: tuple[bytes, ...]


def targets(names: Sequence[str], docs: int = 32) -> list[Target]:
    """~500-word corpus documents, a different one on each request (caches see realistic traffic)."""
    texts = documents(docs)
    made = {
        "classify": lambda t: {"documents": [{"id": "doc", "text": t}]},
        "analyze": lambda t: {"text": t, "options": {"suggestions": False}},
        "analyze+suggestions": lambda t: {"text": t},
    }
    paths = {"classify": "/v1/classify", "analyze": "/v1/analyze", "analyze+suggestions": "/v1/analyze"}
    chosen = []
    for name in names:
        if name not in made:
            raise SystemExit(f"unknown endpoint {name!r}: choose from {', '.join(made)}")
        bodies = tuple(json.dumps(made[name](text)).encode() for text in texts)
        chosen.append(Target(name, paths[name], bodies))
    return chosen


def http_request(port: int, path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 POST, encoded once and sent as is."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json"]
    lines += [f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# --- The open-loop generator --------------------------------------------------------------


class Connections:
    """Keep-alive HTTP/1.1 connections to one server, at most `limit` in use at once.

    An idle connection the server has closed (a worker that died) is dropped before reuse, as
    a careful client does, so only requests actually in flight see a dead worker.
    """

    def __init__(self, port: int, limit: int) -> None:
        self.port = port
        self.slots = asyncio.Semaphore(limit)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def send(self, request: bytes, timeout: float) -> tuple[int, bytes]:
        """(status, body) of one exchange; transport failures raise."""
        async with self.slots:
            reader, writer = await self._connection()
            try:
                status, body, keep = await asyncio.wait_for(_exchange(reader, writer, request), timeout)
            except BaseException:
                writer.close()
                raise
            if keep:
                self.idle.append((reader, writer))
            else:
                writer.close()
            return status, body

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self.idle:
            reader, writer = self.idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        return await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes, bool]:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the connection")
    status = int(status_line.split()[1])
    length, chunked, keep = 0, False, True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            keep = value != "close"
    if not chunked:
        return status, await reader.readexactly(length), keep
    parts = []
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return status, b"".join(part[:-2] for part in parts), keep


def describe(exc: BaseException) -> str:
    """What happened to a request that got no HTTP answer, in the words an operator uses."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | asyncio.IncompleteReadError):
        return "connection reset"
    if isinstance(exc, OSError):
        return f"network error ({exc.strerror or exc})"
    return f"client error ({type(exc).__name__})"


@dataclass
class Outcome:
    """One request: when it was due, sent and done (the event loop's clock), and how it ended."""

    due: float
    sent: float
    done: float
    status: int  # 0: no HTTP answer (see error)
    error: str = ""
    body: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def failure(self) -> str:
        """ "" for a success; else the HTTP status or what happened to the connection."""
        if self.ok:
            return ""
        return self.error or f"HTTP {self.status}"


@dataclass
class Run:
    outcomes: list[Outcome]
    began: float
    ended: float
    client_cpu_seconds: float


async def open_loop(
    port: int,
    requests: Sequence[bytes],
    rate: float,
    seconds: float,
    *,
    limit: int = 512,
    timeout: float = 60,
    keep_bodies: bool = False,
) -> Run:
    """Send `rate` requests a second for `seconds`, request i at `began + i / rate`, cycling
    through `requests`; wait for every answer (or `timeout`)."""
    loop = asyncio.get_running_loop()
    connections = Connections(port, limit)
    outcomes: list[Outcome] = []

    async def one(request: bytes, due: float) -> None:
        sent = loop.time()
        try:
            status, body = await connections.send(request, timeout)
            outcome = Outcome(due, sent, loop.time(), status, body=body if keep_bodies else b"")
        except Exception as exc:  # every failure is a result to count, never a crash of the generator
            outcome = Outcome(due, sent, loop.time(), 0, describe(exc))
        outcomes.append(outcome)

    cpu = time.process_time()
    began = loop.time() + 0.05
    total = max(1, round(rate * seconds))
    pending: set[asyncio.Task[None]] = set()
    for number in range(total):
        due = began + number / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(requests[number % len(requests)], due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    while pending:
        await asyncio.gather(*list(pending))
    connections.close()
    ended = max(o.done for o in outcomes)
    return Run(outcomes, began, ended, time.process_time() - cpu)


# --- Figures ------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@dataclass
class Step:
    """A fixed-rate run, summed up."""

    endpoint: str
    offered: float  # requests a second asked for
    seconds: float
    requests: int
    achieved: float  # successful answers a second, over the whole run including its drain
    p50_ms: float
    p99_ms: float
    errors: int
    failures: dict[str, int]
    late_p99_ms: float  # how late the generator sent: its own lag
    client_cpu: float  # share of one core the generator used

    def keeps_up(self, ceiling_ms: float) -> bool:
        return self.errors == 0 and self.achieved >= KEEP_UP * self.offered and self.p99_ms <= ceiling_ms


def summarize(endpoint: str, rate: float, seconds: float, run: Run) -> Step:
    good = [o for o in run.outcomes if o.ok]
    latencies = [(o.done - o.due) * 1000 for o in good]
    failures: dict[str, int] = {}
    for outcome in run.outcomes:
        if not outcome.ok:
            failures[outcome.failure] = failures.get(outcome.failure, 0) + 1
    wall = max(run.ended - run.began, seconds)
    return Step(
        endpoint=endpoint,
        offered=rate,
        seconds=seconds,
        requests=len(run.outcomes),
        achieved=len(good) / wall,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        errors=len(run.outcomes) - len(good),
        failures=failures,
        late_p99_ms=percentile([(o.sent - o.due) * 1000 for o in run.outcomes], 99),
        client_cpu=run.client_cpu_seconds / wall,
    )


def measure(service: Service, target: Target, rate: float, seconds: float) -> Step:
    requests = [http_request(service.port, target.path, body) for body in target.bodies]
    run = asyncio.run(open_loop(service.port, requests, rate, seconds))
    return summarize(target.name, rate, seconds, run)


STEP_HEADER = (
    f"{'endpoint':<20}{'load':>6}{'offered':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    f"{'late p99':>10}{'client':>8}"
)


def step_row(step: Step, load: str = "") -> str:
    row = (
        f"{step.endpoint:<20}{load:>6}{step.offered:>9.1f}{step.achieved:>8.1f}{step.p50_ms:>9.1f}"
        f"{step.p99_ms:>9.1f}{step.errors:>8}{step.late_p99_ms:>9.1f} {step.client_cpu:>7.0%}"
    )
    if step.failures:
        row += "  " + ", ".join(f"{n} {kind}" for kind, n in sorted(step.failures.items()))
    return row


def find_knee(
    service: Service, target: Target, start_rate: float, step_seconds: float
) -> tuple[float, float, list[Step]]:
    """(knee rate, p99 ceiling used, every step): rates grow by GROWTH while the server keeps up,
    then BISECTIONS halvings between the last rate it kept up with and the first it did not."""
    steps: list[Step] = []

    def run(rate: float) -> Step:
        step = measure(service, target, rate, step_seconds)
        steps.append(step)
        print(step_row(step, "knee?"), flush=True)
        return step

    rate = start_rate
    first = run(rate)
    ceiling = max(250.0, P99_CEILING_FACTOR * first.p50_ms)
    while not first.keeps_up(ceiling) and rate > 1:  # started above the knee: come down first
        rate /= 2
        first = run(rate)
    if not first.keeps_up(ceiling):
        return 0.0, ceiling, steps
    good, bad = rate, 0.0
    while not bad:
        rate = good * GROWTH
        if run(rate).keeps_up(ceiling):
            good = rate
        else:
            bad = rate
    for _ in range(BISECTIONS):
        middle = (good + bad) / 2
        if run(middle).keeps_up(ceiling):
            good = middle
        else:
            bad = middle
    return good, ceiling, steps


def machine_line(workers: int, client: str) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {platform.machine()} python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {load}; analyzer serve --workers {workers}; client {client}"
    )


def knee_mode(args: argparse.Namespace) -> dict[str, Any]:
    service = Service(args.workers)
    print(f"starting the server ({service.workdir})", flush=True)
    print(f"ready in {service.start():.1f} s", flush=True)
    report: dict[str, Any] = {"machine": machine_line(args.workers, "open loop (asyncio streams)"), "endpoints": {}}
    try:
        print(report["machine"])
        print(STEP_HEADER)
        for target in targets(args.endpoints.split(",")):
            measure(service, target, args.start_rate, 5)  # warm-up: caches, the parser
            knee, ceiling, steps = find_knee(service, target, args.start_rate, args.step_seconds)
            results = [measure(service, target, knee * load, args.seconds) for load in LOADS] if knee else []
            for load, step in zip(LOADS, results, strict=True):
                print(step_row(step, f"{load:.0%}"), flush=True)
            report["endpoints"][target.name] = {
                "knee": knee,
                "p99_ceiling_ms": ceiling,
                "search": [asdict(s) for s in steps],
                "at": {f"{load:.0%}": asdict(step) for load, step in zip(LOADS, results, strict=True)},
            }
            print(f"{target.name}: knee {knee:.1f} req/s (p99 ceiling {ceiling:.0f} ms)", flush=True)
    finally:
        service.stop()
    return report


def smoke_mode(args: argparse.Namespace) -> dict[str, Any]:
    """A low, fixed rate per endpoint: the path works end to end under a little load."""
    service = Service(args.workers)
    ready = service.start()
    report: dict[str, Any] = {"ready_seconds": ready, "steps": []}
    try:
        print(STEP_HEADER)
        for target in targets(args.endpoints.split(","), docs=8):
            step = measure(service, target, args.rate, args.seconds)
            print(step_row(step), flush=True)
            report["steps"].append(asdict(step))
    finally:
        service.stop()
    report["errors"] = sum(step["errors"] for step in report["steps"])
    report["traceback_in_log"] = "Traceback" in service.output()
    return report


# --- The closed loop (wrk) ----------------------------------------------------------------


async def closed_loop(url: str, payload: dict[str, Any], requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                try:
                    response = await client.post(url, json=payload)
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": requests / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "errors": errors,
    }


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("LOAD_BODY")):read("*a")
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %f %f %f %f %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def run_wrk(url: str, payload: dict[str, Any], seconds: int, concurrency: int, workdir: Path) -> dict[str, float]:
    body, script = workdir / "body.json", workdir / "post.lua"
    body.write_text(json.dumps(payload), encoding="utf-8")
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    threads = min(2, concurrency)
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), url],
        capture_output=True,
        text=True,
        env={**os.environ, "LOAD_BODY": str(body)},
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
    rps, p50, p95, p99, errors = (float(v) for v in line.split()[1:])
    return {"rps": rps, "p50": p50, "p95": p95, "p99": p99, "errors": errors}


def concurrency_mode(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    text = documents(1)[0]
    feature_page = (Path(__file__).resolve().parent.parent / "examples" / "scheduling-features.md").read_text()
    service = Service(args.workers)
    service.start()
    cases = [
        ("classify", "/v1/classify", {"documents": [{"id": "doc", "text": text}]}, args.requests),
        ("analyze", "/v1/analyze", {"text": text, "options": {"suggestions": False}}, args.requests),
        # a feature page, so there are sentences to rewrite
        ("analyze+suggestions", "/v1/analyze", {"text": feature_page}, max(40, args.requests // 10)),
    ]
    try:
        print(machine_line(args.workers, args.client))
        size = f"{args.seconds} s" if args.client == "wrk" else "requests"
        header = ["req/s", "p50 ms", "p95 ms", "p99 ms"]
        print(f"{'endpoint':<22}{'conc':>5}{size:>9}" + "".join(f"{h:>9}" for h in header) + f"{'errors':>8}")
        for name, path, payload, count in cases:
            asyncio.run(closed_loop(service.base + path, payload, 40, 4))  # warm-up: caches, the parser
            for concurrency in CONCURRENCY:
                if args.client == "wrk":
                    r = run_wrk(service.base + path, payload, args.seconds, concurrency, workdir)
                else:
                    r = asyncio.run(closed_loop(service.base + path, payload, count, concurrency))
                amount = args.seconds if args.client == "wrk" else count
                print(
                    f"{name:<22}{concurrency:>5}{amount:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}"
                    f"{r['p95']:>9.1f}{r['p99']:>9.1f}{int(r['errors']):>8}"
                )
    finally:
        service.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--knee", action="store_true", help="find the throughput knee, then run at 50/80/100%% of it")
    mode.add_argument("--smoke", action="store_true", help="a few seconds at a low rate per endpoint (CI)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--endpoints", default=None, help="comma-separated: classify, analyze, analyze+suggestions")
    parser.add_argument("--seconds", type=float, default=None, help="each run (default: wrk 10, knee 30, smoke 4)")
    parser.add_argument("--step-seconds", type=float, default=10, help="each step of the knee search")
    parser.add_argument("--start-rate", type=float, default=10, help="the knee search's first rate (req/s)")
    parser.add_argument("--rate", type=float, default=8, help="the smoke run's rate (req/s)")
    parser.add_argument("--requests", type=int, default=400, help="requests per row of the Python closed loop")
    parser.add_argument("--client", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()

    if args.knee or args.smoke:
        args.endpoints = args.endpoints or ("classify,analyze,analyze+suggestions" if args.knee else "classify,analyze")
        args.seconds = args.seconds or (30 if args.knee else 4)
        report = knee_mode(args) if args.knee else smoke_mode(args)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if args.smoke and (report["errors"] or report["traceback_in_log"]):
            raise SystemExit(1)
        return
    args.seconds = int(args.seconds or 10)
    concurrency_mode(args)


if __name__ == "__main__":
    main()
