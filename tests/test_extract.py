"""analyzer.extract: every input format from real files on disk, hostile files, and property tests."""

from __future__ import annotations

import codecs
import random
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import errors
from analyzer.errors import (
    AnalyzerError,
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    InputError,
    TooLargeError,
    UndecodableError,
    UnsupportedFormatError,
)
from analyzer.text.extract import (
    FORMATS,
    TEXT_FORMATS,
    Extracted,
    Limits,
    check_text,
    decode_text,
    extract,
    extract_text,
)
from tests.make_files import (
    blank_pdf,
    deflate,
    empty_docx,
    encrypted_pdf,
    raw_pdf,
    sample_docx,
    text_pdf,
    zeros,
    zip_of,
)

FRENCH = "Le café est très apprécié à Paris. Nous avons déjà goûté à la crème brûlée, près de l'hôtel."
GERMAN = "Größere Änderungen für Müller: die Übergabe dauert länger, weil jeder Schritt geprüft wird."
SMART = "\u201cSmart quotes\u201d \u2014 and the euro \u20ac sign, na\u00efve caf\u00e9 prices \u2026 for everyone."


def read(path: Path, data: bytes, media_type: str | None = None, limits: Limits | None = None) -> Extracted:
    """Write `data` to a real file, read it back and extract it, as an upload handler would."""
    path.write_bytes(data)
    return extract(path.read_bytes(), path.name, media_type, limits or Limits())


def refused(
    error: type[AnalyzerError],
    phrase: str,
    path: Path,
    data: bytes,
    media_type: str | None = None,
    limits: Limits | None = None,
    within: float = 2.0,
) -> str:
    """Assert that extracting the file raises `error` mentioning `phrase`, within `within` seconds of
    this process's CPU time: the bound says the limit stopped the work early, and CPU time does
    not grow when other jobs share the machine (wall time did, in a CI run beside a benchmark)."""
    start = time.process_time()
    with pytest.raises(error) as caught:
        read(path, data, media_type, limits)
    elapsed = time.process_time() - start
    message = str(caught.value)
    assert re.fullmatch(r"\[E\d{3}\] .+", message), message
    assert phrase in message, message
    assert elapsed < within, f"took {elapsed:.2f}s"
    return message


def assert_clean(result: Extracted) -> None:
    """What every extraction promises, whatever went in."""
    assert result.format in FORMATS
    assert result.text and result.text == result.text.strip()
    assert "\n\n\n" not in result.text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]", result.text)
    assert result.title is None or (result.title and result.title == result.title.strip())
    previous_end = 0
    for heading in result.headings:
        assert previous_end <= heading.start < heading.end <= len(result.text)
        assert 1 <= heading.level <= 6
        assert "\n" not in result.text[heading.start : heading.end]
        assert heading.start == 0 or result.text[heading.start - 1] == "\n"
        previous_end = heading.end


def heading_texts(result: Extracted) -> list[tuple[int, str]]:
    return [(h.level, result.text[h.start : h.end]) for h in result.headings]


# --- Plain text and charsets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type", "expected"),
    [
        ("utf8.txt", FRENCH.encode("utf-8"), None, FRENCH),
        ("bom.txt", codecs.BOM_UTF8 + FRENCH.encode("utf-8"), None, FRENCH),
        ("latin1.txt", FRENCH.encode("latin-1"), None, FRENCH),
        ("latin1-de.txt", GERMAN.encode("latin-1"), None, GERMAN),
        ("latin1.txt", FRENCH.encode("latin-1"), "text/plain; charset=ISO-8859-1", FRENCH),
        ("cp1252.txt", SMART.encode("cp1252"), None, SMART),
        ("cp1252.txt", SMART.encode("cp1252"), "text/plain; charset=windows-1252", SMART),
        # Web rule: "latin-1" declared on Windows text means 1252, so the curly quotes survive.
        ("cp1252.txt", SMART.encode("cp1252"), 'text/plain; charset="iso-8859-1"', SMART),
        ("utf16le.txt", FRENCH.encode("utf-16"), None, FRENCH),
        ("utf16be.txt", codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), None, GERMAN),
        (
            "ru.txt",
            "Привет, это обычный текст.".encode("cp1251"),
            "text/plain; charset=windows-1251",
            "Привет, это обычный текст.",
        ),
    ],
)
def test_text_files_in_any_common_encoding(
    tmp_path: Path, name: str, data: bytes, media_type: str | None, expected: str
) -> None:
    result = read(tmp_path / name, data, media_type)
    assert result.text == expected
    assert result.format == "text" and result.title is None and result.headings == ()


def test_plain_text_keeps_lines_and_normalizes_bullets(tmp_path: Path) -> None:
    data = b"Why now\r\n\r\n\r\n\r\nInvoices  pile up.\r\n* late fees\r\n\xe2\x80\xa2 lost hours\x07\r\n   \r\n"
    result = read(tmp_path / "notes.txt", data)
    assert result.text == "Why now\n\nInvoices pile up.\n- late fees\n- lost hours"


def test_declared_charset_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    latin = FRENCH.encode("latin-1")
    refused(UndecodableError, "not valid utf-8 as declared", tmp_path / "a.txt", latin, "text/plain; charset=utf-8")
    for charset in ("klingon", "idna", "punycode", "unicode_escape"):
        refused(UndecodableError, "not a text encoding", tmp_path / "b.txt", b"hi", f"text/plain; charset={charset}")
    refused(UndecodableError, "as declared", tmp_path / "c.txt", b"aGk=", "text/plain; charset=base64")


def test_a_wrong_meta_charset_is_passed_over(tmp_path: Path) -> None:
    page = b'<meta charset="idna"><p>' + "Café crème, s'il vous plaît.".encode("cp1252") + b"</p>"
    assert read(tmp_path / "d.html", page).text == "Café crème, s'il vous plaît."


# --- Markdown ----------------------------------------------------------------------------

MARKDOWN = """---
title: Front matter title
tags: [draft]
---
# The *real* cost of `manual` invoicing

Your team spends **two days** a month on it. Read [our study](https://example.com/study).

## Why change now

- Late fees add up
- Reminders get missed
  - and customers notice

1. Count the hours

| Process | Hours |
|---------|-------|
| Manual  | 16    |

<div class="cookie-banner"><script>steal()</script>We use cookies</div>

Closing paragraph.
"""


def test_markdown_structure(tmp_path: Path) -> None:
    result = read(tmp_path / "post.md", MARKDOWN.encode())
    assert result.format == "markdown"
    assert result.title == "The real cost of manual invoicing"
    assert heading_texts(result) == [(1, "The real cost of manual invoicing"), (2, "Why change now")]
    assert result.text == (
        "The real cost of manual invoicing\n\n"
        "Your team spends two days a month on it. Read our study.\n\n"
        "Why change now\n\n"
        "- Late fees add up\n- Reminders get missed\n- and customers notice\n- Count the hours\n\n"
        "Process | Hours\nManual | 16\n\n"
        "Closing paragraph."
    )
    assert_clean(result)


def test_markdown_leading_rule_is_not_front_matter() -> None:
    result = extract_text("---\n\nIntro paragraph.\n\n---\n\nMore.", "markdown")
    assert result.text == "Intro paragraph.\n\nMore."


# --- HTML --------------------------------------------------------------------------------

ARTICLE = """<!doctype html><html><head><title>Manual invoicing | Acme</title>
<meta charset="utf-8"><style>body { color: red } .STYLE_TEXT {}</style>
<script>var tracking = "SCRIPT_TEXT";</script></head><body>
<header><a href="/">Acme HEADER_TEXT</a></header>
<nav><ul><li><a href="/">Home NAV_TEXT</a></li><li><a href="/pricing">Pricing NAV_TEXT</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies COOKIE_TEXT to improve your experience
on our site and to show you relevant content.</p><button>Accept</button></div>
<main><article>
<h1>Manual invoicing is costing you more than you think</h1>
<p>Every month your finance team spends <em>days</em> chasing late payments. That is time nobody
gets back, and the cost grows with every new customer you sign.</p>
<h2>The price of waiting</h2>
<p>Late invoices mean late cash. A company with <a href="/x">two hundred invoices</a> a month loses
a week of working capital every quarter.</p>
<ul><li>Errors in manual entry</li><li>Missed payment reminders</li></ul>
<h2>What good looks like</h2>
<p>Invoices that go out the day the work is done, and reminders that send themselves.</p>
</article>
<aside>Related posts ASIDE_TEXT</aside>
<form><input name="email"><button>Subscribe FORM_TEXT</button></form>
</main>
<footer>Copyright 2026 Acme FOOTER_TEXT</footer>
<script>document.write("INJECTED_TEXT")</script>
</body></html>"""


def test_html_keeps_the_article_and_its_headings(tmp_path: Path) -> None:
    result = read(tmp_path / "page.html", ARTICLE.encode())
    assert result.format == "html"
    assert re.findall(r"[A-Z]+_TEXT", result.text) == [], result.text
    assert heading_texts(result) == [
        (1, "Manual invoicing is costing you more than you think"),
        (2, "The price of waiting"),
        (2, "What good looks like"),
    ]
    assert "two hundred invoices a month" in result.text
    assert "- Errors in manual entry\n- Missed payment reminders" in result.text
    assert result.title and "Manual invoicing" in result.title
    assert_clean(result)


def test_tiny_html_falls_back_to_the_body_without_boilerplate(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Hi</title><style>p { x: 1 }</style></head><body>"
        "<nav>Menu NAV_TEXT</nav><div class='cookie-notice'>COOKIE_TEXT</div>"
        "<h1>Hi there</h1><p>Short <b>text</b> here.</p><script>alert('SCRIPT_TEXT')</script>"
        "<footer>FOOTER_TEXT</footer></body></html>"
    )
    result = read(tmp_path / "tiny.htm", page.encode())
    assert result.text == "Hi there\n\nShort text here."
    assert heading_texts(result) == [(1, "Hi there")] and result.title == "Hi"


def test_html_charset_from_its_meta_tag(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{SMART}</p></body></html>'
    result = read(tmp_path / "old.html", page.encode("cp1252"))
    assert result.text == SMART


def test_xhtml_with_an_encoding_declaration(tmp_path: Path) -> None:
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><h2>Über uns</h2><p>Text.</p></body></html>'
    assert read(tmp_path / "a.xhtml", page.encode()).text == "Über uns\n\nText."


# --- PDF ---------------------------------------------------------------------------------

PAGE_ONE = (
    "Good manage-\nment of invoices saves your finance team days every month, and it gives the people "
    "who depend on them their evenings back.\n\nA second paragraph on the first page."
)
PAGE_TWO = "The second page starts here.\n- Late fees\n- Missed reminders\nThe end of the paper."


def test_pdf_pages_in_order_with_hyphens_joined(tmp_path: Path) -> None:
    result = read(tmp_path / "paper.pdf", text_pdf([PAGE_ONE, PAGE_TWO], title="Invoicing white paper"))
    assert result.format == "pdf" and result.title == "Invoicing white paper"
    assert "Good management of invoices" in result.text and "manage-" not in result.text
    assert result.text.index("first page") < result.text.index("second page starts")
    assert "evenings back. A second paragraph" not in result.text  # a short last line ends a paragraph
    assert "- Late fees\n- Missed reminders\n\nThe end of the paper." in result.text
    assert_clean(result)


def test_pdf_page_numbers_and_running_heads_are_dropped(tmp_path: Path) -> None:
    bodies = ["Invoices pile up.", "Reminders go missing.", "Cash arrives late.", "Nobody notices."]
    pages = [f"ACME WHITE PAPER\n{body}\nPage {n} of 4" for n, body in enumerate(bodies, 1)]
    pages.append("Chapter 5")  # a page's only line is content, even if other pages end alike
    result = read(tmp_path / "paper.pdf", text_pdf(pages))
    assert result.text == "\n\n".join([*bodies, "Chapter 5"])


def test_pdf_title_from_a_printer_is_ignored(tmp_path: Path) -> None:
    assert read(tmp_path / "a.pdf", text_pdf([PAGE_TWO], title="Microsoft Word - draft3.docx")).title is None


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    result = read(tmp_path / "locked.pdf", encrypted_pdf(text_pdf([PAGE_TWO]), user_password=""))
    assert "second page starts" in result.text


# --- DOCX --------------------------------------------------------------------------------


def test_docx_structure(tmp_path: Path) -> None:
    result = read(tmp_path / "brief.docx", sample_docx())
    assert result.format == "docx" and result.title == "Invoicing in 2026"
    assert heading_texts(result) == [(1, "Invoicing in 2026"), (1, "Why change now"), (2, "What it costs")]
    assert result.text == (
        "Invoicing in 2026\n\nWhy change now\n\n"
        "Manual invoicing costs your team two days every month.\n\n"
        "- Late invoices\n- Missed reminders\n\n"
        "What it costs\n\nProcess | Hours\nManual | 16\nTwo working days a month\n\n"
        "Every quarter you wait, the backlog grows."
    )
    assert_clean(result)


# --- Which format ------------------------------------------------------------------------


def test_signatures_win_over_a_misleading_name(tmp_path: Path) -> None:
    assert read(tmp_path / "notes.txt", text_pdf([PAGE_TWO])).format == "pdf"
    assert read(tmp_path / "notes.md", sample_docx()).format == "docx"
    assert read(tmp_path / "upload", sample_docx(), "text/plain").format == "docx"
    refused(UnsupportedFormatError, "image", tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(64))


def test_media_type_then_extension_then_sniffing(tmp_path: Path) -> None:
    assert read(tmp_path / "post.txt", b"# Title\n\nBody.", "text/markdown").format == "markdown"
    assert read(tmp_path / "post.md", b"# Title\n\nBody.", "text/plain").format == "markdown"
    assert read(tmp_path / "post.md", b"# Title\n\nBody.", "application/octet-stream").format == "markdown"
    assert read(tmp_path / "page", b"<!-- x --><!DOCTYPE html><p>Hello there.</p>").format == "html"
    assert read(tmp_path / "draft", b"Just some words.").format == "text"


@pytest.mark.parametrize(
    ("name", "data", "media_type", "phrase"),
    [
        ("photo.png", b"plain words", None, "image"),
        ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), None, ".doc"),
        ("letter.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), None, ".doc"),
        ("archive.zip", b"PK\x05\x06" + bytes(18), None, "archive"),
        ("sheet.docx", None, None, "spreadsheets"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", None, "program"),
        ("program", b"\x7fELF\x02\x01\x01" + bytes(64), None, "program"),
        ("notes.txt", b"{\\rtf1\\ansi Hello}", None, "RTF"),
        ("upload", b"some text", "image/png", "image"),
        ("upload", b"{}", "application/json", "not supported"),
    ],
)
def test_unsupported_formats_are_refused(
    tmp_path: Path, name: str, data: bytes | None, media_type: str | None, phrase: str
) -> None:
    data = data if data is not None else zip_of({"xl/workbook.xml": [b"<workbook/>"]})
    refused(UnsupportedFormatError, phrase, tmp_path / name, data, media_type)


def test_extract_text_takes_only_text_formats() -> None:
    with pytest.raises(UnsupportedFormatError, match="text, markdown, html"):
        extract_text("hello", "pdf")


# --- Hostile and broken files ------------------------------------------------------------


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = zip_of({"[Content_Types].xml": [b"<Types/>"], "word/document.xml": zeros(300_000_000)})
    assert len(bomb) < 1_000_000
    refused(TooLargeError, "zip bomb", tmp_path / "bomb.docx", bomb)


def test_docx_member_ratio_and_total_size_limits(tmp_path: Path) -> None:
    ratio_bomb = zip_of({"[Content_Types].xml": [b"<Types/>"], "word/document.xml": zeros(5_000_000)})
    refused(TooLargeError, "expands", tmp_path / "ratio.docx", ratio_bomb)
    noise = random.Random(7).randbytes(1_000_000)
    big = zip_of({"word/document.xml": [b"<w/>"], **{f"word/media/image{n}.bin": [noise] for n in range(3)}})
    refused(
        TooLargeError, "2,000,000 bytes", tmp_path / "big.docx", big, limits=Limits(max_uncompressed_bytes=2_000_000)
    )


def test_corrupt_docx_files(tmp_path: Path) -> None:
    good = sample_docx()
    refused(CorruptFileError, "damaged zip", tmp_path / "cut.docx", good[: len(good) // 2])
    broken_xml = zip_of({"[Content_Types].xml": [b"<Types"], "word/document.xml": [b"<w:document"]})
    refused(CorruptFileError, "damaged DOCX", tmp_path / "xml.docx", broken_xml)
    refused(CorruptFileError, "not a zip archive", tmp_path / "fake.docx", b"I am not a zip file at all.")
    refused(EncryptedFileError, "password", tmp_path / "locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    locked = encrypted_pdf(text_pdf([PAGE_ONE]), user_password="s3cret")
    refused(EncryptedFileError, "Remove the password", tmp_path / "locked.pdf", locked)


def test_pdf_over_the_page_limit_is_refused_before_extraction(tmp_path: Path) -> None:
    many = blank_pdf(301)
    assert len(many) < 100_000
    refused(TooLargeError, "301 pages, over the limit of 300", tmp_path / "many.pdf", many, within=1.0)


def test_pdf_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = raw_pdf(deflate(zeros(400_000_000)), flate=True)
    assert len(bomb) < 1_000_000
    refused(TooLargeError, "decompression bomb", tmp_path / "bomb.pdf", bomb)


def test_pdf_with_endless_text_stops_at_the_character_limit(tmp_path: Path) -> None:
    operations = b"BT /F1 12 Tf 72 700 Td " + b"(Buy now and save on invoicing) Tj " * 40_000 + b"ET"
    refused(
        TooLargeError, "characters of text", tmp_path / "long.pdf", raw_pdf(deflate([operations]), flate=True), within=5
    )
    refused(TooLargeError, "1,000", tmp_path / "short.pdf", text_pdf([PAGE_ONE * 10]), limits=Limits(max_chars=1_000))


def test_pdf_with_a_huge_content_stream_is_refused(tmp_path: Path) -> None:
    operations = b"BT /F1 12 Tf " + b"() Tj " * 2_000_000 + b"ET"
    refused(
        TooLargeError, "safety limits", tmp_path / "tokens.pdf", raw_pdf(deflate([operations]), flate=True), within=5
    )


def test_corrupt_and_textless_pdfs(tmp_path: Path) -> None:
    noise = random.Random(3).randbytes(5_000)
    refused(CorruptFileError, "damaged PDF", tmp_path / "noise.pdf", b"%PDF-1.7\n" + noise)
    refused(CorruptFileError, "not one", tmp_path / "page.pdf", b"<html><body>Not found</body></html>")
    refused(EmptyDocumentError, "OCR", tmp_path / "scan.pdf", blank_pdf(2))
    refused(EmptyDocumentError, "OCR", tmp_path / "raw.pdf", raw_pdf(b"0 0 m 10 10 l S", flate=False))


def test_fifty_megabytes_of_html_are_refused_by_size_first(tmp_path: Path) -> None:
    huge = b"<div><script>alert(1)</script>" * 1_700_000
    assert len(huge) > 50_000_000
    refused(TooLargeError, "over the limit of 20,000,000", tmp_path / "huge.html", huge, within=1.0)


def test_deeply_nested_html_is_handled_quickly(tmp_path: Path) -> None:
    nested = (
        "<html><body><p>Intro text.</p>" + "<div><b>" * 200_000 + "deep" + "</b></div>" * 200_000 + "</body></html>"
    )
    path = tmp_path / "nested.html"
    start = time.process_time()  # CPU time, as in `refused`
    try:
        assert_clean(read(path, nested.encode()))
    except AnalyzerError as exc:
        assert isinstance(exc, InputError)
    assert time.process_time() - start < 2.0


def test_html_with_too_many_elements_is_refused(tmp_path: Path) -> None:
    page = "<html><body>" + "<p><a href='#'>x</a></p>" * 30_000 + "</body></html>"
    refused(TooLargeError, "HTML elements", tmp_path / "wide.html", page.encode(), within=1.0)


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    noise = random.Random(5).randbytes(20_000)
    refused(UndecodableError, "binary", tmp_path / "junk.txt", noise)
    refused(UndecodableError, "binary", tmp_path / "controls.md", bytes(range(1, 32)) * 50)
    refused(UndecodableError, "binary", tmp_path / "junk.html", b"<html>" + noise)


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html", "empty.pdf", "empty.docx", "empty"])
def test_empty_files_are_refused(tmp_path: Path, name: str) -> None:
    refused(EmptyDocumentError, "empty", tmp_path / name, b"")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("blank.txt", b" \r\n\t\n"),
        ("bom.txt", codecs.BOM_UTF8 + b"\n \n"),
        ("front.md", b"---\ntitle: only front matter\n---\n"),
        ("markup.md", b"<!-- a comment -->\n\n![an image](x.png)"),
        ("blank.html", b"<html><head><title>Nothing</title></head><body><script>x()</script></body></html>"),
        ("blank.docx", None),
    ],
)
def test_documents_without_text_are_refused(tmp_path: Path, name: str, data: bytes | None) -> None:
    refused(EmptyDocumentError, "no text", tmp_path / name, data or empty_docx())


def test_size_limits_say_what_to_do(tmp_path: Path) -> None:
    refused(TooLargeError, "Split", tmp_path / "long.txt", b"word " * 50_000, limits=Limits(max_chars=1_000))
    refused(TooLargeError, "smaller file", tmp_path / "big.md", b"x" * 2_000, limits=Limits(max_bytes=1_000))
    with pytest.raises(TooLargeError, match="over the limit of 10"):
        extract_text("a longer text", "html", Limits(max_bytes=10))


# --- Errors and the older helpers --------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (UnsupportedFormatError, 415),
        (TooLargeError, 413),
        (CorruptFileError, 422),
        (EncryptedFileError, 422),
        (UndecodableError, 422),
        (EmptyDocumentError, 422),
        (InputError, 400),
        (AnalyzerError, 400),
    ],
)
def test_error_classes_carry_their_http_status(error: type[AnalyzerError], status: int) -> None:
    assert error.http_status == status
    assert issubclass(error, AnalyzerError)
    assert str(error("Do this.")) == f"[{error.code}] Do this."


def test_error_codes_are_unique() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, AnalyzerError)]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), codes


def test_decode_and_check_text_keep_their_contract() -> None:
    assert decode_text(codecs.BOM_UTF8 + "café".encode(), "x") == "café"
    assert decode_text("café".encode("utf-16"), "x") == "café"
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_text(b"caf\xe9 au lait", "x")
    with pytest.raises(InputError, match="binary"):
        decode_text(b"PK\x03\x04\x00\x00binary", "x")
    with pytest.raises(InputError, match="is empty"):
        check_text("  \n", "x")
    with pytest.raises(InputError, match="over the limit of 3"):
        check_text("four", "x", max_chars=3)


# --- Properties --------------------------------------------------------------------------

EXTENSIONS = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ""]
PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"---\ntitle: x\n---\n# ", codecs.BOM_UTF16_LE]
# Characters that stress a text pipeline: RTL text and overrides, combining marks, emoji with
# joiners and modifiers, zero-width characters, controls, NUL, lone surrogates, line separators.
TRICKY = list("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\u202e\u200f\u0301\u0308\u0e49")
TRICKY += ["\U0001f469\u200d\U0001f4bb", "\U0001f44d\U0001f3fd", "\u200b", "\u200d", "\ufeff", "\x00", "\x07"]
TRICKY += ["\x1b[31m", "\ud800", "\udfff", "\u2028", "\r\n", "\r", "\x0c", "\u00ad", "\xa0", "\t"]
MARKUP = ["# ", "\n## ", "\n- ", "\n1. ", "**", "`", "[a](b)", "|", "\n---\n", "<h1>", "</h1>", "<p>", "<li>"]
MARKUP += ["<script>", "</script>", "<nav>", "<!--", "-->", "<table><tr><td>", "&amp;", "&#0;", "\n\n", " "]
pieces = st.one_of(st.text(max_size=20), st.sampled_from(TRICKY), st.sampled_from(MARKUP))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.one_of(
        st.binary(max_size=3_000),
        st.lists(pieces, max_size=60).map(lambda p: "".join(p).encode("utf-8", "surrogatepass")),
    ),
    extension=st.sampled_from(EXTENSIONS),
)
def test_any_bytes_extract_or_raise_our_error(prefix: bytes, body: bytes, extension: str) -> None:
    try:
        result = extract(prefix + body, f"upload{extension}")
    except AnalyzerError:
        return  # a clear, typed refusal is fine; anything else fails the test
    assert_clean(result)


@settings(max_examples=200, deadline=None, database=None)
@given(text=st.lists(pieces, max_size=40).map("".join), fmt=st.sampled_from(TEXT_FORMATS))
def test_any_unicode_text_extracts_cleanly_or_raises_our_error(text: str, fmt: str) -> None:
    try:
        result = extract_text(text, fmt)
    except AnalyzerError as exc:
        assert isinstance(exc, EmptyDocumentError), exc
        return
    assert_clean(result)
    result.text.encode("utf-8")  # no lone surrogate survives


#: Prose characters: letters, marks, digits, punctuation, symbols, spaces; minus list bullets,
#: which plain text rewrites as "- ".
prose = st.characters(
    categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="*+-\u2022\u25e6\u25aa\u2023\u00b7\u2013\u25cf"
)


@settings(max_examples=60, deadline=None, database=None)
@given(text=st.text(alphabet=st.one_of(prose, st.just("\n")), min_size=1, max_size=300))
def test_utf8_text_files_keep_every_word(text: str) -> None:
    try:
        result = extract(text.encode("utf-8"), "any.txt")
    except EmptyDocumentError:
        assert not text.strip()
        return
    assert_clean(result)
    assert result.text.split() == unicodedata.normalize("NFC", text).split()
