"""Bytes in, clean text and its structure out, for text, Markdown, HTML, PDF and DOCX.

Every surface (CLI, HTTP API, batch audit) reads documents through `extract`, so a document
gives the same text, and the same score, wherever it comes in. The text keeps what the models
were trained on: headings and paragraphs on their own lines, a blank line between paragraphs,
list items as "- item". Whatever goes wrong on the way is one of our `InputError`s with a
message that says what to do; no exception of a parsing library ever escapes.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

from analyzer.errors import (
    AnalyzerError,
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    TooLargeError,
    UndecodableError,
    UnsupportedFormatError,
)

#: The longest text analyzed in one piece; longer documents should be split by section.
MAX_CHARS = 200_000

#: The formats `extract` reads, by the name `Extracted.format` reports.
FORMATS = ("text", "markdown", "html", "pdf", "docx")

#: The formats whose bytes are text, and which `extract_text` takes already decoded.
TEXT_FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line of `Extracted.text`: its character span and its level (1 to 6)."""

    start: int
    end: int
    level: int


@dataclass(frozen=True, slots=True)
class Extracted:
    """The clean text of a document with its title and headings, and the format it came in."""

    text: str
    title: str | None
    headings: tuple[Heading, ...]
    format: str


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


def extract(
    data: bytes,
    filename: str | None = None,
    media_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Extracted:
    """Clean text and structure of a document given as bytes.

    The format comes from `media_type`, else the extension of `filename`, else the bytes
    themselves; file signatures (a PDF, a zip, an image) win over a misleading name.
    """
    source = filename or "the document"
    if len(data) > limits.max_bytes:
        raise TooLargeError(
            f"{source} is {len(data):,} bytes, over the limit of {limits.max_bytes:,}. "
            "Send a smaller file, or split the document and analyze its parts."
        )
    if not data:
        raise EmptyDocumentError(f"{source} is empty (0 bytes). Give a document with some text.")
    fmt, charset = detect_format(data, filename, media_type)
    if fmt == "pdf":
        return _read_pdf(data, source, limits)
    if fmt == "docx":
        return _read_docx(data, source, limits)
    text = _decode(data, source, charset, detect=True, html=fmt == "html")
    return _READERS[fmt](text, source, limits)


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


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (or UTF-16/32 with a byte-order mark) to str, or a clear refusal.

    Stricter than `extract`: without a declared charset a guessed encoding can misread a
    file silently, so the command line asks for UTF-8 instead of guessing.
    """
    return check_text(_decode(data, source, None, detect=False), source)


def check_text(text: str, source: str, max_chars: int = MAX_CHARS) -> str:
    """Refuse text the model cannot say anything useful about, or cannot read at all."""
    if not text.strip():
        raise EmptyDocumentError(f"{source} is empty. Give it some text to classify.")
    if len(text) > max_chars:
        raise TooLargeError(
            f"{source} has {len(text):,} characters, over the limit of {max_chars:,}. "
            "Split it into sections and classify those."
        )
    # A lone surrogate (JSON allows "\ud800") is not a character, and the tokenizer cannot
    # encode it: refused here rather than failing deep inside spaCy.
    if surrogate := _SURROGATES.search(text):
        raise UndecodableError(
            f"{source} has a lone surrogate (U+{ord(surrogate.group()):04X}) at character {surrogate.start():,}, "
            "which is not text. Encode the text as proper UTF-8 (or JSON with surrogate pairs) and send it again."
        )
    return text


# --- Which format ------------------------------------------------------------------------

_MEDIA_TYPES = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
#: Media types that say nothing about the content; the name or the bytes decide.
_GENERIC_MEDIA_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}

_ADVICE = {
    "image": "it is an image, and the analyzer reads text. Upload the document it came from, or run OCR first.",
    "legacy-word": "legacy Word (.doc) files are not supported. Save it as .docx or PDF and upload that.",
    "spreadsheet": "spreadsheets are not supported. Put the text in a document (.docx, .md, .txt) and upload that.",
    "slides": "slide decks are not supported. Export the deck as PDF and upload that.",
    "opendocument": "OpenDocument and e-book files are not supported. Save it as .docx or PDF and upload that.",
    "rtf": "RTF files are not supported. Save it as .docx or plain text and upload that.",
    "archive": "archives are not supported. Unpack it and upload the documents one by one.",
    "executable": "it is a program, not a document. Upload a .txt, .md, .html, .pdf or .docx file.",
    "media": "audio and video are not supported. Upload a transcript as .txt or .docx.",
    "unknown": "the analyzer reads .txt, .md, .html, .pdf and .docx files. Save it in one of those formats.",
}

_UNSUPPORTED_EXTENSIONS = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".svg"), "image"),
    ".doc": "legacy-word",
    ".dot": "legacy-word",
    **dict.fromkeys((".xls", ".xlsx", ".xlsm", ".csv", ".numbers", ".ods"), "spreadsheet"),
    **dict.fromkeys((".ppt", ".pptx", ".key", ".odp"), "slides"),
    **dict.fromkeys((".odt", ".pages", ".epub"), "opendocument"),
    ".rtf": "rtf",
    **dict.fromkeys((".zip", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz"), "archive"),
    **dict.fromkeys((".exe", ".dll", ".so", ".dmg", ".msi", ".apk"), "executable"),
    **dict.fromkeys((".mp3", ".wav", ".m4a", ".mp4", ".mov", ".avi", ".webm"), "media"),
}

#: Leading bytes of the binary formats we meet most; checked before any name or media type.
#: Each holds a byte no text starts with, except PDF, GIF and RTF, whose prefixes prose never has.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"BZh91AY&SY", "archive"),
    (b"{\\rtf", "rtf"),
    (b"OggS\x00", "media"),
    (b"fLaC\x00", "media"),
    (b"ID3\x03", "media"),
    (b"ID3\x04", "media"),
)

_DOCX_MAIN_PART = "word/document.xml"


def detect_format(data: bytes, filename: str | None, media_type: str | None) -> tuple[str, str | None]:
    """The format to read `data` as, and the charset its media type declares (if any)."""
    source = filename or "the document"
    declared_type, charset = _parse_media_type(media_type)
    signature = _signature(data)
    if signature in ("pdf", "zip"):
        # The bytes are a PDF or a zip whatever the name says; zips are DOCX or refused there.
        return ("pdf" if signature == "pdf" else "docx"), None
    if signature == "ole":
        if declared_type == "docx" or _extension(filename) == ".docx":
            raise EncryptedFileError(
                f"{source} is a password-protected Office file (or a legacy .doc renamed .docx). "
                "Remove the password, or save it as a plain .docx, and upload it again."
            )
        raise UnsupportedFormatError(f"{source}: {_ADVICE['legacy-word']}")
    if signature is not None:
        raise UnsupportedFormatError(f"{source}: {_ADVICE[signature]}")

    if declared_type is None:
        fmt = _format_from_name(filename, source)
    elif declared_type == "text" and _EXTENSIONS.get(_extension(filename)) in ("markdown", "html"):
        fmt = _EXTENSIONS[_extension(filename)]  # text/plain is what many clients send for any text file
    else:
        fmt = declared_type
    if fmt == "pdf" and b"%PDF-" not in data[:1024]:
        raise CorruptFileError(
            f"{source} is named or sent as a PDF but is not one (no %PDF- header). "
            "Check that the upload is the PDF itself, not a web page or an error message."
        )
    if fmt == "docx":
        raise CorruptFileError(
            f"{source} is named or sent as a DOCX but is not a zip archive, so it is not one. "
            "Open it in Word and save it again as .docx."
        )
    if fmt is None:
        fmt = "html" if _looks_like_html(data) else "text"
    return fmt, charset


def _parse_media_type(media_type: str | None) -> tuple[str | None, str | None]:
    """The format a media type names (None when it names none) and its charset parameter."""
    if media_type is None:
        return None, None
    kind, *params = media_type.split(";")
    kind = kind.strip().lower()
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    if kind in _MEDIA_TYPES:
        return _MEDIA_TYPES[kind], charset
    if kind in _GENERIC_MEDIA_TYPES:
        return None, charset
    if kind.startswith("text/"):
        return "text", charset
    major = kind.partition("/")[0]
    advice = {"image": "image", "audio": "media", "video": "media"}.get(major, "unknown")
    raise UnsupportedFormatError(f"media type {kind} is not supported: {_ADVICE[advice]}")


def _extension(filename: str | None) -> str:
    return PurePath(filename).suffix.lower() if filename else ""


def _format_from_name(filename: str | None, source: str) -> str | None:
    extension = _extension(filename)
    if extension in _UNSUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(f"{source}: {_ADVICE[_UNSUPPORTED_EXTENSIONS[extension]]}")
    return _EXTENSIONS.get(extension)


def _signature(data: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "image" if data[8:12] == b"WEBP" else "media"
    if data[4:8] == b"ftyp":
        return "media"
    if data[:2] == b"MZ" and b"\x00" in data[:64]:
        return "executable"
    return None


_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|h[1-6]|article|section|main)\b", re.I)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].removeprefix(codecs.BOM_UTF8).lstrip()
    while head.startswith(b"<!--"):
        end = head.find(b"-->")
        if end < 0:
            return False
        head = head[end + 3 :].lstrip()
    return _HTML_START.match(head) is not None


# --- Bytes to str -----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Labels that mean windows-1252 on the web (WHATWG Encoding): Latin-1 text from Windows
#: carries curly quotes and dashes in bytes that true ISO-8859-1 calls control characters.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252"}
#: Codecs Python decodes with that no document is written in (and some are slow on junk).
_NOT_CHARSETS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}
_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)
#: How much more "chaos" than the best guess still counts as equally likely, when preferring
#: windows-1252: charset-normalizer often ranks a Baltic or Central European code page first
#: for short Western text, and 1252 is what undeclared Western text is in practice.
_CHAOS_SLACK = 0.1
#: Control characters (other than tab, newline, carriage return, form feed) that make text
#: "binary" when they are more than this share of it.
_MAX_CONTROL_SHARE = 0.05
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _decode(data: bytes, source: str, charset: str | None, *, detect: bool, html: bool = False) -> str:
    """Decode with the BOM, the declared charset, UTF-8, and (if `detect`) a detected charset."""
    text = _decode_bytes(data, source, charset, detect=detect, html=html)
    controls = len(text) - len(_BINARY_CONTROLS.sub("", text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise UndecodableError(
            f"{source} looks like a binary file, not text ({controls:,} control characters). "
            "Give a .txt, .md, .html, .pdf or .docx file."
        )
    return text


def _decode_bytes(data: bytes, source: str, charset: str | None, *, detect: bool, html: bool) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UndecodableError(
                    f"{source} starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                    f"(byte {exc.start}). Re-save it as UTF-8 text."
                ) from exc
    if charset is not None:
        return _decode_declared(data, source, charset)
    if b"\x00" in data[:8192]:
        raise UndecodableError(
            f"{source} looks like a binary file, not text (it has NUL bytes). "
            "Give a .txt, .md, .html, .pdf or .docx file, or UTF-16 text with a byte-order mark."
        )
    if html and (meta := _META_CHARSET.search(data[:4096])):
        try:
            return _decode_declared(data, source, meta.group(1).decode("ascii"))
        except UndecodableError:
            pass  # a wrong <meta charset> is common; UTF-8 and detection get their turn
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not detect:
            raise UndecodableError(
                f"{source} is not valid UTF-8 (byte {exc.start}). Re-save it as UTF-8 text."
            ) from exc
        position = exc.start
    detected = _detect_charset(data)
    if detected is None:
        raise UndecodableError(
            f"{source} is not valid UTF-8 (byte {position}) and its encoding cannot be told. "
            "Re-save it as UTF-8 text, or declare its charset (e.g. text/plain; charset=windows-1252)."
        )
    return detected


def _decode_declared(data: bytes, source: str, charset: str) -> str:
    label = charset.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")  # the five bytes 1252 leaves undefined
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        codec = ""
    if not codec or codec in _NOT_CHARSETS:
        raise UndecodableError(
            f'{source} declares the charset "{charset}", which is not a text encoding we know. '
            "Declare a standard one (utf-8, windows-1252, iso-8859-15...) or send UTF-8."
        )
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except (LookupError, UnicodeError) as exc:  # LookupError: a bytes-to-bytes codec such as base64
        where = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise UndecodableError(
            f"{source} is not valid {charset} as declared{where}. "
            "Declare the charset it is really in, or re-save it as UTF-8."
        ) from exc


def _detect_charset(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(match.chaos for match in matches)
    for match in matches:
        readings = {match.encoding, *match.could_be_from_charset}
        if match.chaos <= best + _CHAOS_SLACK and readings & {"cp1252", "latin_1"}:
            return _decode_declared(data, "", "windows-1252")
    return str(matches[0])


# --- Clean text and its layout -----------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
#: Control characters and noncharacters that carry nothing a reader sees.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SOFT_HYPHEN = "\u00ad"


def _clean(text: str) -> str:
    """One newline convention, no control characters or lone surrogates, NFC."""
    text = _NEWLINES.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", text)  # lone surrogates from JSON cannot be encoded again
    text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", text)


def _inline(text: str) -> str:
    """A run of text as one line: whitespace collapsed, soft hyphens gone."""
    return _WHITESPACE.sub(" ", text.replace(_SOFT_HYPHEN, "")).strip()


Kind = Literal["heading", "paragraph", "item", "row"]
Role = Literal["heading", "item", "row", "cell", "block", "break", "inline"]


class _Writer:
    """Collects headings, paragraphs, list items and table rows, and lays them out as text.

    Structured readers call `open`/`text`/`close` as they walk a tree; flat ones call `add`.
    The character limit is checked as blocks arrive, so a huge document stops early.
    """

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.blocks: list[tuple[Kind, str, int]] = []
        self._chars = 0
        self._buffer: list[str] = []
        self._buffered = 0
        self._stack: list[tuple[Role, int]] = []
        self._cells: list[str] = []

    def add(self, kind: Kind, text: str, level: int = 0) -> None:
        text = text if kind == "paragraph" and "\n" in text else _inline(text)
        if not text:
            return
        self._chars += len(text) + 2
        self._check(self._chars)
        self.blocks.append((kind, text, level))

    def text(self, text: str) -> None:
        self._buffer.append(text)
        self._buffered += len(text)
        if self._chars + self._buffered > _RAW_TEXT_SLACK * self.limits.max_chars:
            self._check(self._chars + self._buffered)

    def open(self, role: Role, level: int = 0) -> None:
        capturing = self._capturing()
        if role == "item" and capturing == "item":
            self._flush("item")  # a nested list: the parent item's text so far is one item
        elif capturing is None:
            self._flush("paragraph")
        self._stack.append((role, level))

    def close(self) -> None:
        if not self._stack:
            return
        role, level = self._stack.pop()
        if role in ("heading", "item"):
            self._flush("heading" if role == "heading" else "item", level)
        elif role == "cell":
            self._cells.append(self._take())
        elif role == "row":
            self._cells.append(self._take())
            self.add("row", " | ".join(cell for cell in self._cells if cell))
            self._cells = []
        elif self._capturing() is None:
            self._flush("paragraph")

    def finish(self, fmt: str, title: str | None = None) -> Extracted:
        """The laid-out text; refuses an empty document."""
        while self._stack:
            self.close()
        self._flush("paragraph")
        parts: list[str] = []
        headings: list[Heading] = []
        position = 0
        previous: Kind | None = None
        for kind, text, level in self.blocks:
            if previous is not None:
                separator = "\n" if kind == previous and kind in ("item", "row") else "\n\n"
                parts.append(separator)
                position += len(separator)
            line = f"- {text}" if kind == "item" else text
            if kind == "heading":
                headings.append(Heading(position, position + len(line), max(1, min(level, 6))))
            parts.append(line)
            position += len(line)
            previous = kind
        text = "".join(parts)
        if not text:
            raise EmptyDocumentError(
                f"{self.source} has no text to analyze (only markup, images or whitespace). "
                "Give a document with some text."
            )
        self._check(len(text))
        title = _inline(_clean(title)) if title else None
        return Extracted(text=text, title=title or None, headings=tuple(headings), format=fmt)

    def first_heading(self, level: int) -> str | None:
        return next((text for kind, text, lvl in self.blocks if kind == "heading" and lvl == level), None)

    def _capturing(self) -> Role | None:
        """The innermost open heading, item or cell: blocks inside it do not break its text."""
        for role, _ in reversed(self._stack):
            if role in ("heading", "item", "cell"):
                return role
        return None

    def _take(self) -> str:
        text = _inline("".join(self._buffer))
        self._buffer = []
        self._buffered = 0
        return text

    def _flush(self, kind: Kind, level: int = 0) -> None:
        self.add(kind, self._take(), level)

    def _check(self, chars: int) -> None:
        if chars > self.limits.max_chars:
            raise TooLargeError(
                f"{self.source} has more than {self.limits.max_chars:,} characters of text, the limit. "
                "Split it into sections and analyze those."
            )


def _walk(root: Any, role_of: Callable[[Any], tuple[Role, int]], writer: _Writer) -> None:
    """Feed an lxml tree to the writer without recursion, so nesting depth costs no stack."""
    from lxml import etree

    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):  # comments and processing instructions
            if event == "end" and element.tail and element is not root:
                writer.text(element.tail)
            continue
        role, level = role_of(element)
        if event == "start":
            if role == "break":
                writer.text(" ")
            elif role != "inline":
                writer.open(role, level)
            if element.text:
                writer.text(element.text)
        else:
            if role not in ("inline", "break"):
                writer.close()
            if element.tail and element is not root:
                writer.text(element.tail)


# --- Plain text --------------------------------------------------------------------------

_TEXT_BULLET = re.compile(r"^[*+\u2022\u25e6\u25aa\u2023\u00b7\u2013\u25cf]\s+")


def _read_text(text: str, source: str, limits: Limits) -> Extracted:
    """Plain text keeps its lines; bullets become "- ", runs of blank lines one blank line."""
    text = _clean(text).replace(_SOFT_HYPHEN, "")
    lines = [_TEXT_BULLET.sub("- ", _SPACES.sub(" ", line).strip()) for line in text.split("\n")]
    writer = _Writer(source, limits)
    writer.add("paragraph", _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip())
    return writer.finish("text")


# --- Markdown ----------------------------------------------------------------------------

#: YAML (starting with a "key:" line) or TOML front matter; a leading "---" alone is a rule.
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*\n(?=[\w\"'-]+[ \t]*:).*?\n(?:---|\.\.\.)|\+\+\+[ \t]*\n.*?\n\+\+\+)[ \t]*(?:\n|\Z)", re.S
)
#: Markdown longer than this many times the character limit is refused before parsing:
#: markdown-it-py takes up to 12 s per million characters of hostile input.
_MARKDOWN_FACTOR = 2
_TAG_ROLES: dict[str, Role] = {"li": "item", "tr": "row", "th": "cell", "td": "cell"}


def _read_markdown(text: str, source: str, limits: Limits) -> Extracted:
    """CommonMark (with tables) via markdown-it-py; front matter dropped, title = first H1."""
    from markdown_it import MarkdownIt

    text = _FRONT_MATTER.sub("", _clean(text).lstrip("\n"), count=1)
    if len(text) > _MARKDOWN_FACTOR * limits.max_chars:
        raise TooLargeError(
            f"{source} has {len(text):,} characters of Markdown, more than twice the limit of "
            f"{limits.max_chars:,} characters of text. Split it into sections and analyze those."
        )
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    writer = _Writer(source, limits)
    for token in parser.parse(text):
        if token.nesting == 1:
            heading = re.fullmatch(r"h([1-6])", token.tag)
            role: Role = "heading" if heading else _TAG_ROLES.get(token.tag, "block")
            writer.open(role, int(heading.group(1)) if heading else 0)
        elif token.nesting == -1:
            writer.close()
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    writer.text(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    writer.text(" ")
        elif token.type in ("fence", "code_block"):
            writer.open("block")
            writer.text(token.content)
            writer.close()
        elif token.type == "html_block":
            _html_fragment(token.content, writer)
    return writer.finish("markdown", title=writer.first_heading(1))


# --- HTML --------------------------------------------------------------------------------

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


def _read_html(text: str, source: str, limits: Limits) -> Extracted:
    """The main content via trafilatura (boilerplate gone, headings kept), else a plain walk."""
    text = _XML_DECLARATION.sub("", _clean(text), count=1)  # lxml refuses a str that names its encoding
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
        writer = _Writer(source, limits)
        _walk(main, _trafilatura_role, writer)
        if sum(len(block[1]) for block in writer.blocks) >= _MIN_MAIN_CONTENT:
            return writer.finish("html", title=title or writer.first_heading(1))
    writer = _Writer(source, limits)
    body = _parse_html(text)  # trafilatura may have changed the first tree
    _walk(_strip_boilerplate(body), _html_role, writer)
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
    if tag in _TAG_ROLES:
        return _TAG_ROLES[tag], 0
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


def _html_fragment(markup: str, writer: _Writer) -> None:
    """Raw HTML inside Markdown: its text, without scripts, styles or navigation."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.LxmlError, ValueError):
        return
    etree.strip_elements(fragment, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    _walk(_strip_boilerplate(fragment), _html_role, writer)


# --- PDF ---------------------------------------------------------------------------------

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
#: Raw extracted text may run this much longer than the clean text (layout spaces, newlines).
_RAW_TEXT_SLACK = 2
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
        self.limit = _RAW_TEXT_SLACK * limits.max_chars
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


def _read_pdf(data: bytes, source: str, limits: Limits) -> Extracted:
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
    writer = _Writer(source, limits)
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
        lines = [_SPACES.sub(" ", line).strip() for line in _clean(page).split("\n")]
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


# --- DOCX --------------------------------------------------------------------------------

#: Members smaller than this cannot be a bomb whatever their ratio (the total is capped too).
_RATIO_FLOOR = 1_000_000
_ZIP_KINDS = (("xl/", "spreadsheet"), ("ppt/", "slides"), ("mimetype", "opendocument"))


def _read_docx(data: bytes, source: str, limits: Limits) -> Extracted:
    """Paragraphs and tables in order via python-docx, after the zip passes our size checks."""
    _check_docx_zip(data, source, limits)
    import docx
    from docx.table import Table

    writer = _Writer(source, limits)
    title: str | None = None
    try:
        document = docx.Document(io.BytesIO(data))
        style_name = _docx_style_names(document)
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                _docx_table(block, writer)
                continue
            text = _clean(block.text)  # XML allows DEL and C1 controls, which no reader sees
            if not text.strip():
                continue  # an empty paragraph adds nothing, whatever its style
            style = style_name(block._p.style)  # python-docx has no cheap public lookup
            heading = re.fullmatch(r"heading ([1-9])", style.strip().lower())
            if style == "Title":
                title = title or _inline(text)
                writer.add("heading", text, 1)
            elif heading:
                writer.add("heading", text, int(heading.group(1)))
            elif style.startswith("List") or _numbered(block):
                writer.add("item", text)
            else:
                writer.add("paragraph", _inline(text))
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
    if _DOCX_MAIN_PART not in names:
        kind = next((kind for prefix, kind in _ZIP_KINDS if any(n.startswith(prefix) for n in names)), "archive")
        raise UnsupportedFormatError(f"{source} is a zip archive but not a Word document: {_ADVICE[kind]}")
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


def _docx_table(table: Any, writer: _Writer) -> None:
    """One line per row, cells joined by " | "; a merged cell once, in its first row.

    Cells are read off the XML (python-docx has no public API for this): `_Row.cells` walks
    up a vertically merged column for every row, so a 500-row merged column took 7 s and a
    1,000-row one overflowed the stack.
    """
    from docx.table import _Cell

    for row in table._tbl.tr_lst:
        cells = [_inline(_clean(_Cell(tc, table).text)) for tc in row.tc_lst if tc.vMerge != "continue"]
        writer.add("row", " | ".join(cell for cell in cells if cell))


_READERS: dict[str, Callable[[str, str, Limits], Extracted]] = {
    "text": _read_text,
    "markdown": _read_markdown,
    "html": _read_html,
}
