"""An audit's output folder: made safely, held by one audit at a time, cleared, its report rewritten.

Every file in it has a fixed name (results.jsonl, results.csv, summary.json, report.html,
compare.json, docs/), so nothing from a source chooses where a file is written. Nothing already
in the folder does either: a folder that is a symbolic link, or an output name taken by a link,
a folder or a pipe, is refused before any work (`analyzer.files`). Nothing here imports the
analysis: `analyzer report` writes a report without loading a model.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from analyzer.audit.compare import COMPARE_FILE, check_audit_dir
from analyzer.audit.identity import PAGES_DIR
from analyzer.audit.report import REPORT_FILE, SUMMARY_FILE, ReportOutcome, write_report
from analyzer.audit.results import RESULTS_CSV, RESULTS_FILE, iter_records
from analyzer.errors import AnalyzerError
from analyzer.files import UnsafeOutputError, check_output, open_output, read_output, remove_tree

#: Written by `analyzer.audit.report`; removed with the results on `overwrite` so no stale report survives.
REPORT_FILES: Final = (SUMMARY_FILE, REPORT_FILE, COMPARE_FILE)


class AuditError(AnalyzerError):
    """An audit cannot start or go on: its output folder, its results file, its workers."""

    code = "E020"


def prepare_out_dir(out_dir: Path) -> Path:
    """The output folder, created if need be; a file or a link in its place is refused."""
    if out_dir.is_symlink():
        # A link where the folder should be would send every output to wherever it points, and
        # whoever could plant it there chose that: the audit writes only into a real folder.
        raise AuditError(
            f"--out {out_dir} is a symbolic link (to {os.readlink(out_dir)}); an audit writes only into a real "
            "folder, so that a link planted in its place cannot send the results elsewhere. Give the folder itself."
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise AuditError(f"--out {out_dir} is a file. Give a folder for the audit's results.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditError(f"cannot create {out_dir}: {exc.strerror}. Check the path and its permissions.") from exc
    return out_dir


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for this audit; two audits writing one results file would mix it.

    Inside, an output that is not a regular file (`UnsafeOutputError`, from `analyzer.files`)
    ends the audit with a message, whenever it is met.
    """
    try:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:  # swapped for a link since it was checked
        raise AuditError(f"cannot open --out {out_dir}: {exc.strerror}. Give a real folder.") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AuditError(f"another audit is writing to {out_dir}. Wait for it, or choose another --out.") from None
        try:
            yield
        except UnsafeOutputError as exc:
            raise AuditError(f"{exc.strerror}.") from None
    finally:
        os.close(fd)  # releases the lock


def check_output_names(out_dir: Path) -> None:
    """Refuse, before any work, an output name in `out_dir` taken by anything but a regular file.
    (docs/ is a folder the report replaces whole, a link in its place included, never followed.)"""
    for name in (RESULTS_FILE, RESULTS_CSV, *REPORT_FILES):
        check_output(out_dir / name)


def output_size(path: Path) -> int:
    """The size of an output file, 0 when there is none (never through a link)."""
    try:
        fd = open_output(path, os.O_RDONLY)
    except FileNotFoundError:
        return 0
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def clear(out_dir: Path) -> None:
    """Remove an earlier audit's outputs (fixed names only), so none outlives a new run."""
    for name in (RESULTS_FILE, RESULTS_CSV, *REPORT_FILES):
        with contextlib.suppress(FileNotFoundError):
            (out_dir / name).unlink()
    remove_tree(out_dir / PAGES_DIR)  # a link is removed, never followed


def report_results(
    records: Iterator[dict[str, Any]],
    out_dir: Path,
    run: Mapping[str, Any],
    compare_with: Path | None,
    each: Callable[[Mapping[str, Any]], Any] | None = None,
) -> ReportOutcome:
    """The report; a bug in it says the results are safe rather than show a traceback."""
    try:
        return write_report(records, out_dir, run, compare_with=compare_with, each=each)
    except (OSError, AnalyzerError):
        raise
    except Exception as exc:  # the results are safe; say so rather than show a traceback
        raise AuditError(
            f"the report could not be written ({type(exc).__name__}: {exc}); results.jsonl and results.csv "
            "are complete. This is a bug: please report it."
        ) from exc


def rewrite_report(out_dir: Path, *, compare_with: Path | None = None) -> ReportOutcome:
    """The report of the audit in `out_dir` written again from its results.jsonl (with the
    facts of its run kept from summary.json), compared with `compare_with` when given."""
    results = check_audit_dir(out_dir, "the audit folder")
    if compare_with is not None:
        check_audit_dir(compare_with, "the earlier audit")
    with locked(out_dir):
        check_output_names(out_dir)
        try:  # the run's facts; a summary.json that is missing or not a regular file has none
            run = json.loads(read_output(out_dir / SUMMARY_FILE)).get("run") or {}
        except (OSError, ValueError, AttributeError):
            run = {}
        try:
            return report_results(iter_records(results, for_people=True), out_dir, run, compare_with)
        except UnsafeOutputError:
            raise
        except OSError as exc:
            raise AuditError(
                f"cannot write the report in {out_dir}: {exc.strerror or exc}. results.jsonl is untouched."
            ) from exc
