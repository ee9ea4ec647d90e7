"""A page per document (`docs/<name>.html`): its analysis as the writer's web page shows it.

The verdict and scores, each question of a case for change with the sentences that answer it,
the suggested rewrites (every alternative), and the text with each sentence marked by its
message. Rendered from the record alone, escaped throughout, no script, the report's policy.
A file of a folder is linked by its path relative to the page; a web page by its URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from analyzer.audit.identity import describe, display_title, doc_type_of, is_web_url, local_file
from analyzer.audit.report.page import asset, head, tail
from analyzer.audit.report.words import (
    ELEMENT_NAMES,
    alternatives_of,
    chip,
    escape,
    fields,
    link,
    pct,
    placeholders,
    sentence_number,
    verdict,
)
from analyzer.audit.summary import advice
from analyzer.files import write_new_file
from analyzer.labels import CHANGE, LABELS, RUBRIC_ELEMENTS

QUESTIONS: Final = {
    "why_change": "Why change? What has shifted in the reader's world, so the current way no longer works.",
    "price_of_inaction": "What does inaction cost? What the reader loses, risks or pays by doing nothing.",
    "future_state": "What must the future look like? Where the reader has to get to, and the first step.",
}
MOVE_NAMES: Final = {**ELEMENT_NAMES, "": "a stronger case"}


class DocumentPages:
    """Writes each record's page into `staging` (a new folder that becomes `final`)."""

    def __init__(self, staging: Path, final: Path) -> None:
        self.staging = staging
        self.final = final.absolute()
        self.written = 0

    def add(self, record: Mapping[str, Any], name: str) -> None:
        """Write the page of `record` as `name` (its `page_name`)."""
        html = render_document(record, self.final)
        write_new_file(self.staging / name, html.encode("utf-8", "backslashreplace"))
        self.written += 1


@lru_cache(maxsize=4096)
def _relative_folder(folder: str, pages_dir: Path) -> str:
    """A folder relative to the pages' folder (cached: a library's files share few folders)."""
    return os.path.relpath(os.path.abspath(folder), pages_dir)


def render_document(record: Mapping[str, Any], pages_dir: Path) -> str:
    """The page of one record; `pages_dir` is where it will live (for links to local files)."""
    title = display_title(record)
    parts = [
        head(f"{title} · content audit", asset("document.css")),
        '<header class="top"><p><a href="../report.html">Content audit</a> \u203a document</p>',
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{_meta(record, pages_dir)}</p></header>',
        "<main>",
    ]
    if record.get("error") or record.get("label") not in LABELS:
        parts.append(_failure(record))
    else:
        parts += [_verdict(record), _rubric(record), _suggestion(record), _text(record)]
    parts += ["</main>", tail()]
    return "\n".join(parts)


def _meta(record: Mapping[str, Any], pages_dir: Path) -> str:
    doc_type, inferred = doc_type_of(record)
    facts = []
    if doc_type:
        facts.append(escape(doc_type) + (" (type inferred from its path or text)" if inferred else ""))
    for key, name in (("section", "section"), ("published", "published")):
        if record.get(key):
            facts.append(f"{name} {escape(str(record[key]))}")
    if isinstance(record.get("words"), int):
        facts.append(f"{record['words']:,} words")
    url, path = record.get("url"), local_file(record)
    if is_web_url(url):
        facts.append(link(str(url), url))
    if path:
        folder, name = os.path.split(path)
        target = os.path.join(_relative_folder(folder or ".", pages_dir), name)
        facts.append(f'<a href="{escape(quote(target.replace(os.sep, "/")))}">{escape(path)}</a>')
    elif not is_web_url(url):
        where = describe(
            str(record.get("source") or ""), str(record.get("id") or ""), str(record.get("location")), None
        )
        facts.append(escape(where))
    return " · ".join(facts)


def _failure(record: Mapping[str, Any]) -> str:
    error = fields(record.get("error"))
    code = str(error.get("code") or "analysis_failed")
    what, action = advice(code)
    return _card(
        "failure",
        "Could not be analyzed",
        f'<p><span class="error-code">{escape(code)}</span> {escape(what)}.</p>',
        f"<p>{escape(str(error.get('message') or ''))}</p>",
        f"<p><strong>What to do:</strong> {escape(action)}</p>",
    )


def _card(name: str, title: str, *body: str) -> str:
    """A section of the page, labelled by its heading."""
    return "\n".join(
        [
            f'<section class="card" aria-labelledby="{name}-title">',
            f'<h2 id="{name}-title">{title}</h2>',
            *body,
            "</section>",
        ]
    )


def _verdict(record: Mapping[str, Any]) -> str:
    scores = record.get("scores") or {}
    rows = "".join(
        f'<div class="score"><span>{chip(label)}</span><span class="bar"><span class="fill {label}" '
        f'style="width:{100 * float(scores.get(label, 0)):.1f}%"></span></span>'
        f'<span class="num">{pct(float(scores.get(label, 0)))}</span></div>'
        for label in LABELS
    )
    uncertain = (
        ' <span class="muted">(uncertain: the model was under 60% sure; read it yourself)</span>'
        if record.get("uncertain")
        else ""
    )
    score = int(record.get("case_for_change_score") or 0)
    return _card(
        "verdict",
        "What it does to a reader",
        f"<p>Reads as {verdict(record.get('label'), record.get('mixed'), scores)}{uncertain}</p>",
        f'<div class="scores">{rows}</div>',
        f'<p class="cfc">Case-for-change score <strong id="cfc-score">{score}</strong>/100</p>',
    )


def _rubric(record: Mapping[str, Any]) -> str:
    present = record.get("rubric") or {}
    evidence = fields(record.get("evidence"))
    coaching = fields(record.get("coaching"))
    items = []
    for element in RUBRIC_ELEMENTS:
        found = bool(present.get(element))
        detail = fields(evidence.get(element))
        sentences = [i for i in detail.get("sentences") or () if isinstance(i, int)]
        shown = ", ".join(f'<a href="#s{i + 1}">{sentence_number(i)}</a>' for i in sentences)
        score = f" Evidence {pct(float(detail['score']))}." if isinstance(detail.get("score"), int | float) else ""
        named = detail.get("named_by")
        if found and isinstance(named, str) and named:
            score = f" Named by the section \u201c{escape(named)}\u201d."
        questions = [str(q) for q in coaching.get(element) or () if not found]
        items.append(
            f'<li class="{"present" if found else "missing"}"><strong>{"✓ answered" if found else "✗ missing"}'
            f"</strong> {escape(QUESTIONS[element])}{score}"
            + (f" Shown by {shown}." if shown else "")
            + ("<ul>" + "".join(f"<li>{escape(q)}</li>" for q in questions) + "</ul>" if questions else "")
            + "</li>"
        )
    return _card("rubric", "The three questions of a case for change", f'<ul class="rubric">{"".join(items)}</ul>')


def _suggestion(record: Mapping[str, Any]) -> str:
    suggestion = record.get("suggestion")
    rewrites = alternatives_of(suggestion) if isinstance(suggestion, Mapping) else []
    if not isinstance(suggestion, Mapping) or not rewrites:
        claim = record.get("main_claim")
        if isinstance(claim, Mapping) and isinstance(claim.get("sentence"), int):
            index = claim["sentence"]
            then = "; answer the questions above in or around it" if record.get("coaching") else ""
            return _card(
                "rewrites",
                "Suggested rewrite",
                f'<p>No rewrite on offer. The piece\'s main claim is <a href="#s{index + 1}">'
                f"{escape(sentence_number(index).lower())}</a>{then}.</p>",
                '<dl class="rewrite"><dt>Claim</dt>'
                f'<dd class="before">{escape(str(claim.get("text") or ""))}</dd></dl>',
            )
        return _card("rewrites", "Suggested rewrite", "<p>No rewrite on offer for this piece.</p>")
    index = suggestion.get("sentence")
    first, *others = rewrites
    anchor = f'<a href="#s{index + 1}">{sentence_number(index)}</a>' if isinstance(index, int) else "A sentence"
    parts = [
        f"<p>{anchor}, toward {escape(MOVE_NAMES.get(first['move'], first['move']))}. "
        "Bracketed parts are yours to fill in.</p>",
        '<dl class="rewrite">',
        f'<dt>Before</dt><dd class="before">{escape(str(suggestion.get("original") or ""))}</dd>',
        f'<dt>After</dt><dd class="after">{placeholders(first["text"])}</dd>',
        f'<dt>Why</dt><dd class="why">{escape(first["rationale"])}</dd>',
        "</dl>",
    ]
    if others:
        parts += [
            "<h3>Other ways to rewrite it</h3>",
            '<ol class="alternatives">',
            *(
                f"<li><p>Toward {escape(MOVE_NAMES.get(a['move'], a['move']))}: "
                f'<span class="after">{placeholders(a["text"])}</span></p>'
                f'<p class="why">{escape(a["rationale"])}</p></li>'
                for a in others
            ),
            "</ol>",
        ]
    return _card("rewrites", "Suggested rewrite", *parts)


def _text(record: Mapping[str, Any]) -> str:
    text, sentences = record.get("text"), record.get("sentences")
    title = "The text, sentence by sentence"
    if not isinstance(text, str) or not isinstance(sentences, list):
        return _card(
            "text",
            title,
            '<p class="muted">This result was written before audits kept each document\'s text. Run the audit '
            "again with --overwrite to see its sentences here.</p>",
        )
    legend = " ".join(chip(label) for label in LABELS)
    return _card(
        "text",
        title,
        f'<p class="muted">Each sentence is coloured by its message: {legend}. Faded sentences carry no '
        "message of their own; outlined ones answer a question of a case for change; the underlined one has "
        "a suggested rewrite.</p>",
        f'<div class="text">{"".join(_marked(text, sentences, _roles(record)))}</div>',
    )


def _roles(record: Mapping[str, Any]) -> dict[int, str]:
    """Extra classes per sentence index: evidence of a rubric element, the rewritten sentence."""
    roles: dict[int, str] = {}
    for detail in (record.get("evidence") or {}).values():
        for index in (detail or {}).get("sentences") or ():
            roles[index] = " ev"
    suggestion = record.get("suggestion")
    if isinstance(suggestion, Mapping) and isinstance(suggestion.get("sentence"), int):
        roles[suggestion["sentence"]] = roles.get(suggestion["sentence"], "") + " sg"
    return roles


def _marked(text: str, sentences: Sequence[Any], roles: Mapping[int, str]) -> Iterator[str]:
    """The text, escaped, each sentence in a span with its number, label and case-for-change score.

    The pieces of text are escaped in one call (joined by NUL, which clean text never holds):
    a call per sentence was most of the time of writing 10,000 pages.
    """
    cursor, size, pieces, spans = 0, len(text), [], []
    for index, sentence in enumerate(sentences):
        try:
            start, end, label, change, low = sentence
            start, end = max(int(start), cursor), min(int(end), size)
            share = round(100 * float(change))
        except (TypeError, ValueError):
            continue  # a malformed entry: the text around it is still shown
        if end <= start:
            continue
        pieces.append(text[cursor:start])
        pieces.append(text[start:end])
        css = label if label in _LABEL_SET else ""
        number = index + 1
        spans.append(
            f'<span class="s {css}{" low" if low else ""}{roles.get(index, "")}" id="s{number}" '
            f'title="Sentence {number}: {css or "no label"}, {CHANGE} {share}%'
            f'{" (no message of its own)" if low else ""}"><sup>{number}</sup>'
        )
        cursor = end
    pieces.append(text[cursor:])
    escaped = escape("\0".join(pieces)).split("\0") if "\0" not in text else [escape(piece) for piece in pieces]
    for k, span in enumerate(spans):
        yield escaped[2 * k]
        yield span + escaped[2 * k + 1] + "</span>"
    yield escaped[-1]


_LABEL_SET = frozenset(LABELS)
