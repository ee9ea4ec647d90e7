"""The figures of an audit (`summary.json`): totals, label mix, scores, rubric, groups, timeline, failures.

The figures are gathered in one pass over the records (`Summary.add`), in memory that does not
grow with the number of documents: scores are counted per point (the median is exact), the
pieces to fix first are a heap of 25, failures are listed up to a limit, and groups are tracked
up to a limit (a library where every document sits in a folder of its own stays bounded).

"Most to gain" (the "Fix these first" list): a piece's priority is

    (100 - case-for-change score) x gain of its top suggested rewrite

where the gain is how much the rewrite raises its sentence's case-for-change probability (0-1).
A weak piece with a strong, ready fix comes first; ties go to the lower score. Only pieces with
a rewrite on offer are listed: the others (company news an editor leaves alone, unless the
audit runs with --include-news; pieces with nothing to rewrite) are in the documents table,
with their pages saying what they miss.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from analyzer.audit.identity import doc_type_of, identity
from analyzer.labels import LABELS, RUBRIC_ELEMENTS

#: 1.2: "Fix these first" ranks by room to grow and lists pieces with a main claim but no rewrite.
SUMMARY_VERSION = "1.2"
#: Pieces in "Fix these first".
TOP_PIECES = 25
#: Groups (doc types, sections) kept in summary.json and in a chart; the rest are merged as "other".
SUMMARY_GROUPS = 100
#: Failed documents listed one by one; all are counted, and results.jsonl has every one.
SUMMARY_FAILURES = 1000
SCORE_BINS = 10
#: Distinct names tracked per grouping (doc type, section, month); documents of further names
#: are counted in the "other" row, so memory stays bounded whatever the library's layout.
MAX_TRACKED_GROUPS = 10_000
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
    "robots_disallowed": (
        "The site's robots.txt asks automated visitors not to fetch this page",
        "Audit it from a CMS export instead, or ask the site's owner to allow the audit's user agent.",
    ),
    "address_refused": (
        "Not fetched: its address is on this machine or a private network, not the public web",
        "If the sitemap is your own intranet's, run the audit again with --allow-network CIDR (or "
        "--allow-private-addresses); otherwise the sitemap points where it should not, so leave the page out.",
    ),
    "analysis_failed": (
        "An unexpected error while analyzing it",
        "Send the message below to whoever runs the audit; the other documents are not affected.",
    ),
}
UNKNOWN_FAILURE = ("Could not be analyzed", "See the message for what to do.")
RANKING = (
    "Ranked by the room a piece has to grow: 100 minus its case-for-change score, weakest first; among equal "
    "scores, a piece with a rewrite on offer comes first, then the one missing more of the case. Each starts "
    "from the piece's main claim: its rewrite when one is on offer, else the questions to answer there. "
    "Company news is listed only when the audit ran with --include-news; the table of all documents has "
    "every piece."
)
_DATE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-\d{2}")


def build_summary(records: Iterable[Mapping[str, Any]], run: Mapping[str, Any]) -> dict[str, Any]:
    """The audit's figures for `records` (read once, in order); see `Summary.figures`."""
    summary = Summary()
    for record in records:
        summary.add(record)
    return summary.figures(run)


class Summary:
    """The figures of an audit, gathered one record at a time in bounded memory."""

    def __init__(self) -> None:
        self.totals = Counter[str]()
        self.label_counts = [0] * len(LABELS)
        self.by_type = _Groups()
        self.by_section = _Groups()
        self.by_month = _Groups()
        self.histogram = [[0] * len(LABELS) for _ in range(SCORE_BINS)]
        #: documents per case-for-change score, 0-100: the exact median and mean from 101 counts
        self.score_counts = [0] * 101
        self.rubric = dict.fromkeys(RUBRIC_ELEMENTS, 0)
        self.codes = Counter[str]()
        self.failure_items: list[dict[str, Any]] = []
        #: a min-heap of the `TOP_PIECES` best (room to grow, has a rewrite, elements missing,
        #: -index, item) seen so far
        self.top: list[tuple[int, bool, int, int, dict[str, Any]]] = []
        self.models = Counter[str]()
        self.months: dict[str, str | None] = {}  # dates repeat: each parsed once (bounded below)

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one record in."""
        index = self.totals["documents"]
        self.totals["documents"] += 1
        month = self._month(record.get("published"))
        doc_type, inferred = doc_type_of(record)
        rows = [self.by_type.row((doc_type, inferred)), self.by_section.row(str(record.get("section") or ""))]
        if month is not None:
            self.totals["dated"] += 1
            rows.append(self.by_month.row(month))
        label = record.get("label")
        if record.get("error") or label not in LABELS:
            self.totals["failed"] += 1
            for row in rows:
                row[len(LABELS)] += 1
            code, message = _error_of(record)
            self.codes[code] += 1
            if len(self.failure_items) < SUMMARY_FAILURES:
                self.failure_items.append({**identity(record), "code": code, "message": message})
            return
        column = LABELS.index(label)
        self.totals["analyzed"] += 1
        self.totals["uncertain"] += bool(record.get("uncertain"))
        self.totals["mixed"] += bool(record.get("mixed"))
        self.totals["words"] += int(record.get("words") or 0)
        self.label_counts[column] += 1
        for row in rows:
            row[column] += 1
        score = min(100, max(0, int(record.get("case_for_change_score") or 0)))
        self.score_counts[score] += 1
        self.histogram[min(score // 10, SCORE_BINS - 1)][column] += 1
        present = record.get("rubric") or {}
        for element in RUBRIC_ELEMENTS:
            self.rubric[element] += bool(present.get(element))
        if record.get("model"):
            self.models[str(record["model"])] += 1
        suggestion, claim = record.get("suggestion"), record.get("main_claim")
        missing = sum(not present.get(element) for element in RUBRIC_ELEMENTS)
        if isinstance(suggestion, Mapping) or (isinstance(claim, Mapping) and missing):
            self._rank(record, score, index, missing)

    def _month(self, published: Any) -> str | None:
        if not isinstance(published, str):
            return None
        if published not in self.months:
            if len(self.months) >= MAX_TRACKED_GROUPS:
                self.months.clear()
            self.months[published] = _month(published)
        return self.months[published]

    def _rank(self, record: Mapping[str, Any], score: int, index: int, missing: int) -> None:
        """Keep the record among the pieces to fix first if it ranks in the top `TOP_PIECES`."""
        entry = (100 - score, isinstance(record.get("suggestion"), Mapping), missing, -index)
        if len(self.top) == TOP_PIECES and entry <= self.top[0][:4]:
            return  # the common case: the item is never built
        item = _fix_item(record, entry[0], score)
        if len(self.top) < TOP_PIECES:
            heapq.heappush(self.top, (*entry, item))
        else:
            heapq.heapreplace(self.top, (*entry, item))

    def figures(self, run: Mapping[str, Any]) -> dict[str, Any]:
        """The audit's figures, JSON-serializable; `report.html` is rendered from them alone.

        Keys:
        - `summary_version`; `run`: the runner's facts made JSON-safe (`model`, `sources`,
          `started`, `finished`, `duration_seconds`, `jobs`, ...), `model` taken from the records
          and `duration_seconds` from `started`/`finished` when the runner did not give them.
        - `totals`: `documents`, `analyzed`, `failed`, `uncertain` (analyzed with a label under
          0.6), `mixed` (analyzed and flagged mixed by the model), `words` (analyzed), `dated`
          (documents with a known publication date).
        - `labels`: `counts` and `shares` of the analyzed documents per label.
        - `by_doc_type`, `by_section`: groups by descending size, at most `SUMMARY_GROUPS` and one
          merged row (`"merged": n`, and `"untracked": n` documents of names past
          `MAX_TRACKED_GROUPS`); each `{name, documents, analyzed, failed, counts, shares}` with
          shares of the group's analyzed documents. A doc type's `name` is the source's type,
          else the inferred one (`"inferred": true`), else null; a section's is "" at the top level.
        - `by_month`: the same per `YYYY-MM` of `published`, in date order; empty without dates.
        - `scores`: `mean`, `median` (null when nothing was analyzed) and `histogram`: ten bins
          `{from, to, count, counts}` of case-for-change scores, 0-9 ... 90-100, counts per label.
        - `rubric`: per element `{present, missing, share}` over the analyzed documents.
        - `fix_first`: `ranking` (how the order is defined) and `items`, the top `TOP_PIECES`
          pieces that have a suggestion, or a main claim and a missing element, with their
          priority (room to grow), identity (with `page`, the document's page), label, `mixed`,
          score, missing elements, main claim, top suggestion and the first coaching question
          of each missing element.
        - `failures`: `count`, `by_code` (`{code, count, what, action}`, most common first), and
          `items` (the first `SUMMARY_FAILURES` failed documents with their code and message).
        """
        totals, analyzed = self.totals, self.totals["analyzed"]
        failures = sorted(self.codes.items(), key=lambda item: (-item[1], item[0]))
        ranked = sorted(self.top, reverse=True)
        return {
            "summary_version": SUMMARY_VERSION,
            "run": _run_info(run, self.models),
            "totals": {
                key: totals[key] for key in ("documents", "analyzed", "failed", "uncertain", "mixed", "words", "dated")
            },
            "labels": {"counts": label_counts(self.label_counts), "shares": label_shares(self.label_counts)},
            "by_doc_type": [
                {**group, "name": group["name"][0], "inferred": group["name"][1]}
                for group in self.by_type.ordered(SUMMARY_GROUPS, ("other", False))
            ],
            "by_section": self.by_section.ordered(SUMMARY_GROUPS, "other"),
            "by_month": [_group(month, counts) for month, counts in sorted(self.by_month.table.items())],
            "scores": {
                "mean": _mean(self.score_counts),
                "median": median_of_counts(self.score_counts),
                "histogram": [
                    {
                        "from": 10 * k,
                        "to": 100 if k == SCORE_BINS - 1 else 10 * k + 9,
                        "count": sum(row),
                        "counts": label_counts(row),
                    }
                    for k, row in enumerate(self.histogram)
                ],
            },
            "rubric": {
                element: {"present": n, "missing": analyzed - n, "share": round(n / analyzed, 4) if analyzed else 0.0}
                for element, n in self.rubric.items()
            },
            "fix_first": {
                "ranking": RANKING,
                "items": [{"rank": rank, **item} for rank, (*_, item) in enumerate(ranked, 1)],
            },
            "failures": {
                "count": totals["failed"],
                "by_code": [
                    {"code": code, "count": n, "what": advice(code)[0], "action": advice(code)[1]}
                    for code, n in failures
                ],
                "items": self.failure_items,
            },
        }


class _Groups:
    """Label counts (and failures, last) per group name, for at most `MAX_TRACKED_GROUPS` names."""

    def __init__(self) -> None:
        self.table: dict[Any, list[int]] = {}
        self.untracked = [0] * (len(LABELS) + 1)

    def row(self, name: Any) -> list[int]:
        row = self.table.get(name)
        if row is None:
            if len(self.table) >= MAX_TRACKED_GROUPS:
                return self.untracked
            row = self.table[name] = [0] * (len(LABELS) + 1)
        return row

    def ordered(self, limit: int, other: Any) -> list[dict[str, Any]]:
        """Groups by descending size (then name); past `limit`, the rest merged into one row."""
        ordered = sorted(self.table.items(), key=lambda item: (-sum(item[1]), _sort_name(item[0])))
        groups = [_group(name, counts) for name, counts in ordered[:limit]]
        rest = ordered[limit:]
        if rest or any(self.untracked):
            merged = [sum(counts[k] for _, counts in rest) + self.untracked[k] for k in range(len(LABELS) + 1)]
            groups.append({**_group(other, merged), "merged": len(rest), "untracked": sum(self.untracked)})
        return groups


def _sort_name(name: Any) -> tuple[bool, str]:
    """Named groups before the unnamed one (no doc type), then by name."""
    key = name[0] if isinstance(name, tuple) else name
    return key is None, str(name)


def median_of_counts(counts: Sequence[int]) -> float | int | None:
    """The median of the values 0..len(counts)-1 counted in `counts` (as `statistics.median`)."""
    n = sum(counts)
    if not n:
        return None
    lower, upper = _nth(counts, (n - 1) // 2), _nth(counts, n // 2)
    return lower if lower == upper else (lower + upper) / 2


def _nth(counts: Sequence[int], k: int) -> int:
    seen = 0
    for value, count in enumerate(counts):
        seen += count
        if seen > k:
            return value
    raise IndexError(k)


def _mean(counts: Sequence[int]) -> float | None:
    n = sum(counts)
    return round(sum(value * count for value, count in enumerate(counts)) / n, 1) if n else None


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


def advice(code: str) -> tuple[str, str]:
    """What went wrong with a failed document, in plain words, and what to do about it."""
    return FAILURE_ADVICE.get(code, UNKNOWN_FAILURE)


#: A suggestion's fields a fix-first item keeps (with its `alternatives` when the model gives them).
FIX_SUGGESTION_FIELDS = ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain", "alternatives")


def _fix_item(record: Mapping[str, Any], priority: int, score: int) -> dict[str, Any]:
    present = record.get("rubric") or {}
    suggestion, claim = record.get("suggestion"), record.get("main_claim")
    coaching = record.get("coaching")
    coaching = coaching if isinstance(coaching, Mapping) else {}
    missing = [element for element in RUBRIC_ELEMENTS if not present.get(element)]
    questions = [coaching[e][0] for e in missing if isinstance(coaching.get(e), list) and coaching[e]]
    return {
        "priority": priority,
        **identity(record),
        "label": record.get("label"),
        "mixed": bool(record.get("mixed")),
        "scores": record.get("scores"),
        "case_for_change_score": score,
        "missing": missing,
        "main_claim": dict(claim) if isinstance(claim, Mapping) else None,
        "suggestion": (
            {key: suggestion[key] for key in FIX_SUGGESTION_FIELDS if key in suggestion}
            if isinstance(suggestion, Mapping)
            else None
        ),
        "questions": [str(q) for q in questions],
    }


def label_counts(counts: Sequence[int]) -> dict[str, int]:
    return dict(zip(LABELS, counts[: len(LABELS)], strict=True))


def label_shares(counts: Sequence[int]) -> dict[str, float]:
    analyzed = sum(counts[: len(LABELS)])
    return {label: round(n / analyzed, 4) if analyzed else 0.0 for label, n in label_counts(counts).items()}


def _group(name: str | None, counts: Sequence[int]) -> dict[str, Any]:
    analyzed = sum(counts[: len(LABELS)])
    return {
        "name": name,
        "documents": analyzed + counts[len(LABELS)],
        "analyzed": analyzed,
        "failed": counts[len(LABELS)],
        "counts": label_counts(counts),
        "shares": label_shares(counts),
    }


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
