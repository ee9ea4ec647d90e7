"""How the report words things: rubric element names, shares, numbers, dates, and HTML escaping."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from analyzer.audit.summary import parse_datetime
from analyzer.labels import LABELS

ELEMENT_NAMES = {
    "why_change": "why change",
    "price_of_inaction": "the price of inaction",
    "future_state": "the future state",
}
_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,80}\]")


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def link(text: str, url: Any) -> str:
    """The text, as a link only when the URL is http(s): never javascript:, data: or a file path."""
    if isinstance(url, str):
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return f'<a href="{escape(url.strip())}" rel="noopener noreferrer nofollow">{escape(text)}</a>'
    return escape(text)


def placeholders(rewrite: str) -> str:
    """The escaped rewrite with its [bracketed] parts marked (brackets never contain markup once escaped)."""
    return _PLACEHOLDER.sub(lambda m: f"<mark>{m.group(0)}</mark>", escape(rewrite))


def chip(label: Any) -> str:
    name = str(label)
    css = name if name in LABELS else ""
    return f'<span class="chip {css}">{escape(name)}</span>'


def pct(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{round(100 * share)}%"


def number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:g}" if isinstance(value, float) else str(value)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(value: Any) -> str:
    moment = parse_datetime(value)
    return moment.date().isoformat() if moment else ""


def audited(run: Mapping[str, Any]) -> str:
    day = _day(run.get("finished") or run.get("started"))
    return f", audited {day}" if day else ""


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
