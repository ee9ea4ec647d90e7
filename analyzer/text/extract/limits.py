"""What one document may cost: bytes, characters, pages, unpacked bytes, elements and tags.

Checked before parsing where possible (the size of the input, the zip directory, the number of
tags) and while extracting (characters as text arrives, operators as a PDF runs), so a hostile
file is refused early and never exhausts the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The longest text analyzed in one piece; longer documents should be split by section.
MAX_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may cost: checked before parsing where possible, and while extracting."""

    max_bytes: int = 20_000_000
    max_chars: int = MAX_CHARS
    max_pages: int = 300
    #: Total bytes we agree to unpack: DOCX (zip) members in total, and any one PDF stream.
    max_uncompressed_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0
    #: Elements in an HTML page; main-content extraction slows sharply on huge trees.
    max_html_elements: int = 50_000
    #: Tags in a DOCX's XML parts, counted before they are parsed: the parsed tree takes up to
    #: 550 bytes an element (a 15 MB DOCX of empty paragraphs took 780 MB), and a document
    #: within `max_chars` has a small fraction of this.
    max_docx_tags: int = 500_000


DEFAULT_LIMITS = Limits()
