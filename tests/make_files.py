"""Real documents for the extraction tests, made on the spot: PDFs, DOCX files and hostile ones."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable

import docx
import pypdf
from fpdf import FPDF


def text_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A PDF with one page per string, each set as wrapped text in Helvetica."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def blank_pdf(pages: int) -> bytes:
    """A PDF of blank pages: many pages in few bytes."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(data: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    """`data` re-written with RC4 encryption (pure Python in pypdf, no crypto library needed)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def deflate(chunks: Iterable[bytes]) -> bytes:
    """zlib-compress a stream of chunks without holding the whole input in memory."""
    compressor = zlib.compressobj(9)
    return b"".join(compressor.compress(chunk) for chunk in chunks) + compressor.flush()


def raw_pdf(stream: bytes, *, flate: bool) -> bytes:
    """A one-page PDF written by hand around a content stream given as it is stored.

    pypdf would refuse to write the hostile streams the tests need, so this spells out the
    objects, the cross-reference table and the trailer.
    """
    stream_dict = b"<< /Length %d%s >>" % (len(stream), b" /Filter /FlateDecode" if flate else b"")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream_dict + b"\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of_objects(objects, header=b"%PDF-1.4\n")


#: A PDF 1.7 header with the binary comment line writers put after it.
PDF_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def pdf_of_objects(objects: list[bytes], trailer: bytes = b"", header: bytes = PDF_HEADER) -> bytes:
    """A PDF whose object n is `objects[n - 1]`, with a correct cross-reference table; the
    catalog is object 1."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def sample_docx() -> bytes:
    """A Word document with a title, headings, a bulleted list and a table."""
    document = docx.Document()
    document.add_paragraph("Invoicing in 2026", style="Title")
    document.add_heading("Why change now", level=1)
    document.add_paragraph("Manual invoicing costs your team two days every month.")
    document.add_paragraph("Late invoices", style="List Bullet")
    document.add_paragraph("Missed reminders", style="List Bullet")
    document.add_heading("What it costs", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Process", "Hours"), ("Manual", "16")], strict=False):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "Two working days a month"
    document.add_paragraph("Every quarter you wait, the backlog grows.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def empty_docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def zip_of(members: dict[str, Iterable[bytes]]) -> bytes:
    """A deflated zip whose members are written chunk by chunk (so a bomb never sits in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, chunks in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return out.getvalue()


def zeros(total: int, chunk: int = 1 << 20) -> Iterable[bytes]:
    block = bytes(chunk)
    for start in range(0, total, chunk):
        yield block[: min(chunk, total - start)]
