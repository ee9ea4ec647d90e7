"""Hostile files for the reliability tests, built at run time (nothing binary is committed).

Each builder makes a file an attacker or a broken exporter could send: bombs that inflate
to gigabytes from a few megabytes, PDFs whose structure lies or loops, pages that nest
without end, and files whose name lies about what they are. The zip and PDF writers are
spelled out by hand because the libraries refuse to write most of these.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tests.make_files import pdf_of_objects, sample_docx, text_pdf

GiB = 1 << 30
MiB = 1 << 20


# --- zip ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawMember:
    """A zip member given as its stored bytes: `data` is raw deflate (method 8) or plain (0)."""

    name: str
    data: bytes
    size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated_zeros(total: int, block: int = 16 * MiB) -> RawMember:
    """Raw deflate data for `total` zero bytes, without compressing `total` bytes.

    After a full flush a deflate stream starts afresh, so every block of zeros compresses to
    the same bytes: one block is compressed and repeated. 4 GiB come out at about 4 MiB,
    deflate's best ratio (about 1,000 to 1).
    """
    assert total % block == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    kernel = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert kernel == compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(total // block):
        crc = zlib.crc32(zeros, crc)
    return RawMember("", kernel * (total // block) + compressor.flush(), total, crc)


def stored(name: str, data: bytes) -> RawMember:
    return RawMember(name, data, len(data), zlib.crc32(data), zipfile.ZIP_STORED)


def raw_zip(members: Iterable[RawMember], aliases: Iterable[tuple[str, str]] = ()) -> bytes:
    """A zip (ZIP64 sizes) of members whose bytes are given as stored; each `(alias, name)`
    adds a central-directory entry for `alias` that points at `name`'s data (overlapping
    entries: one compressed kernel unpacked many times)."""
    out = bytearray()
    central: list[bytes] = []
    where: dict[str, tuple[RawMember, int]] = {}

    def entry(name: bytes, member: RawMember, offset: int) -> bytes:
        extra = struct.pack("<HHQQ", 1, 16, member.size, len(member.data))
        return (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                45,
                45,
                0,
                member.method,
                0,
                0x21,
                member.crc,
                0xFFFFFFFF,
                0xFFFFFFFF,
                len(name),
                len(extra),
                0,
                0,
                0,
                0,
                offset,
            )
            + name
            + extra
        )

    for member in members:
        name = member.name.encode()
        extra = struct.pack("<HHQQ", 1, 16, member.size, len(member.data))
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            45,
            0,
            member.method,
            0,
            0x21,
            member.crc,
            0xFFFFFFFF,
            0xFFFFFFFF,
            len(name),
            len(extra),
        )
        out += name + extra + member.data
        central.append(entry(name, member, offset))
        where[member.name] = (member, offset)
    for alias, target in aliases:
        member, offset = where[target]
        central.append(entry(alias.encode(), member, offset))
    start = len(out)
    for record in central:
        out += record
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(out) - start, start, 0)
    return bytes(out)


def docx_parts(document: bytes | None = None) -> list[RawMember]:
    """The parts of a real Word document (python-docx's), stored; `document` replaces its body."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(sample_docx())) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "word/document.xml" and document is not None:
                data = document
            parts.append(stored(info.filename, data))
    return parts


def docx_of_body(body: bytes) -> bytes:
    """A DOCX whose main part holds `body` (WordprocessingML paragraphs and tables), deflated."""
    document = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for part in docx_parts():
            archive.writestr(part.name, document if part.name == "word/document.xml" else part.data)
    return out.getvalue()


def docx_zip_bomb(total: int = 4 * GiB) -> bytes:
    """A DOCX whose main part inflates to `total` zero bytes (4 GiB from about 4 MiB)."""
    parts = [p for p in docx_parts() if p.name != "word/document.xml"]
    return raw_zip([*parts, replace(deflated_zeros(total), name="word/document.xml")])


def docx_overlapping_bomb(entries: int = 1_000) -> bytes:
    """A genuine DOCX plus `entries` central-directory entries that all point at one 1 GiB
    kernel: a terabyte of declared content in about a megabyte (Fifield's overlap trick)."""
    parts = [*docx_parts(), replace(deflated_zeros(GiB), name="word/media/kernel.bin")]
    aliases = [(f"word/media/copy{n}.bin", "word/media/kernel.bin") for n in range(entries)]
    return raw_zip(parts, aliases)


def docx_with_nested_bomb() -> bytes:
    """A genuine DOCX carrying, stored as one of its parts, a zip that inflates to 1 GiB:
    the outer archive looks harmless, and a reader that unpacks embedded archives explodes."""
    inner = raw_zip([replace(deflated_zeros(GiB), name="payload.bin")])
    return raw_zip([*docx_parts(), stored("word/embeddings/package.zip", inner)])


def docx_with_many_parts(parts: int) -> bytes:
    """A genuine DOCX with `parts` extra tiny parts: a huge central directory."""
    extra = [stored(f"customXml/item{n}.xml", b"<a/>") for n in range(parts)]
    return raw_zip([*docx_parts(), *extra])


def docx_of_empty_paragraphs(megabytes: int, seed: int = 11) -> bytes:
    """A DOCX whose body is `megabytes` MiB of empty paragraphs with random revision ids:
    no text for the character limit to count, and too random for the ratio limit to catch."""
    rng = random.Random(seed)
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    )
    paragraphs = bytearray()
    while len(paragraphs) < megabytes * MiB:
        paragraphs += b'<w:p w:rsidR="%08X" w:rsidRDefault="%08X"/>' % (rng.getrandbits(32), rng.getrandbits(32))
    body = head + bytes(paragraphs) + b"<w:p><w:r><w:t>The one line of text.</w:t></w:r></w:p></w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for part in docx_parts():
            archive.writestr(part.name, body if part.name == "word/document.xml" else part.data)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def stream_object(content: bytes, flate: bool = True) -> bytes:
    """A stream object holding `content`, deflated unless `flate` is False."""
    data = zlib.compress(content, 9) if flate else content
    filters = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), filters, data)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
#: A page that shows object 3 with the font of object 4.
_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
)
_TEXT = b"BT /F1 12 Tf 72 700 Td (Manual invoicing costs your team two days a month.) Tj ET"


def one_page_pdf(stream: bytes) -> bytes:
    """A one-page PDF showing `stream`, a whole stream object (see `stream_object`)."""
    return pdf_of_objects([_CATALOG, b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", stream, _FONT, _PAGE])


def pdf_sharing_one_stream(pages: int, content: bytes = _TEXT, count: int | None = None) -> bytes:
    """`pages` pages that all show one content stream (so thousands of pages cost a few
    kilobytes); `count` makes the page tree's /Count lie."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if count is None else count)
    return pdf_of_objects([_CATALOG, tree, stream_object(content), _FONT, *[_PAGE] * pages])


def pdf_with_cyclic_page_tree() -> bytes:
    """A page tree whose second node lists the first among its kids: walking it never ends."""
    return pdf_of_objects(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>",
            stream_object(_TEXT),
            _FONT,
            _PAGE,
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 5 0 R] /Count 1 >>",
        ]
    )


def pdf_decompression_bomb(total: int = 2 * GiB) -> bytes:
    """One page whose content stream is FlateDecode data that inflates to `total` zero bytes."""
    # FlateDecode is zlib (RFC 1950): a two-byte header before the raw deflate data, and the
    # Adler-32 checksum after it, which readers check only once they are done.
    data = b"\x78\xda" + deflated_zeros(total).data + b"\x00\x00\x00\x01"
    return one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))


def pdf_aes256_encrypted() -> bytes:
    """A PDF that says it is AES-256 encrypted (revision 6) with a user password; the keys
    are random, as an attacker's would be."""
    rng = random.Random(5)
    keys = [rng.randbytes(size).hex().encode() for size in (48, 48, 32, 32, 16)]
    encrypt = b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    identifiers = (rng.randbytes(16).hex().encode(), rng.randbytes(16).hex().encode())
    return pdf_of_objects(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            stream_object(rng.randbytes(64), flate=False),
            encrypt % tuple(keys),
            page,
        ],
        trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>]" % identifiers,
    )


# --- HTML and misleading names ------------------------------------------------------------


def deeply_nested_html(total_bytes: int) -> bytes:
    """A page of about `total_bytes` that opens a <div> inside a <div> all the way down."""
    opening = b"<div>"
    depth = (total_bytes - 200) // (len(opening) + len(b"</div>"))
    return (
        b"<html><body><p>A short introduction.</p>" + opening * depth + b"deep" + b"</div>" * depth + b"</body></html>"
    )


def unclosed_nested_html(total_bytes: int) -> bytes:
    """Tags opened and never closed, alternating kinds, as a broken generator might write."""
    unit = b"<div><span><table><tr><td><ul><li><p><b>x"
    return b"<html><body>" + unit * (total_bytes // len(unit))


def huge_html(total_bytes: int) -> bytes:
    """`total_bytes` of real-looking markup: a page far over any upload limit."""
    unit = b"<div class='card'><h2>Heading</h2><p>Some text about invoicing.</p><script>track(1)</script></div>\n"
    return b"<!doctype html><html><body>" + unit * (total_bytes // len(unit) + 1) + b"</body></html>"


def portable_executable() -> bytes:
    """The start of a Windows program: an MZ header, a DOS stub and a PE signature."""
    header = bytearray(b"MZ" + bytes(58) + struct.pack("<I", 0x80))
    header += b"This program cannot be run in DOS mode.\r\r\n$".ljust(64, b"\x00")
    header += b"PE\x00\x00" + random.Random(9).randbytes(4_000)
    return bytes(header)


def elf_binary() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + random.Random(10).randbytes(4_000)


def misleading_files() -> dict[str, bytes]:
    """Files whose name lies about their content, by name."""
    return {
        "report.txt": text_pdf(["Manual invoicing costs your team two days every month."]),
        "brief.html": sample_docx(),
        "notes.md": portable_executable(),
        "draft.docx": elf_binary(),
        "scan.pdf": b"<html><body><h1>404 Not Found</h1></body></html>",
        "photo.txt": b"\x89PNG\r\n\x1a\n" + random.Random(12).randbytes(2_000),
    }
