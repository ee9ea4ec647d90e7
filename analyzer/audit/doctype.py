"""A document's type when its source gives none: from the words of its path or URL, else its text.

Folders of files and sitemaps carry no type, so without this a report groups most of a library
as "(no type)". The type is inferred with plain rules a reader can check (a `press/` folder, a
"FOR IMMEDIATE RELEASE" line, a "Subject:" header) and always shown as inferred; when no rule
fires the document stays without a type rather than get a guess. The names are the corpus's
document types. Measured on the corpus's 960 documents by `tests/test_identity.py`: see there.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote, urlsplit

#: Path or URL words that name a kind of piece, by the type they mean (whole words only).
PATH_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "press-release": ("press", "pressroom", "newsroom", "news", "press-releases", "press-release", "media-releases"),
    "case-study": ("case-study", "case-studies", "casestudies", "customer-stories", "success-stories", "customers"),
    "white-paper": ("whitepaper", "whitepapers", "white-paper", "white-papers", "ebook", "ebooks", "reports"),
    "event-page": ("event", "events", "webinar", "webinars", "conference", "meetups"),
    "release-notes": ("release-notes", "releasenotes", "changelog", "whats-new", "releases"),
    "help-article": ("help", "support", "kb", "knowledge-base", "faq", "docs", "documentation"),
    "newsletter": ("newsletter", "newsletters"),
    "email": ("email", "emails"),
    "landing-page": ("lp", "landing", "landing-pages", "campaign", "campaigns"),
    "product-page": ("product", "products", "features", "solutions", "platform", "pricing"),
    "article": ("article", "articles", "opinion", "insights"),
    "blog-post": ("blog", "blogs", "post", "posts"),
}
_PATH_TYPES: Final = {word: kind for kind, words in PATH_WORDS.items() for word in words}

#: Text rules, in order: (type, pattern over the document's opening, pattern over its close).
#: A rule fires when either of its patterns is found (None: not looked for).
_M = re.MULTILINE | re.IGNORECASE
TEXT_RULES: Final[tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None], ...]] = (
    (
        "press-release",
        re.compile(
            r"(?i:for immediate release)|^[A-Z][A-Z.' -]+,[^\n]{0,40}\b(19|20)\d\d\s*(--|\u2014|\u2013|-)\s", re.M
        ),
        re.compile(r"^(?i:(media|press) (contact|inquiries))\b|^About [A-Z][^\n]{0,60}$", re.M),
    ),
    ("email", re.compile(r"\Asubject: ", _M), None),
    (
        "newsletter",
        re.compile(r"\A[^\n]*(\n[^\n]*)?\b(issue #?\d+|no\. \d+\s*$)", _M),
        re.compile(r"view in browser|update (your )?preferences", _M),
    ),
    (
        "release-notes",
        re.compile(
            r"\A[^\n]*(release notes|what[\u2019']s new)|^version \d+(\.\d+)+|^\S+ \d+\.\d+(\.\d+)? is (out|live)", _M
        ),
        None,
    ),
    ("case-study", re.compile(r"\A(customer story|case study|success story)\b", _M), None),
    (
        "help-article",
        re.compile(r"^(updated \d+ \w+ ago|applies to:|reading time:|status: resolved|incident summary\b)", _M),
        re.compile(r"^still have questions\?", _M),
    ),
    (
        "white-paper",
        re.compile(r"\A(executive summary|appendix [a-z0-9]+:|section \d+:|table of contents)|\bwhite ?paper\b", _M),
        None,
    ),
    (
        "event-page",
        re.compile(
            r"\A(?:[^\n]*\n){0,3}[^\n]*\b(mon|tues|wednes|thurs|fri|satur|sun)day,? \w+ \d|\brsvp\b|\bregister now\b",
            _M,
        ),
        None,
    ),
    ("landing-page", None, re.compile(r"^\[(sign (me )?up|register|request|get|start|book|join)[^\]\n]{0,40}\]", _M)),
    ("article", re.compile(r"^(by [A-Z][a-z]+ [A-Z][\w-]+|opinion \|)", re.MULTILINE), None),
    ("blog-post", re.compile(r"^posted by\b|\b\d+ min(ute)? read\b", _M), None),
)
#: How much of the text the rules read: a type shows in a document's opening and close.
OPENING_CHARS: Final = 600
CLOSING_CHARS: Final = 400


def infer_doc_type(place: str, text: str | None = None) -> str | None:
    """The type of a document from its path or URL (`place`), else from its text; None when
    nothing says."""
    for word in _place_words(place):
        kind = _PATH_TYPES.get(word)
        if kind:
            return kind
    if not text:
        return None
    opening, closing = text[:OPENING_CHARS], text[-CLOSING_CHARS:]
    for kind, at_start, at_end in TEXT_RULES:
        if (at_start and at_start.search(opening)) or (at_end and at_end.search(closing)):
            return kind
    return None


def _place_words(place: str) -> list[str]:
    """The folder names of a path or URL path, deepest first, then its file name without the
    extension; lowercased. Whole names only: a slug like `how-we-help` is not a `help` page."""
    if place.startswith(("http://", "https://")):
        try:
            place = urlsplit(place).path
        except ValueError:
            return []
    segments = [unquote(segment).lower() for segment in re.split(r"[/\\]", place) if segment]
    if not segments:
        return []
    *folders, name = segments
    return [*reversed(folders), name.rsplit(".", 1)[0]]
