"""Bytes to str, and the checks every text passes before it is analyzed.

UTF-8, a byte-order mark, a declared charset (HTTP or HTML `<meta>`), or a guess by
charset-normalizer; bytes that look binary, or decode to chaos, are refused rather than
misread.
"""

from __future__ import annotations

import codecs
import re

from analyzer.errors import EmptyDocumentError, TooLargeError, UndecodableError
from analyzer.text.extract.layout import SURROGATES
from analyzer.text.extract.limits import MAX_CHARS


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (or UTF-16/32 with a byte-order mark) to str, or a clear refusal.

    Stricter than `extract`: without a declared charset a guessed encoding can misread a
    file silently, so the command line asks for UTF-8 instead of guessing.
    """
    return check_text(decode(data, source, None, detect=False), source)


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
    if surrogate := SURROGATES.search(text):
        raise UndecodableError(
            f"{source} has a lone surrogate (U+{ord(surrogate.group()):04X}) at character {surrogate.start():,}, "
            "which is not text. Encode the text as proper UTF-8 (or JSON with surrogate pairs) and send it again."
        )
    return text


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


def decode(data: bytes, source: str, charset: str | None, *, detect: bool, html: bool = False) -> str:
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
