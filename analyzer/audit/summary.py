"""The figures of an audit (`summary.json`): totals, label mix, scores, rubric, groups, timeline, failures.

"Most to gain" (the "Fix these first" list): a piece's priority is

    (100 - case-for-change score) x gain of its top suggested rewrite

where the gain is how much the rewrite raises its sentence's case-for-change probability (0-1).
A weak piece with a strong, ready fix comes first; a piece with no rewrite on offer has
priority 0 and only fills the list when fewer pieces have one. Ties go to the lower score.
"""

from __future__ import annotations

import heapq
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from analyzer.labels import LABELS, RUBRIC_ELEMENTS

SUMMARY_VERSION = "1.0"
#: Pieces in "Fix these first".
TOP_PIECES = 25
#: Groups (doc types, sections) kept in summary.json and in a chart; the rest are merged as "other".
SUMMARY_GROUPS = 100
#: Failed documents listed one by one; all are counted, and results.jsonl has every one.
SUMMARY_FAILURES = 1000
SCORE_BINS = 10
#: Per error code: what went wrong in plain words, and what to do about it.
FAILURE_ADVICE: dict[str, tuple[str, str]] = {
    "E001": ("The text could not be analyzed as it is", "Open the file and check that it holds readable text."),
    "E010": (
        "A kind of file the audit does not read (an image, an archive, a legacy .doc)",
        "Save it as PDF, DOCX, HTML, Markdown or plain text, or leave it out of the audit.",
    ),
    "E011": (
        "The file is over a size limit",
        "Split it into separate pieces, or audit it on its own with a higher limit.",
    ),
    "E012": ("The file is damaged", "Export or download it again from where it was made."),
    "E013": ("The file is password-protected", "Remove the password and export it again."),
    "E014": ("The file is not readable text", "Save it again as UTF-8 text, or export it as PDF or DOCX."),
    "E015": (
        "No text in it (an empty page, or only images or a scan)",
        "Add the text, or drop the placeholder from the library.",
    ),
    "read_failed": ("The file could not be opened", "Check that it still exists and that the audit may read it."),
    "fetch_failed": (
        "The page could not be downloaded",
        "Open the URL in a browser: it may be gone, moved, or blocking automated visits.",
    ),
    "analysis_failed": (
        "An unexpected error while analyzing it",
        "Send the message below to whoever runs the audit; the other documents are not affected.",
    ),
}
UNKNOWN_FAILURE = ("Could not be analyzed", "See the message for what to do.")
RANKING = (
    "Ranked by what a rewrite could win: the room a piece has to grow (100 minus its case-for-change score) "
    "times how much its top suggested rewrite raises that sentence's case-for-change probability. A weak "
    "piece with a strong, ready fix comes first; pieces with no rewrite on offer come last."
)
_DATE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-\d{2}")


def build_summary(records: Sequence[Mapping[str, Any]], run: Mapping[str, Any]) -> dict[str, Any]:
    """The audit's figures, JSON-serializable; `report.html` is rendered from them alone.

    Keys:
    - `summary_version`; `run`: the runner's facts made JSON-safe (`model`, `sources`, `started`,
      `finished`, `duration_seconds`, `jobs`, ...), `model` taken from the records and
      `duration_seconds` from `started`/`finished` when the runner did not give them.
    - `totals`: `documents`, `analyzed`, `failed`, `uncertain` (analyzed with a label under 0.6),
      `mixed` (analyzed with no dominant message: shown with their two leading messages),
      `words` (analyzed), `dated` (documents with a known publication date).
    - `labels`: `counts` and `shares` of the analyzed documents per label.
    - `by_doc_type`, `by_section`: groups by descending size, at most `SUMMARY_GROUPS` and one
      merged row (`"merged": n`); each `{name, documents, analyzed, failed, counts, shares}`
      with shares of the group's analyzed documents. `name` is null for no doc type and ""
      for the top level.
    - `by_month`: the same per `YYYY-MM` of `published`, in date order; empty without dates.
    - `scores`: `mean`, `median` (null when nothing was analyzed) and `histogram`: ten bins
      `{from, to, count, counts}` of case-for-change scores, 0-9 ... 90-100, counts per label.
    - `rubric`: per element `{present, missing, share}` over the analyzed documents.
    - `fix_first`: `ranking` (how "most to gain" is defined) and `items`, the top
      `TOP_PIECES` pieces with their priority, identity, label, score, missing elements and
      top suggestion.
    - `failures`: `count`, `by_code` (`{code, count, what, action}`, most common first), and
      `items` (the first `SUMMARY_FAILURES` failed documents with their code and message).
    """
    totals = Counter[str]()
    label_counts = [0] * len(LABELS)
    # label counts, then failures; defaultdict: no new list per record for a group already seen
    by_type: defaultdict[str | None, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    by_section: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    by_month: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(LABELS) + 1))
    histogram = [[0] * len(LABELS) for _ in range(SCORE_BINS)]
    scores: list[int] = []
    rubric = dict.fromkeys(RUBRIC_ELEMENTS, 0)
    codes = Counter[str]()
    failure_items: list[dict[str, Any]] = []
    ranked: list[tuple[float, int, int, Mapping[str, Any]]] = []
    models = Counter[str]()
    failed_column = len(LABELS)
    months: dict[str, str | None] = {}  # dates repeat: parse each once (100,000 records in about a second)

    for index, record in enumerate(records):
        totals["documents"] += 1
        published = record.get("published")
        month = None
        if isinstance(published, str):
            month = months[published] if published in months else months.setdefault(published, _month(published))
        rows = [by_type[record.get("doc_type") or None], by_section[str(record.get("section") or "")]]
        if month is not None:
            totals["dated"] += 1
            rows.append(by_month[month])
        label = record.get("label")
        if record.get("error") or label not in LABELS:
            totals["failed"] += 1
            for row in rows:
                row[failed_column] += 1
            code, message = _error_of(record)
            codes[code] += 1
            if len(failure_items) < SUMMARY_FAILURES:
                failure_items.append({**_identity(record), "code": code, "message": message})
            continue
        column = LABELS.index(label)
        totals["analyzed"] += 1
        totals["uncertain"] += bool(record.get("uncertain"))
        totals["mixed"] += bool(record.get("mixed"))
        totals["words"] += int(record.get("words") or 0)
        label_counts[column] += 1
        for row in rows:
            row[column] += 1
        score = min(100, max(0, int(record.get("case_for_change_score") or 0)))
        scores.append(score)
        histogram[min(score // 10, SCORE_BINS - 1)][column] += 1
        present = record.get("rubric") or {}
        for element in RUBRIC_ELEMENTS:
            rubric[element] += bool(present.get(element))
        if record.get("model"):
            models[str(record["model"])] += 1
        ranked.append((_priority(score, record.get("suggestion")), -score, -index, record))

    analyzed = totals["analyzed"]
    failures = sorted(codes.items(), key=lambda item: (-item[1], item[0]))
    return {
        "summary_version": SUMMARY_VERSION,
        "run": _run_info(run, models),
        "totals": {
            key: totals[key] for key in ("documents", "analyzed", "failed", "uncertain", "mixed", "words", "dated")
        },
        "labels": {"counts": _by_label(label_counts), "shares": _shares(label_counts)},
        "by_doc_type": _groups(by_type, SUMMARY_GROUPS),
        "by_section": _groups(by_section, SUMMARY_GROUPS),
        "by_month": [_group(month, by_month[month]) for month in sorted(by_month)],
        "scores": {
            "mean": round(statistics.fmean(scores), 1) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "histogram": [
                {
                    "from": 10 * k,
                    "to": 100 if k == SCORE_BINS - 1 else 10 * k + 9,
                    "count": sum(row),
                    "counts": _by_label(row),
                }
                for k, row in enumerate(histogram)
            ],
        },
        "rubric": {
            element: {"present": n, "missing": analyzed - n, "share": round(n / analyzed, 4) if analyzed else 0.0}
            for element, n in rubric.items()
        },
        "fix_first": {
            "ranking": RANKING,
            "items": [_fix_item(rank, entry) for rank, entry in enumerate(heapq.nlargest(TOP_PIECES, ranked), 1)],
        },
        "failures": {
            "count": totals["failed"],
            "by_code": [
                {"code": code, "count": n, "what": _advice(code)[0], "action": _advice(code)[1]} for code, n in failures
            ],
            "items": failure_items,
        },
    }


def _month(published: Any) -> str | None:
    if isinstance(published, str) and _DATE.match(published):
        return published[:7]
    return None


def _error_of(record: Mapping[str, Any]) -> tuple[str, str]:
    error = record.get("error")
    if isinstance(error, Mapping):
        return str(error.get("code") or "analysis_failed"), str(error.get("message") or "")
    if error:
        return "analysis_failed", str(error)
    return "analysis_failed", "The result has no label."


def _advice(code: str) -> tuple[str, str]:
    return FAILURE_ADVICE.get(code, UNKNOWN_FAILURE)


def _priority(score: int, suggestion: Any) -> float:
    gain = float(suggestion.get("gain") or 0.0) if isinstance(suggestion, Mapping) else 0.0
    return (100 - score) * max(0.0, gain)


def _identity(record: Mapping[str, Any]) -> dict[str, Any]:
    """Where a person finds the document; `title` falls back to its id or location."""
    title = record.get("title") or record.get("id") or record.get("location") or "(untitled)"
    return {
        "key": record.get("key"),
        "id": record.get("id"),
        "title": str(title),
        "url": record.get("url"),
        "location": record.get("location"),
        "source": record.get("source"),
        "section": record.get("section") or "",
        "doc_type": record.get("doc_type"),
        "published": record.get("published"),
    }


def _fix_item(rank: int, entry: tuple[float, int, int, Mapping[str, Any]]) -> dict[str, Any]:
    priority, negative_score, _, record = entry
    present = record.get("rubric") or {}
    suggestion = record.get("suggestion")
    return {
        "rank": rank,
        "priority": round(priority, 2),
        **_identity(record),
        "label": record.get("label"),
        "case_for_change_score": -negative_score,
        "missing": [element for element in RUBRIC_ELEMENTS if not present.get(element)],
        "suggestion": (
            {
                key: suggestion.get(key)
                for key in ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain")
            }
            if isinstance(suggestion, Mapping)
            else None
        ),
    }


def _by_label(counts: Sequence[int]) -> dict[str, int]:
    return dict(zip(LABELS, counts[: len(LABELS)], strict=True))


def _shares(counts: Sequence[int]) -> dict[str, float]:
    analyzed = sum(counts[: len(LABELS)])
    return {label: round(n / analyzed, 4) if analyzed else 0.0 for label, n in _by_label(counts).items()}


def _group(name: str | None, counts: Sequence[int]) -> dict[str, Any]:
    analyzed = sum(counts[: len(LABELS)])
    return {
        "name": name,
        "documents": analyzed + counts[len(LABELS)],
        "analyzed": analyzed,
        "failed": counts[len(LABELS)],
        "counts": _by_label(counts),
        "shares": _shares(counts),
    }


def _groups(table: Mapping[Any, Sequence[int]], limit: int) -> list[dict[str, Any]]:
    """Groups by descending size (then name); past `limit`, the rest merged into one row."""
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1]), item[0] is not None, str(item[0])))
    groups = [_group(name, counts) for name, counts in ordered[:limit]]
    rest = ordered[limit:]
    if rest:
        merged = [sum(counts[k] for _, counts in rest) for k in range(len(LABELS) + 1)]
        groups.append({**_group("other", merged), "merged": len(rest)})
    return groups


def _run_info(run: Mapping[str, Any], models: Counter[str]) -> dict[str, Any]:
    info: dict[str, Any] = _json_safe(dict(run))
    if not info.get("model") and models:
        info["model"] = models.most_common(1)[0][0]
    if info.get("duration_seconds") is None:
        started, finished = parse_datetime(run.get("started")), parse_datetime(run.get("finished"))
        if started and finished and (started.tzinfo is None) == (finished.tzinfo is None):
            info["duration_seconds"] = round((finished - started).total_seconds(), 3)
    return info


def parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)
