"""WordPress exports (WXR): posts and pages, with their titles, dates and links, streamed."""

from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from analyzer.audit.sources.document import (
    INVALID_ERROR,
    READ_ERROR,
    SourceDocument,
    normalize_date,
    too_large_reason,
    url_section,
)
from analyzer.audit.sources.exports import safe_filename
from analyzer.audit.sources.xmlstream import iterparse, open_maybe_gzip, release
from analyzer.errors import InputError, TooLargeError
from analyzer.text.extract import DEFAULT_LIMITS, Limits

#: WordPress export namespaces are versioned (`http://wordpress.org/export/1.2/`).
WXR_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
#: WordPress post types an audit reads, and the doc_type each becomes.
WXR_DOC_TYPES = {"post": "blog-post", "page": "page"}

#: A gzipped WordPress export may unpack to this much (exports of big sites run to gigabytes).
WXR_MAX_UNPACKED_BYTES = 20_000_000_000
_WXR_NAMESPACE = re.compile(r"http://wordpress\.org/export/[0-9.]+/")


def iter_wxr(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[SourceDocument]:
    """Published posts and pages of a WordPress export (WXR), streamed item by item.

    Attachments, revisions, menu items and custom post types are not collateral and are
    skipped; so are drafts, pending, private, scheduled and trashed items: an audit measures
    what readers can read (`analyzer check` is the tool for drafts).
    """
    name = path.name
    try:
        with open_maybe_gzip(path, WXR_MAX_UNPACKED_BYTES) as stream:
            depth = 0
            for event, element in iterparse(stream, source):
                depth += 1 if event == "start" else -1
                if event != "end":
                    continue
                if etree.QName(element).localname == "item" and not etree.QName(element).namespace:
                    document = _wxr_document(element, path, source, limits)
                    release(element)
                    if document is not None:
                        yield document
                elif depth == 2:  # the channel's other children (authors, terms): not needed
                    release(element)
    except etree.XMLSyntaxError as exc:
        reason = f"{name} is not well-formed XML at line {exc.lineno} ({exc.msg}); the items after it are not read."
        yield SourceDocument(
            source, f"{name}:{exc.lineno}", f"{path}:{exc.lineno}", "", name, None, reason, INVALID_ERROR
        )
    except (InputError, OSError, EOFError, zlib.error) as exc:  # a gzipped export that is corrupt or too big
        reason = f"{name} could not be read to the end ({exc}); the items after that point are not read."
        code = exc.code if isinstance(exc, InputError) else READ_ERROR
        yield SourceDocument(source, name, str(path), "", name, None, reason, code)


def _wxr_document(item: Any, path: Path, source: str, limits: Limits) -> SourceDocument | None:
    fields: dict[str, str] = {}
    for child in item:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        qname = etree.QName(child)
        namespace = qname.namespace or ""
        prefix = "wp:" if _WXR_NAMESPACE.fullmatch(namespace) else ""
        prefix = "content:" if namespace == CONTENT_NAMESPACE else prefix
        if prefix or not namespace:
            fields.setdefault(prefix + qname.localname, _field_text(child, markup=prefix == "content:"))
    post_type = fields.get("wp:post_type", "")
    if post_type not in WXR_DOC_TYPES or fields.get("wp:status", "publish") != "publish":
        return None
    post_id = fields.get("wp:post_id") or f"{path.name}:{item.sourceline}"
    link = fields.get("link") or None
    data = _wordpress_paragraphs(fields.get("content:encoded", "")).encode("utf-8", "surrogatepass")
    too_large = len(data) > limits.max_bytes
    return SourceDocument(
        source=source,
        id=post_id,
        location=link or f"{path}:{item.sourceline}",
        section=url_section(link) if link else "",
        filename=safe_filename(post_id) + ".html",
        data=None if too_large else data,
        error=too_large_reason(f"post {post_id}", len(data), limits) if too_large else None,
        error_code=TooLargeError.code if too_large else None,
        title=fields.get("title") or None,
        url=link,
        doc_type=WXR_DOC_TYPES[post_type],
        published=normalize_date(fields.get("wp:post_date")) or normalize_date(fields.get("pubDate")),
    )


def _field_text(element: Any, markup: bool) -> str:
    """An item field's text. WordPress wraps content in CDATA, but an export made or converted by
    other tools may hold it as child elements: then content keeps their markup, other fields
    their text."""
    if len(element) == 0:
        return (element.text or "").strip()
    if not markup:
        return "".join(element.itertext()).strip()
    content = copy.deepcopy(element)
    etree.cleanup_namespaces(content)  # the export's own namespaces are not the content's
    whole: str = etree.tostring(content, encoding="unicode", with_tail=False)
    return whole[whole.index(">") + 1 : whole.rindex("</")].strip()


_BLOCK_START = re.compile(r"<(p|div|h[1-6]|ul|ol|li|table|blockquote|pre|figure|section|hr|!--)[\s>/]", re.I)


def _wordpress_paragraphs(html: str) -> str:
    """Classic WordPress content marks paragraphs with blank lines, and adds the `<p>`s only when
    it renders (wpautop); without them a page's paragraphs would run together."""
    if re.search(r"<p[\s>]", html, re.I):
        return html
    chunks = (chunk.strip() for chunk in re.split(r"\n\s*\n", html))
    return "\n".join(chunk if _BLOCK_START.match(chunk) else f"<p>{chunk}</p>" for chunk in chunks if chunk)
