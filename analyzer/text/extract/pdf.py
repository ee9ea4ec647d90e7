"""PDF: text page by page (pypdf) within a budget of tokens and operators, reflowed into paragraphs.

Running headers, footers and page numbers are dropped, hyphenated line ends joined; an
encrypted or corrupt file is refused with what to do.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from analyzer.errors import AnalyzerError, CorruptFileError, EmptyDocumentError, EncryptedFileError, TooLargeError
from analyzer.text.extract.layout import RAW_TEXT_SLACK, SPACES, Extracted, Kind, Writer, clean
from analyzer.text.extract.limits import Limits

#: Operators that show text; a document within the character limit needs few of them.
_SHOW_TEXT = frozenset({b"Tj", b"TJ", b"'", b'"'})
#: Tokens pypdf may parse in one content stream before giving up. It tokenizes a whole stream
#: before our budget sees one operator, at about 8 s per million tokens: a dense page of text
#: is some 10,000 tokens and heavy vector art rarely 250,000; pypdf's own 2,000,000 is too slow.
_PDF_STREAM_TOKENS = 300_000
#: Operators pypdf may run in a whole document. The token limit holds per stream, but pages
#: can share one stream: a 48 KB PDF of 300 pages drawing the same 90,000 operators took
#: 290 s. Text within `max_chars` takes far fewer operators than this.
_PDF_OPERATORS = 500_000
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.I)
_PDF_BULLET = re.compile(r"^[-*\u2022\u25e6\u25aa\u2023\u00b7\u2013\u25cf\u25a0\u25a1\uf0b7]\s+")
_LINE_END_HYPHEN = re.compile(r"([^\W\d_])[-\u00ad\u2010]\n[ \t]*([^\W\d_])")
#: A line shorter than this share of a full line ends its paragraph (when the next starts anew).
_SHORT_LINE = 0.7
#: The length of a full line is the 90th percentile, but no less than this: pages whose lines
#: are all short hold slides or lists, not wrapped prose.
_MIN_FULL_LINE = 40
#: Titles that PDF printers fill in from the application and file name, not the author.
_PDF_JUNK_TITLE = re.compile(
    r"^\s*(?:microsoft \w+ - |untitled\b)|\.(?:docx?|pptx?|xlsx?|pdf|indd|pages|key)\s*$", re.I
)


class _PdfBudget:
    """Stops text extraction as soon as a PDF shows more text, or asks for more work, than
    the limits allow."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limit = RAW_TEXT_SLACK * limits.max_chars
        self.max_chars = limits.max_chars  # each text-showing operator shows a character or more
        self.chars = 0
        self.operations = 0
        self.operators = 0

    def on_text(self, text: Any, *_: Any) -> None:
        self.chars += len(text) if isinstance(text, str) else 0
        if self.chars > self.limit:
            self._refuse()

    def on_operator(self, operator: Any, *_: Any) -> None:
        self.operators += 1
        if self.operators > _PDF_OPERATORS:
            raise TooLargeError(
                f"{self.source} asks for more than {_PDF_OPERATORS:,} drawing operations, over the limit; "
                "it may be a hostile file. If it is genuine, export its text (or save it as a text-only "
                "PDF) and upload that."
            )
        if operator in _SHOW_TEXT:
            self.operations += 1
            if self.operations > self.max_chars:
                self._refuse()

    def _refuse(self) -> None:
        raise TooLargeError(
            f"{self.source} has more than {self.max_chars:,} characters of text, the limit. "
            "Split the PDF (for example by chapter) and analyze the parts."
        )


def read_pdf(data: bytes, source: str, limits: Limits) -> Extracted:
    """Page text in order via pypdf, line-end hyphens joined, lines re-flowed into paragraphs."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    defaults = pypdf.get_configuration()
    stream_limit = min(defaults.zlib_maximum_output_length, limits.max_uncompressed_bytes)
    stream_limits: dict[str, Any] = {
        name: stream_limit
        for name in (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "brotli_maximum_output_length",
        )
    }
    stream_limits["stream_parsing_work_maximum_count"] = min(
        defaults.stream_parsing_work_maximum_count, _PDF_STREAM_TOKENS
    )
    budget = _PdfBudget(source, limits)
    try:
        with pypdf.apply_configuration(**stream_limits):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise FileNotDecryptedError("a password is needed")
            pages = len(reader.pages)
            if pages > limits.max_pages:
                raise TooLargeError(
                    f"{source} has {pages:,} pages, over the limit of {limits.max_pages:,}. "
                    "Split the PDF (for example by chapter) and analyze the parts."
                )
            texts = [
                page.extract_text(visitor_text=budget.on_text, visitor_operand_before=budget.on_operator)
                for page in reader.pages
            ]
            metadata = reader.metadata
            title = metadata.title if metadata is not None else None
    except AnalyzerError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise EncryptedFileError(
            f"{source} is encrypted with a password. Remove the password (in your PDF tool, or by "
            "printing it to a new PDF) and upload it again."
        ) from exc
    except LimitReachedError as exc:
        raise TooLargeError(
            f"{source} goes past the safety limits while being read ({exc}); it may be a decompression "
            "bomb or a hostile file. If it is genuine, print it to a new PDF and upload that."
        ) from exc
    except Exception as exc:  # pypdf raises many kinds of error on broken files; all mean the same here
        raise CorruptFileError(
            f"{source} is a damaged PDF that cannot be read ({type(exc).__name__}). "
            "Open it in a PDF viewer and save or print it to a new PDF, then upload that."
        ) from exc
    writer = Writer(source, limits)
    for kind, paragraph in _reflow(texts):
        writer.add(kind, paragraph)
    if not writer.blocks:
        raise EmptyDocumentError(
            f"{source} has no text layer: it is probably scanned pages. Run OCR on it (for example "
            "with ocrmypdf) or upload the document it was made from."
        )
    useful = isinstance(title, str) and not _PDF_JUNK_TITLE.search(title)
    return writer.finish("pdf", title=title if useful else None)


def _reflow(pages: list[str]) -> list[tuple[Kind, str]]:
    """Hard-wrapped PDF lines back into paragraphs and list items."""
    lines = _body_lines(pages)
    lengths = sorted(len(line) for line in lines if line)
    full = max(lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0, _MIN_FULL_LINE)
    lines = _LINE_END_HYPHEN.sub(_join_hyphenated, "\n".join(lines)).split("\n")
    blocks: list[tuple[Kind, str]] = []
    current: list[str] = []
    kind: Kind = "paragraph"
    previous = ""
    for line in lines:
        bullet = _PDF_BULLET.match(line)
        starts_anew = not line[:1].islower()
        ends = not line or bool(bullet) or (len(previous) < _SHORT_LINE * full and starts_anew)
        if current and ends:
            blocks.append((kind, " ".join(current)))
            current = []
        if ends:
            kind = "item" if bullet else "paragraph"
        if line:
            current.append(line[bullet.end() :] if bullet else line)
        previous = line
    if current:
        blocks.append((kind, " ".join(current)))
    return blocks


def _body_lines(pages: list[str]) -> list[str]:
    """The lines of all pages in order, without page numbers and running heads or feet."""
    per_page = []
    for page in pages:
        lines = [SPACES.sub(" ", line).strip() for line in clean(page).split("\n")]
        per_page.append([line for line in lines if not _PAGE_NUMBER.fullmatch(line)])
    # A line that starts or ends most pages (digits aside) is a running head or foot.
    edges = Counter(
        _edge_key(line) for lines in per_page if any(lines) for line in {_first(lines), _first(reversed(lines))}
    )
    running = {key for key, count in edges.items() if len(pages) >= 3 and count >= max(3, len(pages) // 2)}
    kept: list[str] = []
    for lines in per_page:
        lines = _trim(lines)
        while len(lines) > 1 and _edge_key(lines[0]) in running:  # a page's only line is content
            lines = _trim(lines[1:])
        while len(lines) > 1 and _edge_key(lines[-1]) in running:
            lines = _trim(lines[:-1])
        kept.extend(lines)
    return kept


def _trim(lines: list[str]) -> list[str]:
    """Without blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def _first(lines: Iterable[str]) -> str:
    return next(line for line in lines if line)


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _join_hyphenated(match: re.Match[str]) -> str:
    """ "manage-\\nment" -> "management"; a capital after the break means a real hyphen."""
    return match[1] + match[2] if match[2].islower() else match[0]
