"""Time and peak memory of extracting files, each in a process of its own.

Run as `python -m tests.measure FILE...`: the libraries are imported once, then each file is
extracted in a forked child, so its peak resident memory (VmHWM) is its own and a runaway
parse cannot hurt the test run. One JSON line per file on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

#: A child still extracting after this many seconds is killed and reported as such.
CHILD_SECONDS = 120


def memory_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _extract_here(path: Path) -> dict[str, Any]:
    from analyzer.errors import AnalyzerError
    from analyzer.text.extract import extract

    data = path.read_bytes()
    baseline = memory_kib("VmRSS")
    start = time.perf_counter()
    outcome: dict[str, Any]
    try:
        result = extract(data, path.name)
        outcome = {"format": result.format, "chars": len(result.text), "text": result.text[:200]}
    except AnalyzerError as exc:
        outcome = {"error": type(exc).__name__, "code": exc.code, "message": str(exc)}
    except Exception as exc:  # reported, and failed by the test: only our errors may escape
        outcome = {"crash": f"{type(exc).__name__}: {exc}"}
    seconds = time.perf_counter() - start
    peak = memory_kib("VmHWM")
    return {
        "file": path.name,
        "seconds": round(seconds, 3),
        "extra_mib": round(max(0, peak - baseline) / 1024, 1),
        **outcome,
    }


def _measure(path: Path, out: Any) -> None:
    """Extract `path` in a forked child; write its JSON line."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        signal.alarm(CHILD_SECONDS)
        # The peak so far is the parent's; reset it so VmHWM is this extraction's own. (Where
        # the kernel refuses, the figure stays an upper bound: the parent's peak counts too.)
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
        line = json.dumps(_extract_here(path)).encode()
        os.write(write, line)
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if chunks:
        out.write(b"".join(chunks).decode() + "\n")
    else:
        out.write(
            json.dumps({"file": path.name, "crash": f"child ended with status {status} (killed or out of time)"}) + "\n"
        )
    out.flush()


def main(paths: list[str]) -> None:
    # Everything extraction may import, imported before the first fork.
    import charset_normalizer  # noqa: F401
    import docx  # noqa: F401
    import lxml.html  # noqa: F401
    import markdown_it  # noqa: F401
    import pypdf  # noqa: F401
    import trafilatura  # noqa: F401

    import analyzer.text.extract  # noqa: F401

    for path in paths:
        _measure(Path(path), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
