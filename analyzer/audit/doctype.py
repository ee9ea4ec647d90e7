"""A document's type when its source gives none: from the words of its path or URL, else its text.

Folders of files and sitemaps carry no type, so without this a report groups most of a library
as "(no type)". A path that names a kind wins (a `press/` folder, `/customers/`): it is what the
library's owner called it. Otherwise the doc-type model (`analyzer.model.doctype`) reads the
text's opening and close, and abstains when unsure: the document then stays without a type
rather than get a guess. Either way the report shows the type as inferred. Figures on writers
the model never saw: `models/doctype-1.1.0/README.md`, held by `tests/test_identity.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from analyzer.model.doctype import DocTypeModel

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


def infer_doc_type(place: str, text: str | None = None, model: DocTypeModel | None = None) -> str | None:
    """The type of a document from its path or URL (`place`), else from its text by the doc-type
    model (`model`, else the bundled one); None when neither says."""
    return type_from_place(place) or (types_from_text([text], model)[0] if text else None)


def type_from_place(place: str) -> str | None:
    """The type the words of a path or URL name, deepest folder first; None when none does."""
    return next((_PATH_TYPES[word] for word in _place_words(place) if word in _PATH_TYPES), None)


def types_from_text(texts: Sequence[str], model: DocTypeModel | None = None) -> list[str | None]:
    """The doc-type model's type for each text (`model`, else the bundled one), None where unsure."""
    if model is None:
        from analyzer.model.doctype import load_doctype  # scikit-learn: only once a text needs it

        model = load_doctype()
    return model.infer(texts)


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
