"""HTML: the main content (trafilatura), else the page without its boilerplate, as structured text.

The page is checked before it is parsed (tags, attributes, elements), since lxml and
trafilatura slow sharply on huge or hostile trees.
"""

from __future__ import annotations

import re
from typing import Any

from analyzer.errors import EmptyDocumentError, TooLargeError
from analyzer.text.extract.layout import TAG_ROLES, Extracted, Role, Writer, clean, walk
from analyzer.text.extract.limits import Limits

#: Below this many characters trafilatura's main-content result is likely its own rough
#: baseline (it merges headings into paragraphs), so our structural walk does better.
_MIN_MAIN_CONTENT = 250
#: Pages with far more text than the character limit are refused before extraction runs.
_HTML_TEXT_FACTOR = 5
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")
_START_TAG = re.compile(r"<[A-Za-z]")
#: A start tag, whose quoted values may hold ">" or "<".
_TAG = re.compile(r"<[A-Za-z](?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+")
#: Shorter tags cannot hold enough attributes to matter.
_LONG_TAG = 300
_QUOTED = re.compile(r"\"[^\"]*+\"|'[^']*+'")
#: Attribute pairs libxml2 may compare in a page (some 0.2 s).
_HTML_ATTRIBUTE_PAIRS = 20_000_000
#: How many more start tags than `max_html_elements` a page may have before it is parsed.
_HTML_TAG_SLACK = 4
_HTML_CODE = ("script", "style", "noscript", "template")
_HTML_DROP = frozenset(
    {
        *_HTML_CODE,
        *("head", "title", "meta", "link", "nav", "header", "footer", "aside", "menu", "dialog"),
        *("form", "button", "select", "option", "textarea", "iframe", "frame", "frameset"),
        *("svg", "math", "canvas", "object", "embed", "audio", "video", "picture", "img"),
    }
)
_HTML_DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
)
#: Cookie banners are divs like any other; their id or class gives them away.
_BOILERPLATE = re.compile(r"cookie|consent|gdpr", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: trafilatura's XML: head, p, list/item, table/row/cell, quote, code; hi and ref are inline.
_TRAFILATURA_ROLES: dict[str, Role] = {
    "item": "item",
    "row": "row",
    "cell": "cell",
    "lb": "break",
    "hi": "inline",
    "ref": "inline",
    "del": "inline",
    "graphic": "inline",
    "span": "inline",
}
_HTML_BLOCKS = frozenset(
    {
        *("p", "div", "section", "article", "main", "body", "blockquote", "pre", "address", "center", "hr"),
        *("ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "caption"),
        *("figure", "figcaption", "details", "summary", "fieldset", "legend"),
    }
)


def read_html(text: str, source: str, limits: Limits) -> Extracted:
    """The main content via trafilatura (boilerplate gone, headings kept), else a plain walk."""
    text = _XML_DECLARATION.sub("", clean(text), count=1)  # lxml refuses a str that names its encoding
    _check_html_tags(text, source, limits)
    tree = _parse_html(text)
    if tree is None:
        raise EmptyDocumentError(f"{source} has no text to analyze (an empty page). Give a page with some text.")
    elements = sum(1 for _ in tree.iter())
    if elements > limits.max_html_elements:
        raise TooLargeError(
            f"{source} has {elements:,} HTML elements, over the limit of {limits.max_html_elements:,}. "
            "Save the article alone (your browser's reader view, or copy its text) and send that."
        )
    chars = sum(len(piece) for piece in tree.itertext())
    if chars > _HTML_TEXT_FACTOR * limits.max_chars:
        raise TooLargeError(
            f"{source} holds {chars:,} characters of text, far over the limit of {limits.max_chars:,}. "
            "Split the page and analyze its parts."
        )
    title = _html_title(tree)
    main = _main_content(tree)
    if main is not None:
        writer = Writer(source, limits)
        walk(main, _trafilatura_role, writer)
        if sum(len(block[1]) for block in writer.blocks) >= _MIN_MAIN_CONTENT:
            return writer.finish("html", title=title or writer.first_heading(1))
    writer = Writer(source, limits)
    body = _parse_html(text)  # trafilatura may have changed the first tree
    walk(_strip_boilerplate(body), _html_role, writer)
    return writer.finish("html", title=title or writer.first_heading(1))


def _check_html_tags(text: str, source: str, limits: Limits) -> None:
    """Refuse a page with far too many start tags, or attributes, before lxml parses it.

    The element limit is checked on the parsed tree (after scripts and comments are gone), but
    the tree of a 19 MB page of 2 million paragraphs took 650 MB to build. Start tags in
    scripts and comments count here too, hence the slack. libxml2's HTML parser compares each
    attribute with every earlier one of its element: 32,000 on one element took 9.5 s.
    """
    limit = _HTML_TAG_SLACK * limits.max_html_elements
    if text.count("<") > limit:
        tags = sum(1 for _ in _START_TAG.finditer(text))
        if tags > limit:
            raise TooLargeError(
                f"{source} has {tags:,} HTML tags, far over the limit of {limits.max_html_elements:,} elements. "
                "Save the article alone (your browser's reader view, or copy its text) and send that."
            )
    pairs = 0
    for tag in _TAG.finditer(text):
        if tag.end() - tag.start() < _LONG_TAG:
            continue
        names = len({word.partition("=")[0] for word in _QUOTED.sub(" ", tag.group()).split()})
        pairs += names * (names - 1) // 2
        if pairs > _HTML_ATTRIBUTE_PAIRS:
            raise TooLargeError(
                f"{source} has elements with thousands of attributes (the first at character {tag.start():,}), "
                "which no page needs; it looks hostile. Save the article alone (your browser's reader view, "
                "or copy its text) and send that."
            )


def _html_title(tree: Any) -> str | None:
    """The title the page gives itself for sharing (Open Graph, Twitter), else its <title>."""
    for name in ("og:title", "twitter:title"):
        for meta in tree.iterfind(".//meta"):
            if name in (meta.get("property"), meta.get("name")) and (meta.get("content") or "").strip():
                return str(meta.get("content"))
    title = tree.findtext(".//title")
    return title if isinstance(title, str) and title.strip() else None


def _parse_html(text: str) -> Any:
    from lxml import etree
    from lxml import html as lxml_html

    if not text.strip():
        return None
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.LxmlError, ValueError):
        return None  # no element at all, e.g. only a comment
    # Scripts and styles are never content; big JSON blobs in scripts would count as text.
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *_HTML_CODE, with_tail=False)
    return tree


def _main_content(tree: Any) -> Any:
    """trafilatura's main content as its XML tree (head, p, list, table...), or None."""
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(
            tree,
            output_format="xml",
            fast=True,  # its fallbacks flatten headings and keep menus; ours does better
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
        )
        if not xml:
            return None
        document = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:  # an extractor crash on odd markup is not the reader's fault: walk the page instead
        return None
    return document.find("main")


def _trafilatura_role(element: Any) -> tuple[Role, int]:
    if element.tag == "head":
        match = re.fullmatch(r"h([1-6])", element.get("rend") or "")
        return "heading", int(match.group(1)) if match else 2
    return _TRAFILATURA_ROLES.get(element.tag, "block"), 0


def _html_role(element: Any) -> tuple[Role, int]:
    tag = element.tag.lower()
    if tag in _HTML_HEADINGS:
        return "heading", _HTML_HEADINGS[tag]
    if tag == "br":
        return "break", 0
    if tag in TAG_ROLES:
        return TAG_ROLES[tag], 0
    return ("block" if tag in _HTML_BLOCKS else "inline"), 0


def _strip_boilerplate(tree: Any) -> Any:
    """Drop scripts, styles, navigation, page header and footer, forms, asides and banners."""
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        marks = f"{element.get('id') or ''} {element.get('class') or ''}"
        if (
            (tag in _HTML_DROP and not (tag == "header" and _inside(element, ("article", "main"))))
            or (element.get("role") or "").lower() in _HTML_DROP_ROLES
            or element.get("hidden") is not None
            or element.get("aria-hidden") == "true"
            or _HIDDEN_STYLE.search(element.get("style") or "")
            or (tag not in ("html", "body", "main", "article") and _BOILERPLATE.search(marks))
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    body = tree.find("body")
    return body if body is not None else tree


def _inside(element: Any, tags: tuple[str, ...]) -> bool:
    return any(isinstance(parent.tag, str) and parent.tag.lower() in tags for parent in element.iterancestors())


def html_fragment(markup: str, writer: Writer) -> None:
    """Raw HTML inside Markdown: its text, without scripts, styles or navigation."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.LxmlError, ValueError):
        return
    etree.strip_elements(fragment, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    walk(_strip_boilerplate(fragment), _html_role, writer)
