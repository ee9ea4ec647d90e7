"""The report's "Since the last audit" section, rendered from compare.json's figures alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from analyzer.audit.report.words import chip, escape, number, pct, plural
from analyzer.audit.summary import parse_datetime
from analyzer.labels import CHANGE, LABELS

#: Documents listed per kind (changed, added, removed) on the page; compare.json has more.
PAGE_LIST: Final = 100


def trends_section(compare: Mapping[str, Any]) -> str:
    """Label mix and median before and after, what changed, and the pieces that moved most."""
    old, new, counts = compare["old"], compare["new"], compare["counts"]
    when = parse_datetime(old.get("finished"))
    since = f" of {when.date().isoformat()}" if when else ""
    parts = [
        '<section class="card" id="trends" aria-labelledby="trends-title">',
        '<h2 id="trends-title">Since the last audit</h2>',
        f'<p class="muted">Compared with the audit{escape(since)} in {escape(str(old["dir"]))}; documents are '
        f"matched by {escape(str(compare['matched_by']))}. Every figure is also in compare.json.</p>",
        '<ul class="headlines">',
        *(f"<li>{escape(line)}</li>" for line in trend_lines(compare)),
        "</ul>",
        "<table>",
        '<thead><tr><th scope="col">Of the pieces analyzed</th><th scope="col" class="num">Before</th>'
        '<th scope="col" class="num">After</th><th scope="col" class="num">Change</th></tr></thead>',
        "<tbody>",
        *(
            f"<tr><td>{chip(label)}</td><td class='num'>{pct(old['labels']['shares'][label])}</td>"
            f"<td class='num'>{pct(new['labels']['shares'][label])}</td>"
            f"<td class='num'>{_points(old['labels']['shares'][label], new['labels']['shares'][label])}</td></tr>"
            for label in LABELS
        ),
        f"<tr><td>Median case-for-change score</td><td class='num'>{number(old['median'])}</td>"
        f"<td class='num'>{number(new['median'])}</td><td class='num'>{_delta(old['median'], new['median'])}</td></tr>",
        f"<tr><td>Pieces analyzed</td><td class='num'>{old['analyzed']:,}</td><td class='num'>{new['analyzed']:,}</td>"
        f"<td class='num'>{_delta(old['analyzed'], new['analyzed'])}</td></tr>",
        "</tbody>",
        "</table>",
        _movers("Moved most up", compare["moved_up"]),
        _movers("Moved most down", compare["moved_down"]),
        _listed("Changed since", compare["changed"], counts["changed"], link=True),
        _listed("Added", compare["added"], counts["added"], link=True),
        _listed("Removed", compare["removed"], counts["removed"], link=False),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


def trend_lines(compare: Mapping[str, Any]) -> list[str]:
    """The trends in plain words (plain text, not yet escaped)."""
    old, new, counts = compare["old"], compare["new"], compare["counts"]
    lines = []
    if old["median"] is not None and new["median"] is not None:
        lines.append(
            f"The median case-for-change score went from {number(old['median'])} to {number(new['median'])} "
            f"({_delta(old['median'], new['median'])})."
        )
    if old["analyzed"] and new["analyzed"]:
        lines.append(
            f"Pieces that make a case for change: {pct(old['labels']['shares'][CHANGE])} before, "
            f"{pct(new['labels']['shares'][CHANGE])} now."
        )
    lines.append(
        f"{plural(counts['changed'], 'document')} changed, {counts['added']:,} added and {counts['removed']:,} "
        f"removed; {counts['unchanged']:,} unchanged."
    )
    return lines


def _delta(before: Any, after: Any) -> str:
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return "n/a"
    change = after - before
    return f"{change:+,g}" if change else "no change"


def _points(before: float, after: float) -> str:
    change = round(100 * (after - before))
    return f"{change:+d} points" if change else "no change"


def _title(entry: Mapping[str, Any], link: bool) -> str:
    title = escape(str(entry.get("title") or entry.get("id") or ""))
    page = entry.get("page")
    if link and isinstance(page, str) and page.startswith("docs/"):
        return f'<a href="{escape(page)}">{title}</a>'
    return title


def _side(side: Any) -> str:
    if not isinstance(side, Mapping) or side.get("label") is None:
        return "failed"
    return f"{chip(side['label'])} {side.get('score')}"


def _movers(title: str, entries: Sequence[Mapping[str, Any]]) -> str:
    if not entries:
        return ""
    items = "".join(
        f"<li>{_title(entry, True)}: {_side(entry.get('before'))} \u2192 {_side(entry.get('after'))} "
        f'<strong class="{"trend-up" if entry.get("delta", 0) > 0 else "trend-down"}">'
        f"({entry.get('delta', 0):+d})</strong></li>"
        for entry in entries
    )
    return f"<h3>{escape(title)}</h3><ol>{items}</ol>"


def _listed(title: str, entries: Sequence[Mapping[str, Any]], count: int, *, link: bool) -> str:
    if not count:
        return ""
    rows = "".join(
        f"<tr><td>{_title(entry, link)}</td><td>{_side(entry['before']) if 'before' in entry else ''}</td>"
        f"<td>{_side(entry['after']) if 'after' in entry else ''}</td></tr>"
        for entry in entries[:PAGE_LIST]
    )
    more = (
        f'<p class="muted">…and {count - min(count, PAGE_LIST):,} more, listed in compare.json.</p>'
        if count > PAGE_LIST
        else ""
    )
    return (
        f'<h3>{escape(title)} ({count:,})</h3><table class="compare-list"><thead><tr><th scope="col">Document</th>'
        f'<th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>{rows}</tbody></table>{more}'
    )
