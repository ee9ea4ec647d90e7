"""The report page (`report.html`): a briefing for a content lead, rendered from the summary.

Headline findings in plain words first, then the trends since an earlier audit (when compared),
then the charts, the pieces to fix first, every document in a table, what could not be
analyzed and what to do. One self-contained file: inline CSS, charts as SVG, the table's
script inline and allowed by its hash, and a Content-Security-Policy that forbids loading
anything. Every string that comes from a document is escaped; only http(s) URLs become links,
and each document's title links to its page in `docs/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.audit.report.charts import (
    CHART_GROUPS,
    histogram_chart,
    mix_chart,
    rubric_chart,
    timeline,
    timeline_chart,
    top_groups,
)
from analyzer.audit.report.page import asset, head, tail
from analyzer.audit.report.trends import trends_section
from analyzer.audit.report.words import (
    ELEMENT_NAMES,
    audited,
    capital,
    chip,
    duration,
    escape,
    first_alternative,
    join,
    link,
    number,
    pct,
    placeholders,
    plural,
    sentence_number,
    verdict,
)
from analyzer.audit.summary import parse_datetime
from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS, RUBRIC_ELEMENTS

PAGE_FAILURES = 100
#: A score from which a piece counts as a strong case for change in the headlines.
STRONG_SCORE = 60
#: Analyzed pieces a doc type needs before the headlines compare it with others.
MIN_COMPARED = 5

#: What each label means for the reader, in one line (from the annotation guide).
LABEL_MEANINGS = {
    AWARENESS: "Tells the reader about the company, an event or a topic, and stops there: nothing to weigh, "
    "no reason to act.",
    FEATURE: "Describes what the product has, does or costs; the reader's own situation is never questioned.",
    CHANGE: "Argues that the reader's current way of working no longer holds and what standing still costs: "
    "a reason to act now, before any product is named.",
}
#: The label as a verb phrase, for sentences like "62% of the library only builds awareness".
LABEL_PHRASES = {AWARENESS: "only builds awareness", FEATURE: "pitches features", CHANGE: "makes a case for change"}
ELEMENT_QUESTIONS = {
    "why_change": "Why change? What has shifted in the reader's world so the current way no longer works.",
    "price_of_inaction": "The price of inaction: what the reader loses, risks or pays by doing nothing.",
    "future_state": "The future state: where the reader must get to, and the first step.",
}
SCORE_FORMULA = (
    "The case-for-change score (0-100) is 40% the model's confidence that the piece as a whole makes a case "
    "for change, plus 20% for each of the three questions it answers: why change, the price of inaction, "
    "the future state."
)


#: Where the documents table goes in the page; `page_parts` splits the page there.
DOCUMENTS_TABLE = "<!-- the documents table -->"


def page_parts(
    summary: Mapping[str, Any], *, trends: Mapping[str, Any] | None = None, script: bool = True
) -> tuple[str, str]:
    """The briefing page for `Summary.figures` (and the comparison with an earlier audit), as
    the part before the documents table and the part after it: the writer streams the table in
    between (`DocumentsTable.write_pages`). With `script`, the table's script is inlined and its
    hash is in the policy."""
    run = summary["run"]
    sources = run.get("sources")
    sources_text = ", ".join(str(s) for s in sources) if isinstance(sources, list) and sources else "the library"
    totals = summary["totals"]
    code = asset("table.js") if script else None
    parts = [
        head(f"Content audit: {sources_text}", asset("report.css"), script=code),
        '<header class="top">',
        "<h1>Content audit</h1>",
        f"<p>{plural(totals['documents'], 'document')} from {escape(sources_text)}{escape(audited(run))}</p>",
        "</header>",
        "<main>",
        _findings_section(summary),
        trends_section(trends) if trends else "",
        _labels_section(),
        _charts_section(summary),
        _fixes_section(summary),
        DOCUMENTS_TABLE,
        _failures_section(summary),
        _run_section(summary),
        "</main>",
        tail(code),
    ]
    before, after = "\n".join(part for part in parts if part).split(DOCUMENTS_TABLE)
    return before, after


def headlines(summary: Mapping[str, Any]) -> list[str]:
    """The findings in plain words, most important first (plain text, not yet escaped)."""
    totals = summary["totals"]
    documents, analyzed, failed = totals["documents"], totals["analyzed"], totals["failed"]
    if documents == 0:
        return ["The audit found no documents to read."]
    lines: list[str] = []
    if analyzed == 0:
        lines.append(
            f"None of the {plural(documents, 'document')} could be analyzed; the reasons, and what to do, are at "
            "the end of this page."
        )
        return lines
    shares = summary["labels"]["shares"]
    mix = sorted(LABELS, key=lambda label: (-shares[label], LABELS.index(label)))
    lines.append(
        f"{pct(shares[mix[0]])} of the library {LABEL_PHRASES[mix[0]]}, {pct(shares[mix[1]])} "
        f"{LABEL_PHRASES[mix[1]]} and {pct(shares[mix[2]])} {LABEL_PHRASES[mix[2]]}."
    )
    rubric = summary["rubric"]
    gaps = sorted(RUBRIC_ELEMENTS, key=lambda e: (-rubric[e]["missing"], RUBRIC_ELEMENTS.index(e)))
    first, *others = (f"{ELEMENT_NAMES[e]} from {pct(rubric[e]['missing'] / analyzed)}" for e in gaps)
    lines.append(capital(f"{first.replace(' from ', ' is missing from ', 1)} of pieces, {join(others)}."))
    strong = sum(row["count"] for row in summary["scores"]["histogram"] if row["from"] >= STRONG_SCORE)
    lines.append(
        f"The median case-for-change score is {number(summary['scores']['median'])} out of 100; "
        f"{plural(strong, 'piece')} ({pct(strong / analyzed)}) {'scores' if strong == 1 else 'score'} "
        f"{STRONG_SCORE} or more."
    )
    compared = [g for g in summary["by_doc_type"] if g["name"] is not None and "merged" not in g]
    compared = [g for g in compared if g["analyzed"] >= MIN_COMPARED]
    if len(compared) >= 2:
        best = max(compared, key=lambda g: (g["shares"][CHANGE], -compared.index(g)))
        worst = min(compared, key=lambda g: (g["shares"][CHANGE], compared.index(g)))
        if best["shares"][CHANGE] > worst["shares"][CHANGE]:
            lines.append(
                f"Pieces of type {best['name']} make a case for change most often ({pct(best['shares'][CHANGE])}); "
                f"{worst['name']} least often ({pct(worst['shares'][CHANGE])})."
            )
    items = summary["fix_first"]["items"]
    if items:
        rewrites = sum(bool(item["suggestion"]) for item in items)
        lines.append(
            f"“Fix these first” lists the {plural(len(items), 'piece')} with the most room to grow, each from its "
            f"main claim: {plural(rewrites, 'piece')} with a rewrite on offer, "
            f"{plural(len(items) - rewrites, 'piece')} with the questions to answer there."
        )
    if failed:
        by_code = summary["failures"]["by_code"]
        common = by_code[0]
        most_often = (
            f" (most often: {common['what'][0].lower()}{common['what'][1:]}, {common['count']:,})"
            if common["count"] > 1 and (len(by_code) == 1 or common["count"] > by_code[1]["count"])
            else ""
        )
        lines.append(
            f"{failed:,} of {plural(documents, 'document')} could not be analyzed{most_often}; "
            "what to do is at the end of this page."
        )
    return lines


def _findings_section(summary: Mapping[str, Any]) -> str:
    totals = summary["totals"]
    analyzed = totals["analyzed"]
    figures = [
        (f"{totals['analyzed']:,}", "pieces analyzed"),
        (f"{totals['failed']:,}", "could not be analyzed"),
    ]
    if analyzed:
        figures += [
            (pct(summary["labels"]["shares"][CHANGE]), "make a case for change"),
            (f"{number(summary['scores']['median'])}/100", "median case-for-change score"),
        ]
    return "\n".join(
        [
            '<section class="card" id="findings" aria-labelledby="findings-title">',
            '<h2 id="findings-title">What we found</h2>',
            '<ul class="headlines">',
            *(f"<li>{escape(line)}</li>" for line in headlines(summary)),
            "</ul>",
            '<ul class="figures">',
            *(f"<li><strong>{escape(value)}</strong>{escape(caption)}</li>" for value, caption in figures),
            "</ul>",
            "</section>",
        ]
    )


def _labels_section() -> str:
    return "\n".join(
        [
            '<section class="card" id="labels" aria-labelledby="labels-title">',
            '<h2 id="labels-title">The three messages</h2>',
            '<p class="muted">Every piece is labelled by the message that fills most of it and that it ends on.</p>',
            '<ul class="legend">',
            *(f"<li>{chip(label)} {escape(LABEL_MEANINGS[label])}</li>" for label in LABELS),
            "</ul>",
            "<h3>A case for change answers three questions</h3>",
            '<ul class="legend">',
            *(f"<li>{escape(ELEMENT_QUESTIONS[element])}</li>" for element in RUBRIC_ELEMENTS),
            "</ul>",
            f'<p class="muted">{escape(SCORE_FORMULA)}</p>',
            "</section>",
        ]
    )


def _charts_section(summary: Mapping[str, Any]) -> str:
    parts = [
        '<section class="card" id="charts" aria-labelledby="charts-title">',
        '<h2 id="charts-title">The library at a glance</h2>',
    ]
    if not summary["totals"]["analyzed"]:
        parts += ['<p class="muted">No piece could be analyzed, so there is nothing to chart.</p>', "</section>"]
        return "\n".join(parts)
    overall = [{"name": "All pieces", **{k: summary["totals"][k] for k in ("analyzed", "failed")}, **summary["labels"]}]
    parts.append(
        _figure(
            "mix-overall",
            "The message mix",
            mix_chart("mix-overall", overall),
            "Share of analyzed pieces by message.",
        )
    )
    by_type = summary["by_doc_type"]
    if any(group["name"] is not None for group in by_type):
        kinds = top_groups(by_type, CHART_GROUPS, "(no type)")
        parts.append(
            _figure(
                "mix-doc-type",
                "By kind of piece",
                mix_chart("mix-doc-type", kinds),
                "Share of each message within each kind of piece; n is the number analyzed."
                + (" The largest are shown; the rest are merged into “other”." if "merged" in kinds[-1] else ""),
            )
        )
    else:
        parts.append('<p class="muted">The sources gave no document types, so there is no breakdown by kind.</p>')
    by_section = summary["by_section"]
    if any(group["name"] for group in by_section):
        sections = top_groups(by_section, CHART_GROUPS, "(top level)")
        merged = " The largest are shown; the rest are merged into “other”." if "merged" in sections[-1] else ""
        parts.append(
            _figure(
                "mix-section",
                "By folder or site section",
                mix_chart("mix-section", sections),
                f"Share of each message within each folder or site section; n is the number analyzed.{merged}",
            )
        )
    else:
        parts.append('<p class="muted">Every piece sits at the top level: there are no sections to compare.</p>')
    by_month = summary["by_month"]
    if by_month:
        periods, unit = timeline(by_month)
        older = " The first bar gathers the few older pieces." if periods[0]["name"].startswith("before") else ""
        parts.append(
            _figure(
                "mix-month",
                f"Pieces published per {unit}",
                timeline_chart("mix-month", periods),
                f"Pieces analyzed per {unit} of publication, coloured by message.{older} "
                f"{summary['totals']['dated']:,} of {summary['totals']['documents']:,} documents have a known date.",
            )
        )
    else:
        parts.append('<p class="muted">No publication dates were known, so there is no timeline.</p>')
    scores = summary["scores"]
    parts.append(
        _figure(
            "scores",
            "Case-for-change scores",
            histogram_chart("scores", scores),
            f"Pieces per score band, coloured by message; median {number(scores['median'])}, "
            f"mean {number(scores['mean'])}.",
        )
    )
    parts.append(
        _figure(
            "rubric",
            "The three questions",
            rubric_chart("rubric", summary["rubric"], summary["totals"]["analyzed"]),
            "Share of analyzed pieces that answer each question of a case for change.",
        )
    )
    parts.append("</section>")
    return "\n".join(parts)


def _figure(name: str, title: str, svg: str, caption: str) -> str:
    return (
        f'<figure class="chart" id="chart-{name}" aria-labelledby="chart-{name}-title">\n'
        f'<h3 id="chart-{name}-title">{escape(title)}</h3>\n'
        f'<div class="chart-image" role="img" aria-label="{escape(title)}: {escape(caption)}">\n{svg}</div>\n'
        f"<figcaption>{escape(caption)}</figcaption>\n</figure>"
    )


def _fixes_section(summary: Mapping[str, Any]) -> str:
    items = summary["fix_first"]["items"]
    parts = [
        '<section class="card" id="fix-first" aria-labelledby="fix-first-title">',
        '<h2 id="fix-first-title">Fix these first</h2>',
        f'<p class="muted">{escape(summary["fix_first"]["ranking"])} '
        "Bracketed parts of a rewrite are yours to fill in.</p>",
    ]
    if not items:
        nothing = (
            "No piece has a claim to work on or a rewrite on offer"
            + ("" if summary["run"].get("include_news") else " (company news is left alone without --include-news)")
            + ": the table of all documents shows what each one misses."
            if summary["totals"]["analyzed"]
            else "No piece was analyzed, so there is nothing to rank."
        )
        parts += [f"<p>{escape(nothing)}</p>", "</section>"]
        return "\n".join(parts)
    parts.append('<ol class="fixes">')
    for item in items:
        missing = ", ".join(ELEMENT_NAMES[e] for e in item["missing"]) or "nothing: all three questions are answered"
        meta = [
            verdict(item["label"], item.get("mixed"), item.get("scores")),
            f"score {item['case_for_change_score']}/100",
        ]
        if item.get("doc_type"):
            meta.append(escape(str(item["doc_type"])) + (" (inferred)" if item.get("doc_type_inferred") else ""))
        meta += [escape(str(item[key])) for key in ("section", "published") if item.get(key)]
        if item.get("url"):
            meta.append(link("web page", item.get("url")))
        where = item.get("location") or ""
        parts += [
            "<li>",
            f'<div class="piece-title">{_page_link(item)}</div>',
            f'<div class="piece-meta">{" · ".join(meta)}</div>',
            f'<div class="piece-meta">{escape(str(where))}</div>' if where and where != item.get("url") else "",
            f"<div>Missing: {escape(capital(missing))}</div>",
        ]
        suggestion, claim = item["suggestion"], item.get("main_claim")
        rewrite = first_alternative(suggestion)
        questions = [str(q) for q in item.get("questions") or ()]
        if suggestion and rewrite:
            target = ELEMENT_NAMES.get(rewrite["move"], rewrite["move"])
            parts += [
                '<dl class="rewrite">',
                f"<dt>{escape(sentence_number(suggestion.get('sentence')))}</dt>"
                f'<dd class="before">{escape(str(suggestion.get("original") or ""))}</dd>',
                f'<dt>After</dt><dd class="after">{placeholders(rewrite["text"])}</dd>',
                f'<dt>Why</dt><dd class="why">{escape(rewrite["rationale"])}'
                + (f" (adds {escape(target)})" if target else "")
                + "</dd>",
                "</dl>",
            ]
        elif isinstance(claim, Mapping) and isinstance(claim.get("sentence"), int):
            asks = "".join(f"<li>{escape(q)}</li>" for q in questions)
            parts += [
                '<dl class="rewrite">',
                f"<dt>{escape(sentence_number(claim['sentence']))}</dt>"
                f'<dd class="before">{escape(str(claim.get("text") or ""))}</dd>',
                '<dt>Ask</dt><dd class="ask">No rewrite on offer for its main claim: '
                + (f"answer these around it.<ul>{asks}</ul>" if asks else "its page shows what it is missing.")
                + "</dd>",
                "</dl>",
            ]
        else:
            parts.append('<p class="muted">No rewrite on offer for this piece; its page shows what it is missing.</p>')
        parts.append("</li>")
    parts += ["</ol>", "</section>"]
    return "\n".join(part for part in parts if part)


def _page_link(item: Mapping[str, Any]) -> str:
    """A document's title, linked to its page in docs/ (a path we made, never a document's text)."""
    page = item.get("page")
    if isinstance(page, str) and page.startswith("docs/"):
        return f'<a href="{escape(page)}">{escape(str(item["title"]))}</a>'
    return escape(str(item["title"]))


def _failures_section(summary: Mapping[str, Any]) -> str:
    failures = summary["failures"]
    parts = [
        '<section class="card" id="failures" aria-labelledby="failures-title">',
        '<h2 id="failures-title">Documents that could not be analyzed</h2>',
    ]
    if not failures["count"]:
        parts += ["<p>Every document was analyzed.</p>", "</section>"]
        return "\n".join(parts)
    parts += [
        f"<p>{plural(failures['count'], 'document')} could not be analyzed. By reason:</p>",
        "<table>",
        '<thead><tr><th scope="col">Reason</th><th scope="col" class="num">Documents</th>'
        '<th scope="col">What to do</th></tr></thead>',
        "<tbody>",
        *(
            f'<tr><td><span class="error-code">{escape(row["code"])}</span> {escape(row["what"])}</td>'
            f'<td class="num">{row["count"]:,}</td><td>{escape(row["action"])}</td></tr>'
            for row in failures["by_code"]
        ),
        "</tbody>",
        "</table>",
        "<h3>The documents</h3>",
        '<table class="failures-list">',
        '<thead><tr><th scope="col">Document</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>',
        "<tbody>",
    ]
    for item in failures["items"][:PAGE_FAILURES]:
        where = item.get("location") or ""
        parts.append(
            f"<tr><td>{_page_link(item)}"
            + (f'<div class="piece-meta">{link(str(where), item.get("url"))}</div>' if where else "")
            + f'</td><td><span class="error-code">{escape(item["code"])}</span></td>'
            + f"<td>{escape(item['message'])}</td></tr>"
        )
    parts += ["</tbody>", "</table>"]
    hidden = failures["count"] - min(len(failures["items"]), PAGE_FAILURES)
    if hidden > 0:
        parts.append(f'<p class="muted">…and {hidden:,} more: every one is in results.jsonl.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _run_section(summary: Mapping[str, Any]) -> str:
    run = summary["run"]
    rows: list[tuple[str, str]] = []
    if run.get("sources"):
        sources = run["sources"]
        rows.append(("Sources", ", ".join(map(str, sources)) if isinstance(sources, list) else str(sources)))
    if run.get("model"):
        rows.append(("Model", str(run["model"])))
    for key, name in (("started", "Started"), ("finished", "Finished")):
        if run.get(key):
            moment = parse_datetime(run[key])
            rows.append((name, moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else str(run[key])))
    if isinstance(run.get("duration_seconds"), int | float):
        rows.append(("Duration", duration(float(run["duration_seconds"]))))
    if run.get("jobs"):
        rows.append(("Parallel jobs", str(run["jobs"])))
    if run.get("cluster"):
        rows.append(("Cluster", str(run["cluster"])))
    if isinstance(run.get("resumed"), int) and run["resumed"]:
        rows.append(("Carried over from an earlier run", f"{run['resumed']:,} documents"))
    totals = summary["totals"]
    rows.append(("Words analyzed", f"{totals['words']:,}"))
    if totals["analyzed"]:
        rows.append(("Uncertain labels", f"{totals['uncertain']:,} (the model was under 60% sure: worth a read)"))
    return "\n".join(
        [
            '<section class="card" id="run" aria-labelledby="run-title">',
            '<h2 id="run-title">About this audit</h2>',
            '<dl class="run">',
            *(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in rows),
            "</dl>",
            '<p class="muted">Every figure on this page is also in summary.json; every document\'s result is in '
            "results.jsonl.</p>",
            "</section>",
        ]
    )
