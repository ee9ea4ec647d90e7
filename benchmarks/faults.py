"""Faults, made on purpose, and what clients and files see.

    faults.py                           all three, full length
    faults.py --only kill-worker --short   the CI version of one

kill-worker
    `kill -9` one worker of `analyzer serve --workers 2` while load.py's open-loop generator
    sends analyses. Passes when the only failed requests are the ones in flight at the kill,
    each failed as a transport error ("connection reset", never an HTTP 5xx or a hang), the
    other worker answers throughout, and uvicorn has a replacement worker serving in time.

restart
    A client sends a library of documents through /v1/analyze with retries (on connection
    errors, 502/503/504 and 429, with backoff), writing each result to a JSON-lines file as it
    arrives, the way an audit against the API would. A third of the way through, the server is
    restarted (SIGTERM, start again); two thirds through it crashes (SIGKILL to every process)
    and is started again. Passes when every document has exactly one result, and each result is
    the analysis of that document (the title sent comes back).

full-disk
    `analyzer audit` writes its results onto a small filesystem (a tmpfs of a few pages when
    this runs as root, else a file-size limit, which fails writes with EFBIG the same way).
    Passes when the audit stops with a clear one-line error and exit code 2, every result line
    already written is whole, and `--resume` after making room ends with every document
    exactly once and the earlier lines untouched.

Exit code 0 when every scenario run passes, 1 otherwise. `--json FILE` writes the findings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from harness import documents
from load import ANALYZER, Connections, Service, describe, http_request, open_loop, targets

#: A request sent this soon after the kill may still go out on a kept-alive connection to the
#: dead worker: the client has not yet read the connection's end.
KILL_GRACE_SECONDS = 0.5
RETRY_STATUSES = (429, 502, 503, 504)


def banner(text: str) -> None:
    print(f"\n== {text}", flush=True)


def verdict(checks: dict[str, bool]) -> bool:
    for check, passed in checks.items():
        print(f"{'pass' if passed else 'FAIL'}  {check}", flush=True)
    return all(checks.values())


# --- kill -9 a worker under load ----------------------------------------------------------


def kill_worker(rate: float, seconds: float, recovery_timeout: float) -> dict[str, Any]:
    banner(f"kill -9 one worker under {rate:g} req/s of /v1/analyze for {seconds:g} s")
    service = Service(2)
    print(f"server ready in {service.start():.1f} s ({service.workdir})", flush=True)
    [target] = targets(["analyze"], docs=8)
    requests = [http_request(service.port, target.path, body) for body in target.bodies]
    try:
        asyncio.run(open_loop(service.port, requests, rate, 3))  # warm-up
        found = asyncio.run(_kill_under_load(service, requests, rate, seconds, recovery_timeout))
        served_after = service.worker_pids()
    finally:
        service.stop()
    found["workers_after"] = served_after
    found["traceback_in_log"] = "Traceback" in service.output()

    late = [f["sent_after_kill"] for f in found["failures"] if f["sent_after_kill"] > 0]
    print(
        f"worker {found['victim']} killed at {found['killed_after']:.1f} s; {found['requests']} requests, "
        f"{found['in_flight']} in flight at the kill, {len(found['failures'])} failed "
        f"({', '.join(f'{n} {k}' for k, n in found['failure_kinds'].items()) or 'none'})"
        + (f", {len(late)} of them sent {max(late) * 1000:.0f} ms or less after the kill" if late else "")
    )
    replaced = found["replaced_after"]
    print(
        f"replacement worker serving {replaced:.1f} s after the kill; longest wait for any answer "
        f"after the kill {found['longest_gap']:.2f} s"
        if replaced is not None
        else f"no replacement worker within {recovery_timeout:g} s"
    )
    only_in_flight = f"only requests in flight at the kill (or sent within {KILL_GRACE_SECONDS:g} s of it) failed"
    found["passed"] = verdict(
        {
            only_in_flight: found["unexplained"] == 0,
            "each failure is a transport error, none an HTTP error": all(f["status"] == 0 for f in found["failures"]),
            "requests sent after the kill were answered": found["answered_after_kill"] > 0,
            f"a replacement worker served within {recovery_timeout:g} s": replaced is not None,
            "two workers at the end": len(served_after) == 2 and found["victim"] not in served_after,
            "no traceback in the server's log": not found["traceback_in_log"],
        }
    )
    return found


async def _kill_under_load(
    service: Service, requests: list[bytes], rate: float, seconds: float, recovery_timeout: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    load = asyncio.create_task(open_loop(service.port, requests, rate, seconds, timeout=120))
    began = loop.time()
    await asyncio.sleep(seconds / 3)
    victim = service.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = loop.time()
    replaced_at = None
    while loop.time() - killed_at < recovery_timeout:
        if victim not in service.worker_pids() and service.all_ready():
            replaced_at = loop.time()
            break
        await asyncio.sleep(0.2)
    run = await load

    failures = [o for o in run.outcomes if not o.ok]
    unexplained = [o for o in failures if o.sent > killed_at + KILL_GRACE_SECONDS]
    answered = sorted(o.done for o in run.outcomes if o.ok and o.done >= killed_at)
    gaps = [b - a for a, b in zip([killed_at, *answered], answered, strict=False)]
    return {
        "victim": victim,
        "killed_after": killed_at - began,
        "requests": len(run.outcomes),
        "in_flight": sum(1 for o in run.outcomes if o.sent <= killed_at < o.done),
        "failures": [
            {"sent_after_kill": round(o.sent - killed_at, 3), "status": o.status, "error": o.failure} for o in failures
        ],
        "failure_kinds": dict(Counter(o.failure for o in failures)),
        "unexplained": len(unexplained),
        "answered_after_kill": sum(1 for o in run.outcomes if o.ok and o.sent > killed_at),
        "longest_gap": max(gaps, default=0.0),
        "replaced_after": None if replaced_at is None else replaced_at - killed_at,
    }


# --- restart the server while a library is sent ------------------------------------------


def restart(documents_count: int, pace: float, concurrency: int, deadline: float) -> dict[str, Any]:
    banner(f"restart and crash the server while {documents_count} documents go through /v1/analyze, {pace:g} a second")
    service = Service(2)
    print(f"server ready in {service.start():.1f} s ({service.workdir})", flush=True)
    library = [(f"doc-{n:04d}", text) for n, text in enumerate(documents(documents_count))]
    results_path = service.workdir / "results.jsonl"
    try:
        found = asyncio.run(_send_through_restarts(service, library, results_path, pace, concurrency, deadline))
    finally:
        service.stop()

    lines = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines()]
    ids = [line["id"] for line in lines]
    expected = {doc_id for doc_id, _ in library}
    found |= {
        "documents": len(library),
        "results": len(lines),
        "duplicates": len(ids) - len(set(ids)),
        "missing": sorted(expected - set(ids)),
        "mismatched": sum(1 for line in lines if line["title"] != line["id"]),
    }
    print(
        f"{found['results']} results for {found['documents']} documents; {found['attempts']} requests, "
        f"retries: {'; '.join(f'{n} {k}' for k, n in found['retries'].items()) or 'none'}; server down "
        + ", ".join(f"{event} {down:.1f} s" for event, down in found["downtime"].items())
    )
    found["passed"] = verdict(
        {
            "every document has a result": not found["missing"],
            "no document has two": found["duplicates"] == 0 and found["results"] == found["documents"],
            "each result is its document's analysis (title echoed)": found["mismatched"] == 0,
            "no document was refused for good": not found["given_up"],
            "both faults struck with documents still to send": all(n > 0 for n in found["remaining_at"].values()),
        }
    )
    return found


async def _send_through_restarts(
    service: Service,
    library: list[tuple[str, str]],
    results_path: Path,
    pace: float,
    concurrency: int,
    deadline: float,
) -> dict[str, Any]:
    """`concurrency` clients share the library at `pace` new documents a second at most, as an
    audit held to a key's rate limit would; retries are not paced (they back off instead)."""
    loop = asyncio.get_running_loop()
    connections = Connections(service.port, concurrency)
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in library:
        queue.put_nowait(item)
    done = 0
    attempts = 0
    retries: Counter[str] = Counter()
    given_up: list[str] = []
    downtime: dict[str, float] = {}
    phase = "before any restart"
    next_slot = loop.time()
    remaining: dict[str, int] = {}

    with results_path.open("a", encoding="utf-8") as results:

        async def client() -> None:
            nonlocal done, attempts
            nonlocal next_slot
            while not queue.empty():
                doc_id, text = queue.get_nowait()
                slot, next_slot = next_slot, max(next_slot, loop.time()) + 1 / pace
                await asyncio.sleep(max(0.0, slot - loop.time()))
                body = json.dumps({"text": text, "title": doc_id, "options": {"suggestions": False}}).encode()
                request = http_request(service.port, "/v1/analyze", body)
                wait, started = 0.25, loop.time()
                while True:
                    attempts += 1
                    try:
                        status, answer = await connections.send(request, timeout=120)
                    except Exception as exc:  # the server is down or went down mid-request: retry
                        status, answer, kind = 0, b"", describe(exc)
                    else:
                        kind = f"HTTP {status}"
                    if status == 200:
                        analysis = json.loads(answer)
                        line = {"id": doc_id, "title": analysis["title"], "label": analysis["label"]}
                        results.write(json.dumps(line) + "\n")
                        results.flush()
                        done += 1
                        break
                    if (status and status not in RETRY_STATUSES) or loop.time() - started > deadline:
                        given_up.append(f"{doc_id}: {kind}")
                        break
                    retries[f"{kind} ({phase})"] += 1
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, 4.0)

        async def operator() -> None:
            nonlocal phase
            total = len(library)
            for event, at, stop in (
                ("restart (SIGTERM)", total // 3, service.stop),
                ("crash (SIGKILL to all)", 2 * total // 3, service.kill_all),
            ):
                while done < at:
                    await asyncio.sleep(0.1)
                began = loop.time()
                print(f"{event} after {done} results", flush=True)
                remaining[event] = total - done
                phase = f"during the {event}"
                await asyncio.to_thread(stop)
                await asyncio.to_thread(service.start)
                downtime[event] = loop.time() - began
                phase = f"after the {event}"

        clients = [asyncio.create_task(client()) for _ in range(concurrency)]
        await asyncio.gather(operator(), *clients)
    connections.close()
    return {
        "attempts": attempts,
        "retries": dict(retries),
        "given_up": given_up,
        "downtime": downtime,
        "remaining_at": remaining,
    }


# --- a full disk while an audit writes ----------------------------------------------------


@contextlib.contextmanager
def small_filesystem(where: Path, size_kb: int) -> Iterator[tuple[str, Callable[[], None], Callable[[], None] | None]]:
    """(what it is, a preexec_fn for the process that writes, how to make room) for a small disk at `where`.

    A tmpfs when we may mount one (root); otherwise a per-file size limit: the kernel then
    fails writes past it with EFBIG where a full disk fails them with ENOSPC.
    """
    where.mkdir(parents=True, exist_ok=True)
    mounted = False
    if os.geteuid() == 0:
        mount = ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(where)]
        mounted = subprocess.run(mount, capture_output=True, check=False).returncode == 0
    if mounted:

        def grow() -> None:
            subprocess.run(["mount", "-o", "remount,size=64m", str(where)], check=True)

        try:
            yield f"a {size_kb} KB tmpfs", lambda: None, grow
        finally:
            subprocess.run(["umount", "-l", str(where)], check=False)
        return
    limit = size_kb * 1024

    def small() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    yield f"a {size_kb} KB file-size limit (not root: no tmpfs)", small, None


def full_disk(documents_count: int, size_kb: int) -> dict[str, Any]:
    banner(f"a full disk while `analyzer audit` writes the results of {documents_count} documents")
    workdir = Path(tempfile.mkdtemp(prefix="analyzer-full-disk-"))
    library = workdir / "library"
    library.mkdir()
    for n, text in enumerate(documents(documents_count)):
        (library / f"doc-{n:04d}.txt").write_text(text, encoding="utf-8")
    disk = workdir / "disk"
    out = disk / "audit"
    command = [ANALYZER, "audit", str(library), "--out", str(out), "--jobs", "1", "--quiet"]
    found: dict[str, Any] = {"documents": documents_count}
    with small_filesystem(disk, size_kb) as (kind, limit, grow):
        found["filesystem"] = kind
        print(f"writing onto {kind}", flush=True)
        full = subprocess.run(command, capture_output=True, text=True, preexec_fn=limit, timeout=900, check=False)
        errors = [line for line in full.stderr.splitlines() if line.startswith("error:")]
        written = (out / "results.jsonl").read_bytes() if (out / "results.jsonl").exists() else b""
        whole = _whole_lines(written)
        found |= {
            "exit_code": full.returncode,
            "message": errors[0] if errors else full.stderr.strip()[-500:],
            "results_at_failure": len(whole) if whole is not None else None,
        }
        print(f"exit code {full.returncode}: {found['message']}")
        if grow is not None:  # make room; without a tmpfs, room is running without the limit
            grow()
        resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=900, check=False)
        final = (out / "results.jsonl").read_bytes() if (out / "results.jsonl").exists() else b""
    records = _whole_lines(final) or []
    keys = [record["key"] for record in records]
    found |= {
        "resume_exit_code": resumed.returncode,
        "results_after_resume": len(records),
        "duplicates": len(keys) - len(set(keys)),
        "earlier_lines_untouched": final.startswith(written),
    }
    print(f"--resume: exit code {resumed.returncode}, {len(records)} results")
    found["passed"] = verdict(
        {
            "the audit stopped with exit code 2": full.returncode == 2,
            "one clear error line, no traceback": len(errors) == 1 and "Traceback" not in full.stderr,
            "some results were written before the disk filled": bool(found["results_at_failure"]),
            "every line written is whole": whole is not None,
            "--resume finished (exit 0)": resumed.returncode == 0,
            "every document exactly once": len(set(keys)) == documents_count == len(keys),
            "the lines written before the failure are untouched": found["earlier_lines_untouched"],
        }
    )
    return found


def _whole_lines(data: bytes) -> list[dict[str, Any]] | None:
    """The JSON lines of `data`, or None when any line is cut short or not JSON."""
    if data and not data.endswith(b"\n"):
        return None
    try:
        return [json.loads(line) for line in data.splitlines()]
    except ValueError:
        return None


SCENARIOS = ("kill-worker", "restart", "full-disk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}")
    parser.add_argument("--short", action="store_true", help="small counts and durations (CI)")
    parser.add_argument("--rate", type=float, default=None, help="kill-worker: requests a second (default 20; short 8)")
    parser.add_argument("--recovery-timeout", type=float, default=180, help="kill-worker: seconds for a replacement")
    parser.add_argument("--json", type=Path, default=None, help="also write the findings to this file")
    args = parser.parse_args()
    chosen = args.only.split(",")
    if unknown := set(chosen) - set(SCENARIOS):
        raise SystemExit(f"unknown scenario(s) {', '.join(sorted(unknown))}: choose from {', '.join(SCENARIOS)}")

    started = time.monotonic()
    findings: dict[str, Any] = {}
    if "kill-worker" in chosen:
        rate = args.rate or (8 if args.short else 20)
        findings["kill-worker"] = kill_worker(rate, 12 if args.short else 45, args.recovery_timeout)
    if "restart" in chosen:
        findings["restart"] = restart(40 if args.short else 300, 4 if args.short else 10, 4, deadline=300)
    if "full-disk" in chosen:
        # KB of disk: a record keeps its text (about 6 KB for these 500-word documents), so a few chunks fit
        findings["full-disk"] = full_disk(24 if args.short else 120, 48 if args.short else 128)
    print(f"\n{len(findings)} scenario(s) in {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(findings, indent=2, default=str) + "\n", encoding="utf-8")
    sys.exit(0 if all(f["passed"] for f in findings.values()) else 1)


if __name__ == "__main__":
    main()
