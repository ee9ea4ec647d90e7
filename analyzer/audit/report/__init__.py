"""The audit report: `summary.json` (the figures) and `report.html` (a briefing for a content lead).

The page is read by a marketing lead, not an engineer: headline findings in plain words first,
then the charts, then the pieces to fix first, then what could not be analyzed and what to do.
It is one self-contained file: inline CSS, charts inlined as SVG (matplotlib), no script, and a
Content-Security-Policy that forbids loading anything. Every string that comes from a document
(titles, URLs, suggestions, error messages) is escaped; only http(s) URLs become links.

The page is rendered from the summary alone (`audit/summary.py`), so the two never disagree.
Both are written to a temporary file in the output folder and moved into place, so a crash
never leaves half a report. The page is `html.py`, its charts `charts.py`, its style `report.css`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analyzer.audit.report.html import render_html
from analyzer.audit.summary import build_summary
from analyzer.files import write_atomically

SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.html"


def write_report(records: Sequence[Mapping[str, Any]], out_dir: Path, run: Mapping[str, Any]) -> None:
    """Write `summary.json` and `report.html` into `out_dir`, each replaced whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = build_summary(records, run)
    write_atomically(out_dir / SUMMARY_FILE, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    write_atomically(out_dir / REPORT_FILE, render_html(summary))
