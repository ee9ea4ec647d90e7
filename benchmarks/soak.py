"""Soak: a steady rate on `analyzer serve --workers 2` for minutes; does anything drift?

    soak.py --rate 120 [--minutes 10] [--endpoint analyze]
    soak.py --from-load knee.json [--load 0.8]      # 80% of the knee load.py --knee measured
    soak.py --rate 20 --minutes 1                   # the short version

One open-loop generator (load.py's) runs for the whole time; a sampler reads every worker's
resident memory every few seconds. After a warm-up (not counted), the run is cut into windows
(a minute each, or a quarter of the run when it is shorter than four minutes) and prints, per
window, req/s, p50/p99, errors and each worker's RSS. It passes, as the issue asks, when:

- there are no errors at all;
- p99 drift, the last window's p99 against the first's, is under 20%;
- each worker's memory grows less than 10% from the end of the warm-up to the end;
- no worker was replaced (a restart would hide a leak and drop requests).

Exit code 0 on a pass, 1 on a fail.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from load import Outcome, Service, http_request, machine_line, open_loop, percentile, targets

MAX_ERRORS = 0
MAX_P99_DRIFT = 0.20
MAX_RSS_GROWTH = 0.10
SAMPLE_SECONDS = 5.0


@dataclass
class Window:
    start: float  # seconds since the measured run began
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: dict[int, float]


async def sample_memory(service: Service, samples: list[tuple[float, dict[int, int]]], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        samples.append((loop.time(), service.worker_rss()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)
    samples.append((loop.time(), service.worker_rss()))


async def soak(service: Service, requests: list[bytes], rate: float, seconds: float) -> tuple[Any, list[Any]]:
    samples: list[tuple[float, dict[int, int]]] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(service, samples, stop))
    run = await open_loop(service.port, requests, rate, seconds)
    stop.set()
    await sampler
    return run, samples


def windows_of(
    outcomes: list[Outcome], samples: list[tuple[float, dict[int, int]]], began: float, seconds: float, width: float
) -> list[Window]:
    windows = []
    start = 0.0
    while start + width <= seconds + 1e-6:
        inside = [o for o in outcomes if start <= o.due - began < start + width]
        good = [(o.done - o.due) * 1000 for o in inside if o.ok]
        memory = [rss for at, rss in samples if at - began <= start + width]
        windows.append(
            Window(
                start=start,
                requests=len(inside),
                rate=len(good) / width,
                p50_ms=percentile(good, 50),
                p99_ms=percentile(good, 99),
                errors=len(inside) - len(good),
                rss_mb={pid: size / 2**20 for pid, size in (memory[-1] if memory else {}).items()},
            )
        )
        start += width
    return windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    rate_source = parser.add_mutually_exclusive_group(required=True)
    rate_source.add_argument("--rate", type=float, help="requests a second")
    rate_source.add_argument("--from-load", type=Path, help="the --json of `load.py --knee`: its knee sets the rate")
    parser.add_argument("--load", type=float, default=0.8, help="share of the knee with --from-load (default 0.8)")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup-seconds", type=float, default=30)
    parser.add_argument("--endpoint", default="analyze", help="classify, analyze or analyze+suggestions")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()

    rate = args.rate
    if args.from_load:
        knee = json.loads(args.from_load.read_text(encoding="utf-8"))["endpoints"][args.endpoint]["knee"]
        rate = knee * args.load
        print(f"{args.load:.0%} of the {args.endpoint} knee ({knee:.1f} req/s): {rate:.1f} req/s")
    seconds = args.minutes * 60
    width = 60.0 if seconds >= 240 else seconds / 4
    [target] = targets([args.endpoint])

    service = Service(args.workers)
    print(f"starting the server ({service.workdir}); ready in {service.start():.1f} s", flush=True)
    try:
        requests = [http_request(service.port, target.path, body) for body in target.bodies]
        print(machine_line(args.workers, "open loop (asyncio streams)"))
        print(f"warm-up: {args.warmup_seconds:.0f} s at {rate:.1f} req/s", flush=True)
        asyncio.run(open_loop(service.port, requests, rate, args.warmup_seconds))
        workers_before = service.worker_pids()
        baseline = service.worker_rss()
        print(f"soak: {args.endpoint} at {rate:.1f} req/s for {args.minutes:g} min", flush=True)
        run, samples = asyncio.run(soak(service, requests, rate, seconds))
        workers_after = service.worker_pids()
        final = service.worker_rss()
    finally:
        service.stop()

    windows = windows_of(run.outcomes, samples, run.began, seconds, width)
    print(f"{'from s':>7}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}  worker RSS MB")
    for w in windows:
        rss = "  ".join(f"{pid}: {mb:.0f}" for pid, mb in sorted(w.rss_mb.items()))
        print(f"{w.start:>7.0f}{w.rate:>8.1f}{w.p50_ms:>9.1f}{w.p99_ms:>9.1f}{w.errors:>8}  {rss}")

    errors = sum(1 for o in run.outcomes if not o.ok)
    drift = (windows[-1].p99_ms - windows[0].p99_ms) / windows[0].p99_ms if windows[0].p99_ms else 0.0
    growth = {pid: (final.get(pid, 0) - size) / size for pid, size in baseline.items()}
    checks = {
        f"errors {errors} (at most {MAX_ERRORS})": errors <= MAX_ERRORS,
        f"p99 drift {drift:+.1%} (under {MAX_P99_DRIFT:.0%})": drift < MAX_P99_DRIFT,
        **{
            f"worker {pid} memory growth {g:+.1%} (under {MAX_RSS_GROWTH:.0%})": g < MAX_RSS_GROWTH
            for pid, g in sorted(growth.items())
        },
        f"workers not replaced ({workers_before} -> {workers_after})": workers_before == workers_after,
    }
    for check, passed in checks.items():
        print(f"{'pass' if passed else 'FAIL'}  {check}")
    if args.json:
        report = {
            "endpoint": args.endpoint,
            "rate": rate,
            "minutes": args.minutes,
            "windows": [w.__dict__ for w in windows],
            "errors": errors,
            "p99_drift": drift,
            "rss_growth": growth,
            "checks": checks,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
