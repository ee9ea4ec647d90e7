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
#: Above this many months the timeline chart shows years (summary.json keeps every month).
CHART_MONTHS = 36
LABEL_COLOURS = {AWARENESS: "#2563eb", FEATURE: "#d97706", CHANGE: "#15803d"}


def top_groups(groups: Sequence[Mapping[str, Any]], limit: int, unnamed: str) -> list[dict[str, Any]]:
    """The first `limit` groups that have analyzed pieces, with display names; the rest merged as "other"."""
    charted = [group for group in groups if group["analyzed"]]  # a group that all failed has no mix to show
    shown = [
        {**group, "name": unnamed if not group["name"] else str(group["name"])}
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
    """Months, or years when there are more months than a chart can show legibly."""
    if len(by_month) <= CHART_MONTHS:
        return [dict(group) for group in by_month], "month"
    years: dict[str, dict[str, int]] = {}
    for group in by_month:
        counts = years.setdefault(group["name"][:4], dict.fromkeys(LABELS, 0))
        for label in LABELS:
            counts[label] += group["counts"][label]
    return [
        {
            "name": year,
            "analyzed": sum(counts.values()),
            "counts": counts,
            "shares": {label: n / sum(counts.values()) if sum(counts.values()) else 0.0 for label, n in counts.items()},
        }
        for year, counts in sorted(years.items())
    ], "year"


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
    """Vertical 100% bars, one per month or year, in date order."""
    with _chart_style(salt):
        figure = Figure(figsize=(9, 4))
        axes = figure.add_subplot()
        names = [str(p["name"]) for p in periods]
        bottom = [0.0] * len(periods)
        for label in LABELS:
            heights = [100 * p["shares"][label] for p in periods]
            axes.bar(names, heights, bottom=bottom, color=LABEL_COLOURS[label], width=0.75)
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        axes.set_ylim(0, 100)
        axes.set_ylabel("share of analyzed pieces (%)")
        if len(names) > 12:
            axes.tick_params(axis="x", labelrotation=60, labelsize=9)
        _legend(axes)
        return _svg(figure)


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
