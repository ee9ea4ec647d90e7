"""Load on a real server: requests/s and latency percentiles for classify and analyze.

Starts `analyzer serve --workers 2` on a free 127.0.0.1 port, then for each endpoint and
concurrency drives it with wrk (Debian's `wrk`, a C load generator: a Python client on the
same two cores takes CPU from the server it measures) for a fixed time, or with asyncio
httpx clients for a fixed number of requests when wrk is missing. Prints requests/s,
p50/p95/p99 latency and errors. Loopback only; bounded in time and count.

    .venv/bin/python benchmarks/load.py [--seconds 10] [--requests 400] [--workers 2] [--client wrk|httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from harness import documents

CONCURRENCY = (1, 8, 32)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    analyzer = str(Path(sys.executable).parent / "analyzer")
    env = {**os.environ, "ANALYZER_RATE_LIMIT_PER_MINUTE": "0"}
    command = [analyzer, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not become ready in 120 s")


async def run(url: str, payload: dict[str, Any], requests: int, concurrency: int) -> dict[str, float]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--client", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))

    text = documents(1)[0]
    feature_page = (Path(__file__).resolve().parent.parent / "examples" / "scheduling-features.md").read_text()
    port = free_port()
    server = start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    cases = [
        ("classify", "/v1/classify", {"documents": [{"id": "doc", "text": text}]}, args.requests),
        ("analyze", "/v1/analyze", {"text": text, "options": {"suggestions": False}}, args.requests),
        # a feature page, so there are sentences to rewrite
        ("analyze+suggestions", "/v1/analyze", {"text": feature_page}, max(40, args.requests // 10)),
    ]
    try:
        print(
            f"machine: {platform.machine()} python {platform.python_version()}, {os.cpu_count()} cores; "
            f"analyzer serve --workers {args.workers}; client {args.client}"
        )
        size = f"{args.seconds} s" if args.client == "wrk" else "requests"
        header = ["req/s", "p50 ms", "p95 ms", "p99 ms"]
        print(f"{'endpoint':<22}{'conc':>5}{size:>9}" + "".join(f"{h:>9}" for h in header) + f"{'errors':>8}")
        for name, path, payload, count in cases:
            asyncio.run(run(base + path, payload, 40, 4))  # warm-up: caches, the parser
            for concurrency in CONCURRENCY:
                if args.client == "wrk":
                    r = run_wrk(base + path, payload, args.seconds, concurrency, workdir)
                else:
                    r = asyncio.run(run(base + path, payload, count, concurrency))
                amount = args.seconds if args.client == "wrk" else count
                print(
                    f"{name:<22}{concurrency:>5}{amount:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}"
                    f"{r['p95']:>9.1f}{r['p99']:>9.1f}{int(r['errors']):>8}"
                )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
