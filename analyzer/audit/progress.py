"""Progress of an audit on stderr: a bar with documents/s and the ETA on a terminal, else a line every few seconds."""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from tqdm import tqdm


class Progress:
    """How far an audit has got. This base reports nothing (`--quiet`)."""

    def start(self, total: int | None, done: int, failed: int) -> None:
        """`total` documents when the sources can count them cheaply; `done` from a previous run."""

    def advance(self, documents: int, failed: int) -> None:
        """`documents` more results, `failed` of them errors."""

    def close(self) -> None:
        """The audit is over (or stopped)."""


class BarProgress(Progress):
    """A tqdm bar with documents/s and the ETA, for a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.bar: tqdm[Any] | None = None
        self.failed = 0

    def start(self, total: int | None, done: int, failed: int) -> None:
        self.failed = failed
        self.bar = tqdm(
            total=total, initial=done, unit=" docs", file=self.stream, dynamic_ncols=True, smoothing=0.1, leave=True
        )
        self.bar.set_postfix_str(f"{failed:,} failed", refresh=False)

    def advance(self, documents: int, failed: int) -> None:
        if self.bar is not None:
            self.failed += failed
            self.bar.set_postfix_str(f"{self.failed:,} failed", refresh=False)
            self.bar.update(documents)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class LineProgress(Progress):
    """A plain line every `every` seconds, for logs and CI: "1,200/10,000 documents, 57.3/s,
    3 failed, ETA 2m 34s"."""

    def __init__(self, stream: IO[str], every: float = 10.0) -> None:
        self.stream = stream
        self.every = every
        self.total: int | None = None
        self.done = self.failed = self.count = 0
        self.started = self.printed = time.monotonic()
        self.printed_count = 0

    def start(self, total: int | None, done: int, failed: int) -> None:
        self.total, self.done, self.failed = total, done, failed
        self.started = self.printed = time.monotonic()

    def advance(self, documents: int, failed: int) -> None:
        self.count += documents
        self.failed += failed
        now = time.monotonic()
        if now - self.printed >= self.every:
            self.printed = now
            self._print(now)

    def close(self) -> None:
        if self.printed_count != self.count:
            self._print(time.monotonic())

    def _print(self, now: float) -> None:
        self.printed_count = self.count
        rate = self.count / max(now - self.started, 1e-9)
        position = self.done + self.count
        line = f"{position:,}/{self.total:,}" if self.total is not None else f"{position:,}"
        line += f" documents, {rate:.1f}/s, {self.failed:,} failed"
        if self.total is not None and rate > 0:
            line += f", ETA {format_duration(max(self.total - position, 0) / rate)}"
        print(line, file=self.stream, flush=True)


def format_duration(seconds: float) -> str:
    """'45s', '2m 34s', '1h 02m'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def make_progress(quiet: bool = False, stream: IO[str] | None = None, every: float = 10.0) -> Progress:
    """A bar on a terminal, plain lines otherwise, nothing when quiet."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    return BarProgress(stream) if stream.isatty() else LineProgress(stream, every)
