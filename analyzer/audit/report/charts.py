"""The report's charts: matplotlib Figures rendered straight to SVG, inlined in the page.

No pyplot, so no global backend or figure registry is touched (other code in the process may
use pyplot); every chart is drawn from the summary alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analyzer.audit.report.words import ELEMENT_NAMES, capital, number, pct
from analyzer.audit.summary import SCORE_BINS
from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS, RUBRIC_ELEMENTS

CHART_GROUPS = 10
LABEL_COLOURS = {AWARENESS: "#2563eb", FEATURE: "#d97706", CHANGE: "#15803d"}


def top_groups(groups: Sequence[Mapping[str, Any]], limit: int, unnamed: str) -> list[dict[str, Any]]:
    """The first `limit` groups that have analyzed pieces, with display names ("blog (inferred)");
    the rest merged as "other"."""
    charted = [group for group in groups if group["analyzed"]]  # a group that all failed has no mix to show
    shown = [
        {
            **group,
            "name": unnamed
            if not group["name"]
            else str(group["name"]) + (" (inferred)" if group.get("inferred") else ""),
        }
        for group in charted[:limit]
        if "merged" not in group
    ]
    rest = charted[len(shown) :]
    if rest:
        counts = {label: sum(group["counts"][label] for group in rest) for label in LABELS}
        analyzed = sum(counts.values())
        shown.append(
            {
                "name": "other",
                "analyzed": analyzed,
                "failed": sum(group["failed"] for group in rest),
                "counts": counts,
                "shares": {label: n / analyzed if analyzed else 0.0 for label, n in counts.items()},
                "merged": len(rest),
            }
        )
    return shown


def timeline(by_month: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Periods to chart from the months with dated documents: (periods in date order, unit).

    The unit is the finest of month, quarter and year that gives at most `CHART_PERIODS` bars
    and, when it can, at least `MIN_PER_PERIOD` documents a bar on average: 42 documents over
    two years are 8 quarters, not 24 months of one or two each. Empty periods in between are
    kept (a gap in publishing is a finding); a sparse tail of old periods holding under a tenth
    of the documents is merged into one first bar ("before 2023"). Each period is
    `{name, start, counts, analyzed}`.
    """
    months = sorted((str(g["name"]), g["counts"]) for g in by_month if g.get("name"))
    if not months:
        return [], "month"
    total = sum(sum(counts.values()) for _, counts in months)
    # the oldest months that together hold under a tenth of the documents, when they are several
    tail, running = 0, 0
    for k, (_, counts) in enumerate(months):
        running += sum(counts.values())
        if running > total * OLD_TAIL_SHARE:
            break
        tail = k + 1
    dense_from = months[tail][0] if 1 < tail < len(months) else months[0][0]
    unit = "month"
    for unit in ("month", "quarter", "year"):
        periods = _periods([m for m in months if m[0] >= dense_from], unit)
        enough = sum(p["analyzed"] for p in periods) >= MIN_PER_PERIOD * len(periods)
        if len(periods) <= CHART_PERIODS and enough:
            break
        if unit == "year" or (len(periods) <= CHART_PERIODS and _span(periods, unit) < 3):
            break  # a coarser unit would leave too few bars to show a trend
    # the tail: every month before the first period shown, as one bar
    start = _period_start(dense_from, unit)
    head = [counts for month, counts in months if month < start]
    periods = _periods([m for m in months if m[0] >= start], unit)
    if head:
        counts = {label: sum(int(c.get(label, 0)) for c in head) for label in LABELS}
        periods.insert(0, {"name": f"before {periods[0]['name']}", "counts": counts, "analyzed": sum(counts.values())})
    return periods, unit


#: Bars in the timeline at most, and documents a bar should have on average.
CHART_PERIODS = 24
MIN_PER_PERIOD = 3
#: The oldest periods holding under this share of the dated documents are merged into one bar.
OLD_TAIL_SHARE = 0.1
_STEP = {"month": 1, "quarter": 3, "year": 12}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _index(month: str, unit: str) -> int:
    """The number of the period a `YYYY-MM` month falls in, counted from year 0."""
    return (int(month[:4]) * 12 + int(month[5:7]) - 1) // _STEP[unit]


def _period_start(month: str, unit: str) -> str:
    """The first month (`YYYY-MM`) of the period `month` falls in."""
    first = _index(month, unit) * _STEP[unit]
    return f"{first // 12:04d}-{first % 12 + 1:02d}"


def _span(periods: Sequence[Mapping[str, Any]], unit: str) -> int:
    """How many bars the next coarser unit would give for the same months."""
    return -(-len(periods) * _STEP[unit] // (_STEP[unit] * (4 if unit == "quarter" else 3)))


def _periods(months: Sequence[tuple[str, Mapping[str, int]]], unit: str) -> list[dict[str, Any]]:
    """Every period from the first month to the last (empty ones included), with label counts."""
    if not months:
        return []
    first, last = _index(months[0][0], unit), _index(months[-1][0], unit)
    periods: list[dict[str, Any]] = [
        {"name": _period_name(k, unit), "counts": dict.fromkeys(LABELS, 0), "analyzed": 0}
        for k in range(first, last + 1)
    ]
    for month, counts in months:
        period = periods[_index(month, unit) - first]
        for label in LABELS:
            period["counts"][label] += int(counts.get(label, 0))
            period["analyzed"] += int(counts.get(label, 0))
    return periods


def _period_name(k: int, unit: str) -> str:
    if unit == "month":
        return f"{_MONTH_NAMES[k % 12]} {k // 12}"
    if unit == "quarter":
        return f"Q{k % 4 + 1} {k // 4}"
    return str(k)


# Charts: matplotlib Figures rendered straight to SVG, without pyplot, so no global backend
# or figure registry is touched (other code in the process may use pyplot).


@contextmanager
def _chart_style(salt: str) -> Iterator[None]:
    """Readable, deterministic SVG: a fixed id salt per chart, text kept as text, no math parsing."""
    with matplotlib.rc_context(
        {
            "svg.hashsalt": f"analyzer-report-{salt}",
            "svg.fonttype": "none",
            "text.parse_math": False,  # a "$" in a section name is text, not TeX
            "font.family": ["DejaVu Sans"],
            "font.size": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
        }
    ):
        yield


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _legend(axes: Axes) -> None:
    axes.legend(
        handles=[Patch(facecolor=LABEL_COLOURS[label], label=label) for label in LABELS],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=len(LABELS),
        frameon=False,
        fontsize=10,
    )


def mix_chart(salt: str, groups: Sequence[Mapping[str, Any]]) -> str:
    """Horizontal 100% bars, one per group, largest first."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 0.9 + 0.45 * len(groups)))
        axes = figure.add_subplot()
        names = [f"{_short(str(g['name']))} (n={g['analyzed']:,})" for g in groups]
        left = [0.0] * len(groups)
        for label in LABELS:
            widths = [100 * g["shares"][label] for g in groups]
            bars = axes.barh(names, widths, left=left, color=LABEL_COLOURS[label], height=0.7)
            for bar, width in zip(bars, widths, strict=True):
                if width >= 7:
                    axes.text(
                        bar.get_x() + width / 2,
                        bar.get_y() + bar.get_height() / 2,
                        f"{round(width)}%",
                        ha="center",
                        va="center",
                        color="white",
                        fontsize=10,
                    )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.set_xlim(0, 100)
        axes.invert_yaxis()
        axes.set_xlabel("share of analyzed pieces (%)")
        _legend(axes)
        return _svg(figure)


def timeline_chart(salt: str, periods: Sequence[Mapping[str, Any]]) -> str:
    """Analyzed pieces per period, stacked by message, in date order; labels on two lines."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 4))
        axes = figure.add_subplot()
        positions = list(range(len(periods)))
        bottom = [0] * len(periods)
        for label in LABELS:
            heights = [int(p["counts"][label]) for p in periods]
            axes.bar(positions, heights, bottom=bottom, color=LABEL_COLOURS[label], width=0.75)
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        every = max(1, -(-len(periods) // 12))  # at most 12 labels: they never overlap
        axes.set_xticks(positions[::every])
        axes.set_xticklabels([_tick(str(p["name"])) for p in periods[::every]], fontsize=9)
        for position, total in zip(positions, bottom, strict=True):
            if total and len(periods) <= 16:
                axes.text(position, total, f"{total:,}", ha="center", va="bottom", fontsize=9)
        axes.set_ylim(0, max([*bottom, 1]) * 1.15)
        axes.set_ylabel("pieces analyzed")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(axes)
        return _svg(figure)


def _tick(name: str) -> str:
    """ "Mar 2024" as "Mar\n2024", "before Q3 2023" as "before\nQ3 2023": short lines that fit."""
    first, _, rest = name.partition(" ")
    return f"{first}\n{rest}" if rest else first


def histogram_chart(salt: str, scores: Mapping[str, Any]) -> str:
    """Pieces per score band of 10, stacked by message, with the median and mean marked."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 4))
        axes = figure.add_subplot()
        starts = [row["from"] for row in scores["histogram"]]
        bottom = [0] * len(starts)
        for label in LABELS:
            heights = [row["counts"][label] for row in scores["histogram"]]
            axes.bar(starts, heights, bottom=bottom, width=9.2, align="edge", color=LABEL_COLOURS[label])
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        axes.axvline(scores["median"], color="#111827", linestyle="--", linewidth=1.5)
        axes.text(
            scores["median"],
            0.97,
            f" median {number(scores['median'])}",
            transform=axes.get_xaxis_transform(),
            va="top",
            fontsize=10,
        )
        axes.set_ylim(0, max(bottom) * 1.12)
        axes.set_xlim(0, 100)
        axes.set_xticks([10 * k for k in range(SCORE_BINS + 1)])
        axes.set_xlabel("case-for-change score")
        axes.set_ylabel("pieces")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(axes)
        return _svg(figure)


def rubric_chart(salt: str, rubric: Mapping[str, Mapping[str, Any]], analyzed: int) -> str:
    """Share of pieces that answer each rubric question."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 2.4))
        axes = figure.add_subplot()
        names = [capital(ELEMENT_NAMES[element]) for element in RUBRIC_ELEMENTS]
        shares = [100 * rubric[element]["share"] for element in RUBRIC_ELEMENTS]
        axes.barh(names, [100] * len(names), color="#e5e7eb", height=0.6)
        axes.barh(names, shares, color=LABEL_COLOURS[CHANGE], height=0.6)
        for y, element in enumerate(RUBRIC_ELEMENTS):
            present = rubric[element]["present"]
            axes.text(
                101, y, f"{pct(rubric[element]['share'])} ({present:,} of {analyzed:,})", va="center", fontsize=10
            )
        axes.set_xlim(0, 100)
        axes.invert_yaxis()
        axes.set_xlabel("share of analyzed pieces that answer it (%)")
        return _svg(figure)
