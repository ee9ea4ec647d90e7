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
#: A placeholder for the writer to fill, as the suggestion schema defines it.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,200}\]")


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


def fields(value: Any) -> Mapping[str, Any]:
    """A record's nested object (`error`, `evidence`, `suggestion`), or an empty one when it is
    missing or not an object (results written by older versions, or by hand)."""
    return value if isinstance(value, Mapping) else {}


def leading(scores: Any) -> list[str]:
    """The two messages with the highest scores, highest first."""
    if not isinstance(scores, Mapping):
        return []
    return sorted((label for label in LABELS if label in scores), key=lambda label: -float(scores[label]))[:2]


def verdict(label: Any, mixed: Any, scores: Any) -> str:
    """The label as a chip, or "mixed" with its two leading messages when the model says no
    message leads (a record without the flag is not mixed)."""
    two = leading(scores)
    if mixed and len(two) == 2:
        return f'<span class="chip mixed" title="No message leads this piece">mixed: {two[0]} / {two[1]}</span>'
    return chip(label)


def sentence_number(index: Any) -> str:
    """How every surface shows a sentence to people: "Sentence 4" for index 3."""
    return f"Sentence {int(index) + 1}" if isinstance(index, int) and not isinstance(index, bool) else "A sentence"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def first_alternative(suggestion: Any) -> dict[str, Any] | None:
    """The rewrite to show first: the suggestion's first alternative when it has any, else the
    suggestion itself (models before schema 1.1), as `{move, text, rationale}`."""
    if not isinstance(suggestion, Mapping):
        return None
    alternatives = alternatives_of(suggestion)
    return alternatives[0] if alternatives else None


def alternatives_of(suggestion: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every rewrite of a suggestion, first alternative first, as `{move, text, rationale}`."""
    found = [
        {"move": str(a.get("move") or ""), "text": str(a.get("text") or ""), "rationale": str(a.get("rationale") or "")}
        for a in suggestion.get("alternatives") or ()
        if isinstance(a, Mapping) and a.get("text")
    ]
    if found:
        return found
    if suggestion.get("rewrite"):
        return [
            {
                "move": str(suggestion.get("target") or ""),
                "text": str(suggestion["rewrite"]),
                "rationale": str(suggestion.get("rationale") or ""),
            }
        ]
    return []


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
