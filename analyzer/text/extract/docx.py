"""DOCX: paragraphs, headings, lists and tables (python-docx), after the zip is checked.

The zip's directory is read first: its size unpacked, its compression ratio and the number of
tags in its XML parts are bounded before python-docx parses anything.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from analyzer.errors import AnalyzerError, CorruptFileError, EncryptedFileError, TooLargeError, UnsupportedFormatError
from analyzer.text.extract.detect import ADVICE, DOCX_MAIN_PART
from analyzer.text.extract.layout import Extracted, Writer, clean, inline
from analyzer.text.extract.limits import Limits

#: Members smaller than this cannot be a bomb whatever their ratio (the total is capped too).
_RATIO_FLOOR = 1_000_000
_ZIP_KINDS = (("xl/", "spreadsheet"), ("ppt/", "slides"), ("mimetype", "opendocument"))


def read_docx(data: bytes, source: str, limits: Limits) -> Extracted:
    """Paragraphs and tables in order via python-docx, after the zip passes our size checks."""
    _check_docx_zip(data, source, limits)
    import docx
    from docx.table import Table

    writer = Writer(source, limits)
    title: str | None = None
    try:
        document = docx.Document(io.BytesIO(data))
        style_name = _docx_style_names(document)
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                _docx_table(block, writer)
                continue
            text = clean(block.text)  # XML allows DEL and C1 controls, which no reader sees
            if not text.strip():
                continue  # an empty paragraph adds nothing, whatever its style
            style = style_name(block._p.style)  # python-docx has no cheap public lookup
            heading = re.fullmatch(r"heading ([1-9])", style.strip().lower())
            if style == "Title":
                title = title or inline(text)
                writer.add("heading", text, 1)
            elif heading:
                writer.add("heading", text, int(heading.group(1)))
            elif style.startswith("List") or _numbered(block):
                writer.add("item", text)
            else:
                writer.add("paragraph", inline(text))
    except AnalyzerError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds of error on broken parts
        raise CorruptFileError(
            f"{source} is a damaged DOCX that cannot be read ({type(exc).__name__}). "
            "Open it in Word and save it again as .docx, then upload that."
        ) from exc
    return writer.finish("docx", title=title or writer.first_heading(1))


def _docx_style_names(document: Any) -> Callable[[str | None], str]:
    """Paragraph style id -> style name, read once.

    `Paragraph.style` looks the default style up by scanning every style of the document for
    each paragraph without a style of its own: 1 ms a paragraph, so a DOCX of a million empty
    paragraphs took over 15 minutes. Unknown ids get the default style, as in python-docx.
    """
    from docx.enum.style import WD_STYLE_TYPE

    names = {
        style.style_id: style.name or ""
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.style_id
    }
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    fallback = (default.name or "") if default is not None else ""
    return lambda style_id: names.get(style_id, fallback) if style_id is not None else fallback


def _check_docx_zip(data: bytes, source: str, limits: Limits) -> None:
    """Refuse zip bombs, broken zips and zips that are not Word documents, before unpacking.

    zipfile never inflates a member past its declared size (a lying header fails its CRC),
    so the declared sizes are a safe bound.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise CorruptFileError(
            f"{source} is a damaged zip archive, so not a readable DOCX ({exc}). "
            "Open it in Word and save it again as .docx."
        ) from exc
    names = {member.filename for member in members}
    if DOCX_MAIN_PART not in names:
        kind = next((kind for prefix, kind in _ZIP_KINDS if any(n.startswith(prefix) for n in names)), "archive")
        raise UnsupportedFormatError(f"{source} is a zip archive but not a Word document: {ADVICE[kind]}")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise EncryptedFileError(
                f"{source} has encrypted parts. Remove the password in Word, save it, and upload it again."
            )
        total += member.file_size
        if total > limits.max_uncompressed_bytes:
            raise TooLargeError(
                f"{source} unpacks to more than {limits.max_uncompressed_bytes:,} bytes, over the limit; "
                "it may be a zip bomb. If it is a genuine document, remove large images and save it again."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
            raise TooLargeError(
                f"{source}: its part {member.filename} expands {ratio:,.0f} times when unpacked, over the "
                f"limit of {limits.max_compression_ratio:,.0f}; it looks like a zip bomb. "
                "If it is a genuine document, open it in Word and save it again."
            )
    _check_docx_tags(data, [m for m in members if m.filename.endswith((".xml", ".rels"))], source, limits)


def _check_docx_tags(data: bytes, parts: list[zipfile.ZipInfo], source: str, limits: Limits) -> None:
    """Count the tags of the XML parts as they stream out of the zip (within the size limits
    just checked), so a tree too big to hold is refused before python-docx parses it."""
    tags = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in parts:
                with archive.open(part) as stream:
                    while chunk := stream.read(1 << 20):
                        tags += chunk.count(b"<")
                if tags > limits.max_docx_tags:
                    raise TooLargeError(
                        f"{source} has more than {limits.max_docx_tags:,} XML tags, over the limit "
                        f"(its part {part.filename} passes it). If it is a genuine document, remove empty "
                        "paragraphs and split long tables, or split it into parts."
                    )
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise CorruptFileError(
            f"{source} is a damaged zip archive, so not a readable DOCX ({exc}). "
            "Open it in Word and save it again as .docx."
        ) from exc


def _numbered(paragraph: Any) -> bool:
    """A paragraph in a bulleted or numbered list by direct formatting (Word's own lists)."""
    properties = paragraph._p.pPr  # python-docx has no public API for list membership
    return properties is not None and properties.numPr is not None


def _docx_table(table: Any, writer: Writer) -> None:
    """One line per row, cells joined by " | "; a merged cell once, in its first row.

    Cells are read off the XML (python-docx has no public API for this): `_Row.cells` walks
    up a vertically merged column for every row, so a 500-row merged column took 7 s and a
    1,000-row one overflowed the stack.
    """
    from docx.table import _Cell

    for row in table._tbl.tr_lst:
        cells = [inline(clean(_Cell(tc, table).text)) for tc in row.tc_lst if tc.vMerge != "continue"]
        writer.add("row", " | ".join(cell for cell in cells if cell))
