"""Hostile files, built here at run time: each is refused (or read) quickly and in bounded memory.

Bombs that inflate to gigabytes, PDFs whose page tree lies, loops or makes a few kilobytes
cost minutes, pages of 19 and 50 MB, and files whose name lies about what they are. Each is
extracted in a forked process of its own (`tests/measure.py`), which reports the time and the
peak memory above its baseline; then every file goes to `/v1/analyze/file` on a real server,
which must answer 4xx with a JSON error (or 200 for the files that are fine), never 5xx.
Figures go to `test-artifacts/hostile.json` for docs/reliability.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from analyzer.errors import (
    AnalyzerError,
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    TooLargeError,
    UnsupportedFormatError,
)
from tests import hostile_files as hostile
from tests.conftest import ROOT, start_service, stop_service
from tests.make_files import encrypted_pdf, text_pdf

pytestmark = pytest.mark.slow

#: Extra resident memory an extraction may take beyond its process's baseline (which holds the
#: libraries and the file's own bytes).
MAX_EXTRA_MIB = 300
ARTIFACT = ROOT / "test-artifacts" / "hostile.json"


@dataclass(frozen=True)
class Case:
    """A hostile file: how to build it, and what extracting it must give."""

    filename: str
    what: str
    build: Callable[[], bytes]
    #: The error it must be refused with (None: it must be read), and a phrase of the message.
    error: type[AnalyzerError] | None
    phrase: str
    seconds: float = 3.0


def _merged_table(rows: int) -> bytes:
    """A table whose first column is one cell merged down `rows` rows."""
    top = b'<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Merged</w:t></w:r></w:p></w:tc>'
    below = b"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
    cell = b"<w:tc><w:p><w:r><w:t>Manual invoicing costs a day</w:t></w:r></w:p></w:tc>"
    body = b"<w:tr>" + top + cell + b"</w:tr>" + (b"<w:tr>" + below + cell + b"</w:tr>") * (rows - 1)
    return hostile.docx_of_body(b"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>" + body + b"</w:tbl>")


def _billion_laughs() -> bytes:
    """A DOCX whose main part defines nested entities that expand to 10^9 "lol"s."""
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return hostile.raw_zip(hostile.docx_parts(document.encode()))


def _external_entity() -> bytes:
    """A DOCX whose text refers to an external entity, the local password file (XXE)."""
    document = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p><w:p><w:r><w:t>Manual invoicing costs days.</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    return hostile.raw_zip(hostile.docx_parts(document))


def _many_attributes(names: int) -> bytes:
    attributes = " ".join(f"data-a{n}" for n in range(names))
    return f"<html><body><div {attributes}>Manual invoicing costs your team days.</div></body></html>".encode()


MISLEADING = hostile.misleading_files()
PAPER = "Manual invoicing costs your team two days every month, and every quarter you wait the backlog grows."

CASES = [
    # DOCX (zip)
    Case("bomb.docx", "DOCX zip bomb: main part inflates to 4 GiB", hostile.docx_zip_bomb, TooLargeError, "zip bomb"),
    Case(
        "overlap.docx",
        "DOCX with 1,000 entries sharing one 1 GiB kernel",
        hostile.docx_overlapping_bomb,
        TooLargeError,
        "zip bomb",
    ),
    Case(
        "nested.docx", "DOCX carrying a zip that inflates to 1 GiB", hostile.docx_with_nested_bomb, None, "Why change"
    ),
    Case(
        "parts.docx",
        "DOCX with 60,000 extra parts",
        lambda: hostile.docx_with_many_parts(60_000),
        None,
        "Why change",
        8,
    ),
    Case(
        "paragraphs.docx",
        "DOCX of 60 MiB of empty paragraphs (ratio 4)",
        lambda: hostile.docx_of_empty_paragraphs(60),
        TooLargeError,
        "XML tags",
    ),
    Case("merged.docx", "DOCX table with a 3,000-row merged column", lambda: _merged_table(3_000), None, "Merged"),
    Case("laughs.docx", "DOCX with nested entities (billion laughs)", _billion_laughs, CorruptFileError, "damaged"),
    Case("xxe.docx", "DOCX referring to /etc/passwd (XXE)", _external_entity, None, "Manual invoicing"),
    # PDF
    Case("bomb.pdf", "PDF stream that inflates to 2 GiB", hostile.pdf_decompression_bomb, TooLargeError, "bomb"),
    Case("aes.pdf", "PDF encrypted with AES-256", hostile.pdf_aes256_encrypted, EncryptedFileError, "password"),
    Case(
        "rc4.pdf",
        "PDF encrypted with RC4 and a user password",
        lambda: encrypted_pdf(text_pdf([PAPER]), user_password="s3cret"),
        EncryptedFileError,
        "password",
    ),
    Case(
        "pages.pdf",
        "PDF of 5,000 pages",
        lambda: hostile.pdf_sharing_one_stream(5_000),
        TooLargeError,
        "5,000 pages",
    ),
    Case(
        "count.pdf",
        "PDF of 5,000 pages whose page tree says 1",
        lambda: hostile.pdf_sharing_one_stream(5_000, count=1),
        TooLargeError,
        "5,000 pages",
    ),
    Case("cycle.pdf", "PDF whose page tree loops", hostile.pdf_with_cyclic_page_tree, CorruptFileError, "damaged PDF"),
    Case(
        "work.pdf",
        "PDF of 300 pages drawing one 90,000-operator stream",
        lambda: hostile.pdf_sharing_one_stream(300, content=b"0 0 m 1 1 l " * 45_000),
        TooLargeError,
        "drawing operations",
        20,
    ),
    # HTML, Markdown and text
    Case("huge.html", "HTML of 50 MB", lambda: hostile.huge_html(50_000_000), TooLargeError, "over the limit"),
    Case(
        "deep.html",
        "HTML of 19 MB nested 1.7 million deep",
        lambda: hostile.deeply_nested_html(19_000_000),
        TooLargeError,
        "HTML tags",
    ),
    Case(
        "unclosed.html",
        "HTML of 19 MB of unclosed tags",
        lambda: hostile.unclosed_nested_html(19_000_000),
        TooLargeError,
        "HTML tags",
    ),
    Case(
        "nested.html",
        "HTML nested 30,000 deep (under the tag limit)",
        lambda: hostile.deeply_nested_html(330_000),
        None,
        "short introduction",
    ),
    Case(
        "attrs.html",
        "HTML element with 100,000 attributes",
        lambda: _many_attributes(100_000),
        TooLargeError,
        "attributes",
    ),
    Case("brackets.md", "Markdown of 19 MB of [", lambda: b"[" * 19_000_000, TooLargeError, "Markdown"),
    Case("bangs.txt", "text of 19 MB of !", lambda: b"!" * 19_000_000, TooLargeError, "characters"),
    # Names that lie
    Case("report.txt", "a PDF named .txt", lambda: MISLEADING["report.txt"], None, "Manual invoicing"),
    Case("brief.html", "a DOCX named .html", lambda: MISLEADING["brief.html"], None, "Why change"),
    Case("notes.md", "a Windows program named .md", lambda: MISLEADING["notes.md"], UnsupportedFormatError, "program"),
    Case(
        "draft.docx", "a Linux program named .docx", lambda: MISLEADING["draft.docx"], UnsupportedFormatError, "program"
    ),
    Case("scan.pdf", "an HTML error page named .pdf", lambda: MISLEADING["scan.pdf"], CorruptFileError, "not one"),
    Case("photo.txt", "a PNG named .txt", lambda: MISLEADING["photo.txt"], UnsupportedFormatError, "image"),
    Case(
        "blank.pdf",
        "a PDF of blank pages",
        lambda: hostile.pdf_sharing_one_stream(3, content=b"0 0 m"),
        EmptyDocumentError,
        "OCR",
    ),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every hostile file, written to disk once."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for case in CASES:
        paths[case.filename] = folder / case.filename
        paths[case.filename].write_bytes(case.build())
    return paths


@pytest.fixture(scope="module")
def measured(files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """Each file extracted in a forked child: time, extra memory and the outcome, by file name."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.measure", *map(str, files.values())],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1_200,
        check=True,
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return {result["file"]: result for result in results}


@pytest.fixture(scope="module")
def figures(files: dict[str, Path]) -> Iterator[dict[str, dict[str, Any]]]:
    """Collects the figures of every case and writes them out at the end of the module."""
    collected: dict[str, dict[str, Any]] = {}
    yield collected
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(collected, indent=2) + "\n")


@pytest.mark.parametrize("case", CASES, ids=[case.filename for case in CASES])
def test_hostile_file_is_refused_or_read_quickly_in_bounded_memory(
    case: Case, files: dict[str, Path], measured: dict[str, dict[str, Any]], figures: dict[str, dict[str, Any]]
) -> None:
    result = measured[case.filename]
    figures.setdefault(case.filename, {}).update(
        what=case.what,
        bytes=files[case.filename].stat().st_size,
        seconds=result["seconds"],
        extra_mib=result["extra_mib"],
        outcome=result.get("error") or result.get("format") or "crash",
    )
    assert "crash" not in result, result
    if case.error is None:
        assert "error" not in result, result
        assert case.phrase in result["text"], result
    else:
        assert result.get("error") == case.error.__name__, result
        assert result["message"].startswith(f"[{case.error.code}] ") and case.phrase in result["message"], result
    assert result["seconds"] < case.seconds, result
    assert result["extra_mib"] < MAX_EXTRA_MIB, result


def test_no_local_file_leaks_through_an_external_entity(measured: dict[str, dict[str, Any]]) -> None:
    assert "root:" not in measured["xxe.docx"]["text"]


# --- Through the API --------------------------------------------------------------------------


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise LookupError("VmHWM")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, int]]:
    """One `analyzer serve` with the default limits, for the whole module."""
    service = start_service(tmp_path_factory.mktemp("server"))
    with service.client(timeout=120) as client:
        yield client, service.process.pid
    stop_service(service)


def test_every_hostile_upload_gets_a_4xx_json_error_never_a_5xx(
    server: tuple[httpx.Client, int], files: dict[str, Path], figures: dict[str, dict[str, Any]]
) -> None:
    client, pid = server
    warm = client.post("/v1/analyze", json={"text": PAPER, "options": {"suggestions": False}})
    assert warm.status_code == 200
    before = _peak_rss_mib(pid)
    for case in CASES:
        start = time.perf_counter()
        try:
            response = client.post(
                "/v1/analyze/file",
                files={"file": (case.filename, files[case.filename].read_bytes(), "application/octet-stream")},
                data={"suggestions": "false"},
            )
        except httpx.TransportError as exc:  # only for a body the server refused before reading it all
            assert case.filename == "huge.html", (case.filename, exc)
            continue
        seconds = time.perf_counter() - start
        figures.setdefault(case.filename, {}).update(api_status=response.status_code, api_seconds=round(seconds, 3))
        assert response.status_code < 500, (case.filename, response.text)
        assert response.headers["content-type"].startswith("application/json"), case.filename
        if case.error is None:
            assert response.status_code == 200, (case.filename, response.text)
            assert response.json()["label"]
        else:
            error = response.json()["error"]
            assert response.status_code == (case.error.http_status if case.filename != "huge.html" else 413)
            assert error["message"] and error["hint"] and "Traceback" not in response.text, case.filename
    growth = _peak_rss_mib(pid) - before
    figures["(server)"] = {"peak_rss_growth_mib": round(growth, 1), "peak_rss_mib": round(_peak_rss_mib(pid), 1)}
    assert growth < MAX_EXTRA_MIB
    assert client.get("/readyz").status_code == 200, "the server is still serving"


def test_hostile_json_bodies_get_4xx(server: tuple[httpx.Client, int]) -> None:
    """Lone surrogates (JSON's "\\ud800") and punctuation runs through the JSON endpoints."""
    client, _ = server
    surrogate = '{"documents": [{"id": "a", "text": "costs \\ud800 rise"}, {"id": "b", "text": "Costs rise."}]}'
    response = client.post("/v1/classify", content=surrogate, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["error"]["code"] == "E014" and "surrogate" in first["error"]["message"]
    assert second["label"]
    analyzed = client.post(
        "/v1/analyze",
        content='{"text": "Our platform \\udfff offers dashboards for your team' + "!" * 150_000 + '"}',
        headers={"content-type": "application/json"},
    )
    assert analyzed.status_code == 200, analyzed.text
