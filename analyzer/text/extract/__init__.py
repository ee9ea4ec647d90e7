"""Bytes in, clean text and its structure out, for text, Markdown, HTML, PDF and DOCX.

Every surface (CLI, HTTP API, batch audit) reads documents through `extract`, so a document
gives the same text, and the same score, wherever it comes in. The text keeps what the models
were trained on: headings and paragraphs on their own lines, a blank line between paragraphs,
list items as "- item". Whatever goes wrong on the way is one of our `InputError`s with a
message that says what to do; no exception of a parsing library ever escapes.

One module per format (`plain`, `markdown`, `html`, `pdf`, `docx`), each importing its parsing
library when it first reads a document; `detect` tells the format, `decode` turns bytes into
text, `layout` lays the structure out as text, and `limits` bounds what one document may cost.
"""

from __future__ import annotations

from collections.abc import Callable

from analyzer.errors import EmptyDocumentError, TooLargeError, UnsupportedFormatError
from analyzer.text.extract.decode import check_text, decode, decode_text
from analyzer.text.extract.detect import FORMATS, detect_format
from analyzer.text.extract.docx import read_docx
from analyzer.text.extract.html import read_html
from analyzer.text.extract.layout import Extracted, Heading
from analyzer.text.extract.limits import DEFAULT_LIMITS, MAX_CHARS, Limits
from analyzer.text.extract.markdown import read_markdown
from analyzer.text.extract.pdf import read_pdf
from analyzer.text.extract.plain import read_text

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "MAX_CHARS",
    "TEXT_FORMATS",
    "Extracted",
    "Heading",
    "Limits",
    "check_text",
    "decode_text",
    "detect_format",
    "extract",
    "extract_text",
    "screen",
]

#: The formats whose bytes are text, and which `extract_text` takes already decoded.
TEXT_FORMATS = ("text", "markdown", "html")


def extract(
    data: bytes,
    filename: str | None = None,
    media_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    format: str | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Extracted:
    """Clean text and structure of a document given as bytes.

    The format comes from `format` (the caller's word), else `media_type`, else the extension
    of `filename`, else the bytes themselves; file signatures (a PDF, a zip, an image) win over
    a misleading name. `strict` refuses an extension we do not read rather than sniffing the
    bytes (see `detect_format`). Error messages name the document `name`, else `filename` (an
    audit's export row has a made-up file name, and its messages must name the export and the
    row instead).
    """
    source = name or filename or "the document"
    fmt, charset = screen(data, filename, media_type, limits, format=format, strict=strict, name=name)
    if fmt == "pdf":
        return read_pdf(data, source, limits)
    if fmt == "docx":
        return read_docx(data, source, limits)
    text = decode(data, source, charset, detect=True, html=fmt == "html")
    return _READERS[fmt](text, source, limits)


def screen(
    data: bytes,
    filename: str | None = None,
    media_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    format: str | None = None,
    strict: bool = False,
    name: str | None = None,
) -> tuple[str, str | None]:
    """The (format, charset) `extract` would read `data` as, or the error it would refuse it with,
    without parsing a word: the size, emptiness and format checks, cheap enough for a command
    line to run before it hands the bytes to a resident worker."""
    source = name or filename or "the document"
    if len(data) > limits.max_bytes:
        raise TooLargeError(
            f"{source} is {len(data):,} bytes, over the limit of {limits.max_bytes:,}. "
            "Send a smaller file, or split the document and analyze its parts."
        )
    if not data:
        raise EmptyDocumentError(f"{source} is empty (0 bytes). Give a document with some text.")
    return detect_format(data, filename, media_type, format=format, strict=strict)


def extract_text(text: str, format: str = "text", limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Clean text and structure of a document that is already a string (a JSON body's text)."""
    if format not in TEXT_FORMATS:
        raise UnsupportedFormatError(
            f'format "{format}" cannot be sent as text. Use one of {", ".join(TEXT_FORMATS)}, '
            "or upload the file itself."
        )
    source = "the text"
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise TooLargeError(
            f"{source} is {size:,} bytes, over the limit of {limits.max_bytes:,}. "
            "Send a shorter text, or split it and analyze its parts."
        )
    return _READERS[format](text, source, limits)


_READERS: dict[str, Callable[[str, str, Limits], Extracted]] = {
    "text": read_text,
    "markdown": read_markdown,
    "html": read_html,
}
