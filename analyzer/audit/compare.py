"""Two audits of one library compared (`compare.json`): did it get better, and which pieces moved?

Documents are matched by SOURCE and id (a folder's file by its path under the folder, an
export row by its id, a page by its URL). When no document matches that way (the library was
audited from another path), they are matched by id alone, where an id is unique in both. A
matched document *changed* when its analyzed text differs. Without the text on both sides (a
failed document, or results written before audits kept the text) its content key says, when
both audits read it from one SOURCE; across two paths the key cannot (it hashes the SOURCE
too), so then the document changed when its result did (label, score or error code).

Both audits are streamed into a temporary SQLite database beside the new results and matched
there with joins, so a comparison of two 300,000-document audits costs the memory of a few
documents; the figures of each side (label mix, median score) are counted as they stream.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from analyzer.audit.identity import identity
from analyzer.audit.results import RESULTS_FILE, iter_records
from analyzer.audit.summary import label_counts, label_shares, median_of_counts, parse_datetime
from analyzer.errors import AnalyzerError
from analyzer.files import UnsafeOutputError, check_output, read_output
from analyzer.labels import LABELS

COMPARE_FILE: Final = "compare.json"
COMPARE_VERSION: Final = "1.0"
#: Documents listed per kind (added, removed, changed) in compare.json; all are counted.
LIST_LIMIT: Final = 10_000
#: Pieces listed as moving most, up and down.
MOVERS: Final = 10
_COLUMNS: Final = "source TEXT, id TEXT, key TEXT, text_hash TEXT, code TEXT, label TEXT, score INTEGER, info TEXT"
_NAMES: Final = "source, id, key, text_hash, code, label, score, info"
_VALUES: Final = "?, " * 7 + "?"


class CompareError(AnalyzerError):
    """An earlier audit cannot be compared: its folder or its results are missing or unreadable."""

    code = "E024"


def check_audit_dir(directory: Path, role: str) -> Path:
    """The results file of an audit folder, or a `CompareError` saying what to give instead."""
    results = directory / RESULTS_FILE
    if not directory.is_dir():
        raise CompareError(f"{role} {directory} is not a folder. Give the --out folder of an earlier audit.")
    try:
        check_output(results)  # read back only as a regular file, never through a link
    except UnsafeOutputError as exc:
        raise CompareError(f"{role}: {exc.strerror}.") from None
    if not results.is_file():
        raise CompareError(f"{role} {directory} holds no {RESULTS_FILE}: it is not the output folder of an audit.")
    return results


class _Side:
    """One audit's figures, counted as its records stream into the database."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.documents = self.failed = 0
        self.labels = [0] * len(LABELS)
        self.scores = [0] * 101

    def count(self, record: Mapping[str, Any]) -> tuple[str | None, int | None]:
        self.documents += 1
        label, score = record.get("label"), record.get("case_for_change_score")
        if record.get("error") or label not in LABELS or not isinstance(score, int):
            self.failed += 1
            return None, None
        score = min(100, max(0, score))
        self.labels[LABELS.index(label)] += 1
        self.scores[score] += 1
        return str(label), score

    def figures(self, finished: Any = None) -> dict[str, Any]:
        """This side's figures; `finished` when the run is known, else read from its summary.json."""
        analyzed = sum(self.labels)
        counted = sum(value * n for value, n in enumerate(self.scores))
        return {
            "dir": str(self.directory),
            "finished": _when(finished) if finished else _finished(self.directory),
            "documents": self.documents,
            "analyzed": analyzed,
            "failed": self.failed,
            "labels": {"counts": label_counts(self.labels), "shares": label_shares(self.labels)},
            "median": median_of_counts(self.scores),
            "mean": round(counted / analyzed, 1) if analyzed else None,
        }


def _finished(directory: Path) -> str | None:
    """When an audit ended, from its summary.json (None when it has none)."""
    try:
        run = json.loads(read_output(directory / "summary.json")).get("run") or {}
    except (OSError, ValueError, AttributeError):
        return None
    return _when(run.get("finished") or run.get("started"))


def _when(value: Any) -> str | None:
    moment = parse_datetime(value)
    return moment.isoformat() if moment else None


def _normal_source(source: Any) -> str:
    """One spelling per SOURCE: `content/`, `./content` and `content` are one folder."""
    text = str(source or "")
    if text.startswith(("http://", "https://")):
        return text.rstrip("/")
    return os.path.normpath(text) if text else text


def _text_hash(record: Mapping[str, Any]) -> str | None:
    text = record.get("text")
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() if isinstance(text, str) else None


class Comparison:
    """An earlier audit loaded; `add` each record of the new one, then `figures()`."""

    def __init__(self, old_dir: Path, new_dir: Path, workdir: Path) -> None:
        old_results = check_audit_dir(old_dir, "--compare")
        self.old, self.new = _Side(old_dir), _Side(new_dir)
        self.db = sqlite3.connect(workdir / "compare.sqlite")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        for table in ("old", "new"):
            self.db.execute(f"CREATE TABLE {table} ({_COLUMNS})")
        try:
            with self.db:
                self.db.executemany(
                    f"INSERT INTO old ({_NAMES}) VALUES ({_VALUES})",
                    (self._row(record, self.old) for record in iter_records(old_results, for_people=True)),
                )
        except OSError as exc:
            raise CompareError(f"cannot read {old_results}: {exc.strerror or exc}.") from exc
        self._pending: list[tuple[Any, ...]] = []

    def close(self) -> None:
        self.db.close()

    def _row(self, record: Mapping[str, Any], side: _Side) -> tuple[Any, ...]:
        label, score = side.count(record)
        info = {**identity(record), "mixed": bool(record.get("mixed"))}
        error = record.get("error")
        return (
            _normal_source(record.get("source")),
            str(record.get("id")),
            str(record.get("key")),
            _text_hash(record),
            str(error.get("code")) if isinstance(error, Mapping) else None,
            label,
            score,
            json.dumps(info, ensure_ascii=False),
        )

    def add(self, record: Mapping[str, Any]) -> None:
        """Count in one record of the new audit (inserted in batches)."""
        self._pending.append(self._row(record, self.new))
        if len(self._pending) >= 1000:
            self._flush()

    def _flush(self) -> None:
        with self.db:
            self.db.executemany(f"INSERT INTO new ({_NAMES}) VALUES ({_VALUES})", self._pending)
        self._pending.clear()

    def figures(self, finished: Any = None) -> dict[str, Any]:
        """compare.json: both sides' figures, what was added, removed and changed, who moved most
        (`finished`: when the new audit ended).

        Keys: `compare_version`; `old` and `new` (`dir`, `finished`, `documents`, `analyzed`,
        `failed`, `labels` {counts, shares}, `median`, `mean`); `matched_by` ("source and id" or
        "id"); `counts` {added, removed, changed, unchanged}; `added`, `removed`, `changed` (at
        most `LIST_LIMIT` each, changed ones by the size of their move); `moved_up`,
        `moved_down` (the `MOVERS` largest score changes among documents analyzed in both). A
        listed document has its identity (`title`, `location`, `url`, `page`, ...) and, when
        matched, `before` and `after` (`label`, `score`) and `delta`.
        """
        self._flush()
        db = self.db
        db.execute("CREATE INDEX old_source_id ON old (source, id)")
        db.execute("CREATE TABLE pairs (o INTEGER, n INTEGER, changed INTEGER)")
        matched_by = "source and id"
        self._pair("o.source = n.source AND o.id = n.id", "")
        if not db.execute("SELECT count(*) FROM pairs").fetchone()[0]:
            matched_by = "id"
            db.execute("CREATE INDEX old_id ON old (id)")
            self._pair(
                "o.id = n.id",
                " AND n.id IN (SELECT id FROM new GROUP BY id HAVING count(*) = 1)"
                " AND o.id IN (SELECT id FROM old GROUP BY id HAVING count(*) = 1)",
            )
        db.execute("CREATE INDEX pairs_o ON pairs (o)")
        db.execute("CREATE INDEX pairs_n ON pairs (n)")
        counts = {
            "added": self._count("SELECT count(*) FROM new WHERE rowid NOT IN (SELECT n FROM pairs)"),
            "removed": self._count("SELECT count(*) FROM old WHERE rowid NOT IN (SELECT o FROM pairs)"),
            "changed": self._count("SELECT count(*) FROM pairs WHERE changed"),
            "unchanged": self._count("SELECT count(*) FROM pairs WHERE NOT changed"),
        }
        pair = (
            "SELECT o.label, o.score, n.label, n.score, n.info FROM pairs p "
            "JOIN old o ON o.rowid = p.o JOIN new n ON n.rowid = p.n"
        )
        both = "o.score IS NOT NULL AND n.score IS NOT NULL"
        unpaired_new = "FROM new WHERE rowid NOT IN (SELECT n FROM pairs) ORDER BY rowid"
        unpaired_old = "FROM old WHERE rowid NOT IN (SELECT o FROM pairs) ORDER BY rowid"
        moved = "abs(coalesce(n.score, 0) - coalesce(o.score, 0)) DESC, p.n"
        return {
            "compare_version": COMPARE_VERSION,
            "old": self.old.figures(),
            "new": self.new.figures(finished),
            "matched_by": matched_by,
            "counts": counts,
            "added": self._listed(
                f"SELECT NULL, NULL, label, score, info {unpaired_new} LIMIT {LIST_LIMIT}", after=True
            ),
            "removed": self._listed(
                f"SELECT label, score, NULL, NULL, info {unpaired_old} LIMIT {LIST_LIMIT}", before=True
            ),
            "changed": self._listed(f"{pair} WHERE p.changed ORDER BY {moved} LIMIT {LIST_LIMIT}", True, True),
            "moved_up": self._listed(
                f"{pair} WHERE {both} AND n.score > o.score ORDER BY n.score - o.score DESC, p.n LIMIT {MOVERS}",
                True,
                True,
            ),
            "moved_down": self._listed(
                f"{pair} WHERE {both} AND n.score < o.score ORDER BY n.score - o.score, p.n LIMIT {MOVERS}", True, True
            ),
        }

    def _pair(self, on: str, where: str) -> None:
        changed = (
            "CASE WHEN o.text_hash IS NOT NULL AND n.text_hash IS NOT NULL THEN o.text_hash != n.text_hash "
            "WHEN o.source = n.source THEN o.key != n.key "
            "ELSE o.label IS NOT n.label OR o.score IS NOT n.score OR o.code IS NOT n.code END"
        )
        with self.db:
            self.db.execute(
                f"INSERT INTO pairs SELECT o.rowid, n.rowid, {changed} FROM new n JOIN old o ON {on} WHERE 1{where}"
            )

    def _count(self, query: str) -> int:
        return int(self.db.execute(query).fetchone()[0])

    def _listed(self, query: str, before: bool = False, after: bool = False) -> list[dict[str, Any]]:
        """Documents of `query` (old label and score, new label and score, identity) as listed in compare.json."""
        listed = []
        for old_label, old_score, new_label, new_score, info in self.db.execute(query):
            entry: dict[str, Any] = json.loads(info)
            if before:
                entry["before"] = {"label": old_label, "score": old_score}
            if after:
                entry["after"] = {"label": new_label, "score": new_score}
            if old_score is not None and new_score is not None:
                entry["delta"] = new_score - old_score
            listed.append(entry)
        return listed


@contextlib.contextmanager
def comparing(old_dir: Path | None, new_dir: Path, workdir: Path) -> Iterator[Comparison | None]:
    """A `Comparison` with `old_dir` for the length of a report pass (None without one)."""
    if old_dir is None:
        yield None
        return
    comparison = Comparison(old_dir, new_dir, workdir)
    try:
        yield comparison
    finally:
        comparison.close()
