"""Which format a document is: its media type, its file name and, above both, its own bytes.

A file signature (a PDF, a zip, an image) wins over a misleading name; a format we do not
read is refused with advice on what to send instead.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePath

from analyzer.errors import CorruptFileError, EncryptedFileError, UnsupportedFormatError

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

#: The formats `extract` reads, by the name `Extracted.format` reports.
FORMATS = ("text", "markdown", "html", "pdf", "docx")
#: The extensions read, for messages.
READ_EXTENSIONS = ".txt, .md, .html, .pdf and .docx"
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

ADVICE = {
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

DOCX_MAIN_PART = "word/document.xml"


def detect_format(
    data: bytes,
    filename: str | None,
    media_type: str | None,
    *,
    format: str | None = None,
    strict: bool = False,
) -> tuple[str, str | None]:
    """The format to read `data` as, and the charset its media type declares (if any).

    `format` is what the caller says the document is ("text", "markdown", ...): it wins over
    the media type and the name. With `strict`, a name whose extension is no format we read
    is refused when nothing else says the format, instead of reading the bytes as text:
    the command line and the upload endpoint, where a user named the file. (An audit's
    fetched pages are not strict: web addresses end in anything.)
    """
    source = filename or "the document"
    declared_type, charset = _parse_media_type(media_type)
    if format is not None:
        if format not in FORMATS:
            raise UnsupportedFormatError(f"format {format!r} is not one the analyzer reads: use {', '.join(FORMATS)}.")
        declared_type, filename = format, None  # the caller's word, over any name
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
        raise UnsupportedFormatError(f"{source}: {ADVICE['legacy-word']}")
    if signature is not None:
        raise UnsupportedFormatError(f"{source}: {ADVICE[signature]}")

    if declared_type is None:
        fmt = _format_from_name(filename, source)
        if fmt is None and strict and _extension(filename):
            raise UnsupportedFormatError(
                f"{source}: {_extension(filename)} is not a format the analyzer reads (it reads {READ_EXTENSIONS}). "
                "Rename the file, or say which format it is (`--as text` on the command line, "
                "the form field format=text in an upload)."
            )
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
    raise UnsupportedFormatError(f"media type {kind} is not supported: {ADVICE[advice]}")


def _extension(filename: str | None) -> str:
    return PurePath(filename).suffix.lower() if filename else ""


def _format_from_name(filename: str | None, source: str) -> str | None:
    extension = _extension(filename)
    if extension in _UNSUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(f"{source}: {ADVICE[_UNSUPPORTED_EXTENSIONS[extension]]}")
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
