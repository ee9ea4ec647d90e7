"""Audit sources on real files and a real HTTP server on 127.0.0.1: folders, JSONL and CSV
exports, WordPress exports, sitemap files and sitemap URLs."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import __version__
from analyzer.audit.sources import (
    FETCH_ERROR,
    INVALID_ERROR,
    READ_ERROR,
    REFUSED_ERROR,
    ROBOTS_ERROR,
    FetchSettings,
    SourceDocument,
    iter_documents,
    normalize_date,
    url_section,
)
from analyzer.audit.sources.network import non_public_kind
from analyzer.errors import InputError, TooLargeError, UndecodableError, UnsupportedFormatError
from analyzer.text.extract import Limits, extract
from tests.conftest import free_port
from tests.sources_server import Reply, Site, page, serve_site, sitemap_index, urlset

#: Retries and backoff kept short so a test of three attempts takes milliseconds; the test
#: servers are on 127.0.0.1, so these tests opt in to private addresses.
FAST = FetchSettings(
    concurrency=4,
    connect_timeout=2.0,
    read_timeout=2.0,
    retries=2,
    backoff=0.01,
    max_backoff=0.05,
    max_retry_after=2.0,
    allow_private_addresses=True,
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + ']>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>\n'
).encode()


def documents(*sources: str | Path, limits: Limits | None = None, fetch: FetchSettings = FAST) -> list[SourceDocument]:
    return list(iter_documents([str(s) for s in sources], limits or Limits(), fetch=fetch))


def by_id(docs: list[SourceDocument]) -> dict[str, SourceDocument]:
    return {doc.id: doc for doc in docs}


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as serving:
        yield serving


# Folders -------------------------------------------------------------------------------------


def test_folder_is_walked_in_order_with_sections_skipping_hidden_unsupported_and_links(tmp_path: Path) -> None:
    root = tmp_path / "library"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Outside the library.")
    files = {
        "about.md": "# About\nWe are a team.",
        "blog/2024/launch.html": "<h1>Launch</h1><p>Manual invoicing costs you two days a month.</p>",
        "blog/pricing.txt": "Pricing starts at $49.",
        "whitepapers/guide.docx": "not really a docx",
        "blog/notes.csv": "a,b",  # unsupported in a folder: skipped, not failed
        ".drafts/wip.md": "hidden folder",
        "blog/.hidden.md": "hidden file",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "blog" / "linked.txt").symlink_to(outside / "secret.txt")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(root / "blog" / "pipe.txt")  # reading it would block forever

    docs = documents(root)

    assert [d.id for d in docs] == [
        "about.md",
        "blog/pricing.txt",
        "blog/2024/launch.html",
        "whitepapers/guide.docx",
    ]
    assert [d.section for d in docs] == ["", "blog", "blog", "whitepapers"]
    launch = docs[2]
    assert launch.data == files["blog/2024/launch.html"].encode()
    assert launch.filename == "launch.html" and launch.location == str(root / "blog/2024/launch.html")
    assert launch.source == str(root) and launch.error is None
    assert all(d.error is None for d in docs)
    assert len({d.key for d in docs}) == 4


def test_oversized_and_unreadable_files_are_records_with_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "big.txt").write_bytes(b"word " * 1000)
    (tmp_path / "locked.txt").write_text("You cannot read me.")
    (tmp_path / "fine.txt").write_text("Fine.")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside.txt").write_text("Behind a folder we may not list.")
    real_open, real_scandir = os.open, os.scandir

    def refusing_open(path: os.PathLike[str] | str, flags: int, *args: int) -> int:
        if Path(path).name == "locked.txt":  # as root, chmod 000 does not stop a read; this does
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    def refusing_scandir(path: Path) -> object:
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    docs = by_id(documents(tmp_path, limits=Limits(max_bytes=1000)))

    assert docs["big.txt"].data is None and docs["big.txt"].error_code == TooLargeError.code
    assert "5,000 bytes, over the limit of 1,000" in (docs["big.txt"].error or "")
    assert docs["locked.txt"].data is None and docs["locked.txt"].error_code == READ_ERROR
    assert "Permission denied" in (docs["locked.txt"].error or "")
    assert docs["fine.txt"].data == b"Fine."
    assert docs["closed/"].error_code == READ_ERROR and "cannot read the folder" in (docs["closed/"].error or "")
    assert docs["closed/"].section == "closed" and "closed/inside.txt" not in docs
    assert docs["big.txt"].key != docs["locked.txt"].key


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_chmod_000_file_and_folder_are_records_with_errors(tmp_path: Path) -> None:
    (tmp_path / "locked.txt").write_text("You cannot read me.")
    (tmp_path / "locked.txt").chmod(0)
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside.txt").write_text("Hidden by the folder's mode.")
    (tmp_path / "closed").chmod(0)
    try:
        docs = by_id(documents(tmp_path))
    finally:
        (tmp_path / "closed").chmod(0o755)
    assert docs["locked.txt"].error_code == READ_ERROR
    assert docs["closed/"].error_code == READ_ERROR and "cannot read the folder" in (docs["closed/"].error or "")


def test_unreadable_sources_are_refused_and_a_failing_disk_ends_only_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analyzer.audit.sources.exports

    (tmp_path / "closed").mkdir()
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "1", "text": "One."}\n{"id": "2", "text": "Two."}\n')
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "3", "text": "Three."}\n')
    real_scandir, real_lines = os.scandir, analyzer.audit.sources.exports._bounded_lines

    def refusing_scandir(path: Path) -> object:
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    with pytest.raises(InputError, match=r"cannot read .*closed: Permission denied"):
        iter_documents([str(tmp_path / "closed")])

    def failing_lines(file: object, max_line: int) -> Iterator[bytes | None]:
        lines = real_lines(file, max_line)  # type: ignore[arg-type]
        yield next(lines)
        if Path(getattr(file, "name", "")).name == "export.jsonl":
            raise OSError(5, "Input/output error")  # the disk fails after the first line
        yield from lines

    stream = iter_documents([str(export), str(other)])  # checked with the real reader
    monkeypatch.setattr(analyzer.audit.sources.exports, "_bounded_lines", failing_lines)
    docs = list(stream)
    assert [d.id for d in docs] == ["1", str(export), "3"]
    assert docs[1].error_code == READ_ERROR and "Input/output error" in (docs[1].error or "")


def test_a_single_document_file_is_a_source(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text("# Draft\nEvery month you wait costs you a client.")
    [doc] = documents(draft)
    assert (doc.id, doc.section, doc.filename, doc.data) == ("draft.md", "", "draft.md", draft.read_bytes())


# Choosing a reader, and refusing bad SOURCE arguments -----------------------------------------


def test_bad_sources_are_refused_before_any_document_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text("A document.")
    (tmp_path / "data.json").write_text('{"id": 1}')
    (tmp_path / "feed.xml").write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    (tmp_path / "empty.xml").write_text("")
    (tmp_path / "notes.jsonl").write_text("id,text\n1,hello\n")
    (tmp_path / "empty.jsonl").write_text("\n\n")
    (tmp_path / "columns.csv").write_text("id,body\n1,hello\n")
    (tmp_path / "latin1.csv").write_bytes("id,text\n1,café crème\n".encode("latin-1"))

    cases: list[tuple[str, type[InputError], str]] = [
        ("missing", InputError, "no such file or folder"),
        ("data.json", UnsupportedFormatError, "well-formed XML"),
        ("feed.xml", UnsupportedFormatError, "<feed> root"),
        ("empty.xml", UnsupportedFormatError, "empty.xml"),
        ("notes.jsonl", InputError, "does not look like a JSONL export"),
        ("empty.jsonl", InputError, "is empty"),
        ("columns.csv", InputError, "no text or html column (its header: id, body)"),
        ("latin1.csv", UndecodableError, "is not UTF-8"),
    ]
    for name, error, message in cases:
        with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
            # The good folder first: the bad argument is refused at the call, not after reading it.
            iter_documents([str(good), str(tmp_path / name)])


# Exports: JSONL and CSV ----------------------------------------------------------------------


def test_jsonl_export_rows_and_bad_rows(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    lines = [
        json.dumps({"id": "p1", "url": "https://acme.example/blog/p1", "title": "One", "text": "Plain text.",
                    "published": "2024-03-05T09:30:00+01:00", "doc_type": "blog"}),
        json.dumps({"id": 2, "url": "https://acme.example/pricing", "html": "<h1>Two</h1><p>HTML body.</p>",
                    "published": "Tue, 05 Mar 2024 10:00:00 +0000"}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "p3", "title": "No body"}),
        json.dumps({"text": "A row without an id.", "published": "last Tuesday"}),
        json.dumps({"id": "p1", "text": "The same id again."}),
        json.dumps({"id": "big", "text": "x" * 300}),
        json.dumps({"id": "num", "text": 42}),
    ]  # fmt: skip
    export.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n" + b'{"id": "bad", "text": "\xff\xfe"}\n')

    docs = documents(export, limits=Limits(max_bytes=200))
    assert [d.id for d in docs] == [
        "p1", "2", "export.jsonl:4", "export.jsonl:5", "p3", "export.jsonl:7", "export.jsonl:8", "big", "num",
        "export.jsonl:11",
    ]  # fmt: skip
    p1, two, bad_json, a_list, no_body, no_id, repeated, big, number, undecodable = docs
    assert (p1.data, p1.filename, p1.title, p1.section, p1.doc_type, p1.published) == (
        b"Plain text.", "p1.txt", "One", "blog", "blog", "2024-03-05",
    )  # fmt: skip
    assert (two.filename, two.section, two.published, two.url) == (
        "2.html", "", "2024-03-05", "https://acme.example/pricing",
    )  # fmt: skip
    assert extract(two.data or b"", two.filename).headings  # read as HTML
    assert bad_json.error_code == INVALID_ERROR and "line 4 is not valid JSON" in (bad_json.error or "")
    assert "line 5 is a JSON list, not an object" in (a_list.error or "")
    assert "line 6 has no text or html" in (no_body.error or "") and no_body.data is None
    assert no_id.error is None and no_id.published is None and no_id.location == f"{export}:7"
    assert no_id.filename == "export.jsonl_7.txt"
    assert "line 8 repeats the id 'p1' of line 1" in (repeated.error or "")
    assert big.error_code == TooLargeError.code and big.data is None
    assert "text must be a string" in (number.error or "")
    assert undecodable.error_code == UndecodableError.code and "line 11 is not UTF-8" in (undecodable.error or "")
    assert len({d.key for d in docs}) == len(docs)


def test_lone_surrogates_in_export_fields_become_replacement_characters(tmp_path: Path) -> None:
    """JSON can carry "\\ud800"; a field that names a document must be writable text."""
    export = tmp_path / "export.jsonl"
    row = '{"id": "p\\ud800", "title": "Half \\udc00 a title", "url": "https://acme.example/\\ud83d/x",'
    export.write_text(row + ' "doc_type": "blog\\udfff", "published": "2024-03-05\\ud800", "text": "Costs rise."}\n')
    (doc,) = documents(export)
    assert (doc.id, doc.title, doc.url, doc.doc_type) == (
        "p\ufffd", "Half \ufffd a title", "https://acme.example/\ufffd/x", "blog\ufffd",
    )  # fmt: skip
    assert doc.location == doc.url and doc.section == "\ufffd" and doc.filename == "p.txt"
    for text in (doc.id, doc.title, doc.url, doc.doc_type, doc.location):
        (text or "").encode("utf-8")  # strict: no surrogate left


def test_csv_export_with_bom_multiline_and_huge_fields(tmp_path: Path) -> None:
    huge = "Every quarter you wait costs you a renewal. " * 12_000  # ~530 KB: over csv's default 128 KiB field limit
    export = tmp_path / "export.csv"
    export.write_text(
        "\ufeffID,URL,Title,Text,HTML,Published,Doc_Type\n"
        'a1,https://acme.example/blog/a1,First,"Line one.\nLine two, with a comma.",,2024-01-02,blog\n'
        f"a2,,Huge,{huge},,05/03/2024,\n"
        ',https://acme.example/guides/x/y,No id,,"<h2>Guide</h2><p>Body.</p>",,guide\n'
        "a4,,Too many,text,,,,extra\n"
        "\n"
        "a5,,Empty,,,,\n",
        encoding="utf-8",
    )
    docs = documents(export)
    assert [d.id for d in docs] == ["a1", "a2", "export.csv:5", "export.csv:6", "a5"]
    first, big, no_id, too_many, empty = docs
    assert first.data == b"Line one.\nLine two, with a comma." and first.published == "2024-01-02"
    assert (first.title, first.section, first.doc_type, first.filename) == ("First", "blog", "blog", "a1.txt")
    assert big.data == huge.encode() and big.published is None and big.url is None
    assert (no_id.filename, no_id.section, no_id.doc_type) == ("export.csv_5.html", "guides", "guide")
    assert "line 6 has 8 fields; the header has 7" in (too_many.error or "")
    assert empty.data == b"" and empty.error is None  # extract says it is empty, as for any empty file


def test_csv_rows_over_the_limit_are_errors_and_a_runaway_field_stops_the_file(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    runaway = "z" * 200_000  # over the csv parser's field limit: an unclosed quote looks like this
    export.write_text(
        'id,text\nok,Fine.\nbig,"' + "y" * 5_000 + '\nstill the same field"\nnext,Read.\n'
        f'runaway,"{runaway}\nstill the same field"\nafter,Lost.\n'
    )
    docs = documents(export, limits=Limits(max_bytes=1_000))
    assert [d.id for d in docs] == ["ok", "big", "next", "export.csv:6"]
    assert docs[1].error_code == TooLargeError.code and docs[1].data is None
    assert docs[3].error_code == TooLargeError.code and "rows after it are not read" in (docs[3].error or "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("2024-03-05 10:00:00", "2024-03-05"),
        ("2024-03-05T10:00:00Z", "2024-03-05"),
        ("Tue, 05 Mar 2024 10:00:00 +0000", "2024-03-05"),
        ("0000-00-00 00:00:00", None),
        ("March 5th", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_normalized(value: str | None, expected: str | None) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://acme.example/blog/launch", "blog"),
        ("https://acme.example/blog/2024/launch/", "blog"),
        ("https://acme.example/pricing/", ""),
        ("https://acme.example/", ""),
        ("https://acme.example/case%20studies/x", "case studies"),
        ("https://acme.example/2024/05/launch/", ""),  # WordPress date permalinks: no "2024" section
        ("https://acme.example/news/2024/05/17/launch", "news"),
    ],
)
def test_url_sections(url: str, section: str) -> None:
    assert url_section(url) == section


# WordPress exports ---------------------------------------------------------------------------


def wxr_item(post_id: int, post_type: str, status: str, title: str, content: str, slug: str) -> str:
    return f"""
  <item>
    <title>{title}</title>
    <link>https://acme.example/{slug}</link>
    <pubDate>Mon, 01 Jan 2024 08:00:00 +0000</pubDate>
    <dc:creator><![CDATA[editor]]></dc:creator>
    <description></description>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[An excerpt, not the content.]]></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date><![CDATA[2024-02-{post_id % 28 + 1:02d} 09:15:00]]></wp:post_date>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
    <category domain="category" nicename="finance"><![CDATA[Finance]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
  </item>"""


def wxr(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Acme</title>
  <link>https://acme.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login><![CDATA[editor]]></wp:author_login></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>finance</wp:category_nicename></wp:category>
{"".join(items)}
</channel>
</rss>
"""


def test_wordpress_export_reads_published_posts_and_pages_only(tmp_path: Path) -> None:
    classic = "Closing the books takes your team a week.\n\nEvery week of it is a week nobody plans."
    blocks = "<!-- wp:heading --><h2>Why now</h2><!-- /wp:heading -->\n<p>Your auditors already ask.</p>"
    export = tmp_path / "sitemap.xml"  # a misleading name: the content decides
    export.write_text(
        wxr(
            wxr_item(11, "post", "publish", "Close faster", classic, "blog/close-faster/"),
            wxr_item(12, "attachment", "inherit", "logo.png", "", "logo/"),
            wxr_item(13, "post", "draft", "Unfinished", "<p>Draft text.</p>", "?p=13"),
            wxr_item(14, "page", "publish", "About &amp; team", "<p>We are twelve people.</p>", "about/"),
            wxr_item(15, "revision", "inherit", "Close faster", "<p>Old.</p>", "blog/11-revision-v1/"),
            wxr_item(16, "nav_menu_item", "publish", "Home", "", "home/"),
            wxr_item(17, "post", "trash", "Gone", "<p>Deleted.</p>", "blog/gone/"),
            wxr_item(18, "post", "publish", "Audits", blocks, "blog/audits/"),
        )
    )
    docs = documents(export)
    assert [d.id for d in docs] == ["11", "14", "18"]
    post, about, audits = docs
    assert (post.title, post.doc_type, post.published, post.section) == (
        "Close faster",
        "blog-post",
        "2024-02-12",
        "blog",
    )
    assert (post.url, post.location, post.filename) == (
        "https://acme.example/blog/close-faster/", "https://acme.example/blog/close-faster/", "11.html",
    )  # fmt: skip
    text = extract(post.data or b"", post.filename).text
    assert text == "Closing the books takes your team a week.\n\nEvery week of it is a week nobody plans."
    assert (about.title, about.doc_type, about.section) == ("About & team", "page", "")
    assert b"An excerpt" not in (audits.data or b"") and extract(audits.data or b"", "18.html").headings


def test_wordpress_content_held_as_child_elements_keeps_its_text(tmp_path: Path) -> None:
    """An export made by another tool can hold the content as elements instead of CDATA."""
    item = wxr_item(21, "post", "publish", "Close faster", "PLACEHOLDER", "blog/close-faster/")
    markup = (
        "Intro before the first tag. <p>Closing the books takes <b>a week</b>.</p><!-- a note -->"
        '<p xmlns="http://www.w3.org/1999/xhtml">Every week of it is a week nobody plans.</p>'
    )
    item = item.replace(
        "<content:encoded><![CDATA[PLACEHOLDER]]></content:encoded>", f"<content:encoded>{markup}</content:encoded>"
    )
    item = item.replace("<title>Close faster</title>", "<title>Close <em>faster</em></title>")
    export = tmp_path / "export.xml"
    export.write_text(wxr(item))
    (post,) = documents(export)
    assert post.title == "Close faster"
    paragraphs = extract(post.data or b"", post.filename).text.split("\n\n")
    assert paragraphs == [
        "Intro before the first tag.",
        "Closing the books takes a week.",
        "Every week of it is a week nobody plans.",
    ]
    assert b"wordpress.org" not in (post.data or b"")  # the export's namespaces stay out of the content


def test_truncated_wordpress_export_keeps_the_items_before_the_break(tmp_path: Path) -> None:
    whole = wxr(
        wxr_item(1, "post", "publish", "First", "<p>One.</p>", "blog/one/"),
        wxr_item(2, "post", "publish", "Second", "<p>Two.</p>", "blog/two/"),
    )
    export = tmp_path / "export.xml"
    export.write_text(whole[: whole.index("<wp:post_id>2")])
    docs = documents(export)
    assert [d.id for d in docs] == ["1", f"export.xml:{export.read_text().count(chr(10)) + 1}"]
    assert docs[1].error_code == INVALID_ERROR
    assert "not well-formed XML" in (docs[1].error or "") and "items after it are not read" in (docs[1].error or "")


def test_corrupt_gzipped_wordpress_export_keeps_the_items_before_the_break(tmp_path: Path) -> None:
    items = [
        wxr_item(n, "post", "publish", f"Post {n}", f"<p>Post number {n} {'text ' * 400}</p>", f"b/{n}/")
        for n in range(40)
    ]
    packed = gzip.compress(wxr(*items).encode())
    export = tmp_path / "export.xml.gz"
    export.write_bytes(packed[: len(packed) * 2 // 3])  # cut short: the gzip stream ends early
    docs = documents(export)
    assert 0 < len(docs) < 41 and all(d.error is None for d in docs[:-1])
    assert docs[-1].id == "export.xml.gz" and "could not be read to the end" in (docs[-1].error or "")


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "sitemap.xml"
    bomb.write_bytes(BILLION_LAUGHS)
    wxr_bomb = tmp_path / "export.xml"
    wxr_bomb.write_bytes(BILLION_LAUGHS.replace(b"<urlset", b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><x'))
    for path in (bomb, wxr_bomb):
        started = time.monotonic()
        with pytest.raises(InputError, match="declares a DTD"):
            iter_documents([str(path)])
        assert time.monotonic() - started < 1.0


# Sitemaps over HTTP --------------------------------------------------------------------------


def test_sitemap_pages_are_fetched_politely(site: Site) -> None:
    site.routes = {
        "/robots.txt": Reply(
            # Our own group wins over `*` (RFC 9309): /private/ is allowed to us, /no-bots/ is not.
            body=b"User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n\n"
            b"User-agent: messaging-analyzer\nDisallow: /no-bots/\n",
            content_type="text/plain",
        ),
        "/sitemap.xml": urlset(
            site.url("/blog/first"),
            site.url("/private/plans"),
            site.url("/no-bots/page"),
            site.url("/guides/report.pdf"),
            site.url("/blog/first#comments"),  # the same page again
            site.url("/about"),
        ),
        "/blog/first": page("First"),
        "/guides/report.pdf": Reply(body=b"%PDF-1.4 not a real pdf", content_type="application/pdf"),
        "/about": page("About"),
        "/private/plans": page("Secret"),
        "/no-bots/page": page("Secret"),
    }
    docs = documents(site.url("/sitemap.xml"))

    assert [d.id for d in docs] == [site.url(p) for p in ("/blog/first", "/private/plans", "/no-bots/page",
                                                          "/guides/report.pdf", "/about")]  # fmt: skip
    first, private, no_bots, pdf, about = docs
    assert first.data == site.routes["/blog/first"].body  # type: ignore[union-attr]
    assert (first.section, first.filename, first.source) == ("blog", "first", site.url("/sitemap.xml"))
    assert first.media_type == "text/html; charset=utf-8" and first.error is None
    assert private.error is None and b"Secret" in (private.data or b"")
    assert no_bots.error_code == ROBOTS_ERROR and "disallowed by robots.txt" in (no_bots.error or "")
    assert no_bots.data is None
    assert (pdf.media_type, pdf.section, pdf.filename) == ("application/pdf", "guides", "report.pdf")
    assert about.section == "" and about.error is None
    fetched = ["/robots.txt", "/sitemap.xml", "/blog/first", "/private/plans", "/guides/report.pdf", "/about"]
    assert sorted(site.paths()) == sorted(fetched)  # /no-bots/page never requested, /blog/first once
    assert site.user_agents() == {FAST.user_agent}
    assert FAST.user_agent.startswith(f"messaging-analyzer/{__version__} (")


def test_retries_on_5xx_with_a_limit_and_never_on_404(site: Site) -> None:
    site.routes = {
        "/sitemap.xml": urlset(site.url("/flaky"), site.url("/broken"), site.url("/missing")),
        "/flaky": [Reply(503), Reply(503), page("Flaky")],
        "/broken": Reply(500, b"oops"),
    }
    flaky, broken, missing = documents(site.url("/sitemap.xml"))
    assert flaky.error is None and b"Flaky" in (flaky.data or b"")
    assert site.count("/flaky") == 3
    assert broken.error_code == FETCH_ERROR and "HTTP 500 (3 attempts)" in (broken.error or "")
    assert site.count("/broken") == 1 + FAST.retries
    assert missing.error_code == FETCH_ERROR and "HTTP 404." in (missing.error or "")
    assert site.count("/missing") == 1


def test_retry_after_is_honoured_and_capped(site: Site) -> None:
    site.routes = {
        "/sitemap.xml": urlset(site.url("/busy"), site.url("/very-busy")),
        "/busy": [Reply(429, headers={"Retry-After": "1"}), page("Busy")],
        "/very-busy": [Reply(503, headers={"Retry-After": "3600"}), page("Very busy")],
    }
    started = time.monotonic()
    busy, very_busy = documents(site.url("/sitemap.xml"), fetch=replace(FAST, max_retry_after=1.5))
    elapsed = time.monotonic() - started
    assert busy.error is None and very_busy.error is None
    assert site.count("/busy") == 2 and site.count("/very-busy") == 2
    # Both waits run side by side: at least the 1 s asked for, at most about the 1.5 s cap.
    assert 0.95 <= elapsed < 5.0


def test_a_slow_page_times_out_into_an_error_without_retrying(site: Site) -> None:
    site.routes = {
        "/sitemap.xml": urlset(site.url("/slow"), site.url("/quick")),
        "/slow": page("Slow", delay=3.0),
        "/quick": page("Quick"),
    }
    started = time.monotonic()
    slow, quick = documents(site.url("/sitemap.xml"), fetch=replace(FAST, read_timeout=0.3))
    assert time.monotonic() - started < 2.5
    assert slow.error_code == FETCH_ERROR and "timed out" in (slow.error or "") and slow.data is None
    assert quick.error is None
    assert site.count("/slow") == 1


def test_concurrency_never_exceeds_the_bound_and_order_is_kept(site: Site) -> None:
    paths = [f"/blog/post-{n}" for n in range(12)]
    site.routes = {"/sitemap.xml": urlset(*map(site.url, paths))}
    site.routes |= {path: page(path, delay=0.25) for path in paths}
    started = time.monotonic()
    docs = documents(site.url("/sitemap.xml"), fetch=replace(FAST, concurrency=3))
    assert [d.id for d in docs] == [site.url(p) for p in paths]
    assert all(d.error is None for d in docs)
    assert 2 <= site.max_in_flight <= 3
    assert time.monotonic() - started < 12 * 0.25  # it did run in parallel


def test_stopping_early_closes_the_crawl(site: Site) -> None:
    paths = [f"/p{n}" for n in range(40)]
    site.routes = {"/sitemap.xml": urlset(*map(site.url, paths))}
    site.routes |= {p: page(p, delay=0.05) for p in paths}
    stream = iter_documents([site.url("/sitemap.xml")], fetch=FAST)
    assert next(stream).id == site.url("/p0")
    stream.close()  # type: ignore[attr-defined]
    fetched = len([p for p in site.paths() if p.startswith("/p")])
    time.sleep(0.3)
    assert len([p for p in site.paths() if p.startswith("/p")]) == fetched < 40


def test_oversized_responses_are_cut_off(site: Site) -> None:
    body = b"<p>" + b"word " * 60_000 + b"</p>"
    site.routes = {
        "/sitemap.xml": urlset(site.url("/declared"), site.url("/streamed"), site.url("/small")),
        "/declared": Reply(body=body),
        "/streamed": Reply(body=body, length=False),  # no Content-Length: counted while read
        "/small": page("Small"),
    }
    declared, streamed, small = documents(site.url("/sitemap.xml"), limits=Limits(max_bytes=100_000))
    assert declared.error_code == TooLargeError.code and "not read" in (declared.error or "")
    assert streamed.error_code == TooLargeError.code and "cut off" in (streamed.error or "")
    assert declared.data is None and streamed.data is None and small.error is None


def test_sitemap_index_with_two_children_one_gzipped(site: Site) -> None:
    gzipped = gzip.compress(urlset(site.url("/b"), site.url("/a")).body)
    site.routes = {
        "/sitemap_index.xml": sitemap_index(site.url("/posts.xml"), site.url("/pages.xml.gz"), site.url("/gone.xml")),
        "/posts.xml": urlset(site.url("/a"), site.url("/c")),
        "/pages.xml.gz": Reply(body=gzipped, content_type="application/x-gzip"),
        "/a": page("A"),
        "/b": page("B"),
        "/c": page("C"),
    }
    docs = documents(site.url("/sitemap_index.xml"))
    assert [d.id for d in docs] == [site.url(p) for p in ("/a", "/c", "/b", "/gone.xml")]
    assert all(d.error is None for d in docs[:3])
    assert docs[3].error_code == FETCH_ERROR and "HTTP 404" in (docs[3].error or "")
    assert site.count("/a") == 1


def test_sitemap_index_depth_is_limited(site: Site) -> None:
    site.routes = {
        "/level0.xml": sitemap_index(site.url("/level1.xml")),
        "/level1.xml": sitemap_index(site.url("/level2.xml")),
        "/level2.xml": sitemap_index(site.url("/level0.xml"), site.url("/level3.xml")),  # a loop, and one level more
        "/level3.xml": urlset(site.url("/deep")),
        "/deep": page("Deep"),
    }
    [refused] = documents(site.url("/level0.xml"), fetch=replace(FAST, max_sitemap_depth=2))
    assert refused.id == site.url("/level3.xml") and "deeper than 2" in (refused.error or "")
    assert site.count("/level0.xml") == 1 and site.count("/level3.xml") == 0


def test_page_count_is_limited(site: Site) -> None:
    site.routes = {"/sitemap.xml": urlset(site.url("/1"), site.url("/2"), site.url("/3"))}
    site.routes |= {f"/{n}": page(str(n)) for n in range(1, 4)}
    docs = documents(site.url("/sitemap.xml"), fetch=replace(FAST, max_urls=2))
    assert [d.error is None for d in docs] == [True, True, False]
    assert "more than 2 URLs" in (docs[2].error or "") and site.count("/3") == 0


def test_redirects_are_followed_and_checked_against_robots(site: Site) -> None:
    site.routes = {
        "/robots.txt": Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/sitemap.xml": urlset(site.url("/old"), site.url("/sneaky"), site.url("/loop"), site.url("/away")),
        "/old": Reply(301, headers={"Location": "/new"}),
        "/new": page("New"),
        "/sneaky": Reply(302, headers={"Location": site.url("/private/x")}),
        "/loop": Reply(302, headers={"Location": "/loop"}),
        "/away": Reply(302, headers={"Location": "file:///etc/passwd"}),
    }
    old, sneaky, loop, away = documents(site.url("/sitemap.xml"))
    assert away.error_code == FETCH_ERROR and "not an http(s) URL" in (away.error or "")
    assert old.id == site.url("/old") and b"New" in (old.data or b"")
    assert sneaky.error_code == ROBOTS_ERROR and site.count("/private/x") == 0
    assert "more than 5 redirects" in (loop.error or "") and site.count("/loop") == 6


def test_robots_txt_server_error_means_nothing_is_fetched(site: Site, tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_bytes(urlset(site.url("/a"), site.url("/b")).body)
    site.routes = {"/robots.txt": Reply(503), "/a": page("A"), "/b": page("B")}
    docs = documents(sitemap)
    assert [d.error_code for d in docs] == [ROBOTS_ERROR, ROBOTS_ERROR]
    assert "robots.txt of" in (docs[0].error or "") and "HTTP 503 (3 attempts)" in (docs[0].error or "")
    assert site.count("/robots.txt") == 1 + FAST.retries and site.count("/a") == site.count("/b") == 0


def test_sitemap_file_lists_pages_on_a_server(site: Site, tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml.gz"
    body = urlset(site.url("/blog/a"), "file:///etc/passwd", "/relative", "http://[::1/broken").body
    sitemap.write_bytes(gzip.compress(body))
    site.routes = {"/blog/a": page("A")}
    docs = documents(sitemap)
    assert [d.id for d in docs] == [site.url("/blog/a"), "file:///etc/passwd", "/relative", "http://[::1/broken"]
    assert docs[0].error is None and docs[0].source == str(sitemap)
    assert all(d.error_code == INVALID_ERROR and "not an http(s) URL" in (d.error or "") for d in docs[1:])


def test_unreachable_host_is_retried_then_an_error(tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_bytes(urlset(f"http://127.0.0.1:{free_port()}/page").body)
    [doc] = documents(sitemap)
    assert (
        doc.error_code == ROBOTS_ERROR and "cannot connect" in (doc.error or "") and "(3 attempts)" in (doc.error or "")
    )


def test_bad_sitemap_urls_are_refused_at_the_call(site: Site) -> None:
    site.routes = {
        "/bomb.xml": Reply(body=BILLION_LAUGHS, content_type="application/xml"),
        "/feed.xml": Reply(body=b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>'),
        "/robots.txt": Reply(body=b"User-agent: *\nDisallow: /hidden/\n", content_type="text/plain"),
    }
    started = time.monotonic()
    with pytest.raises(InputError, match="declares a DTD"):
        iter_documents([site.url("/bomb.xml")], fetch=FAST)
    assert time.monotonic() - started < 1.0
    with pytest.raises(UnsupportedFormatError, match="not a sitemap"):
        iter_documents([site.url("/feed.xml")], fetch=FAST)
    with pytest.raises(InputError, match=r"cannot fetch the sitemap .*HTTP 404"):
        iter_documents([site.url("/nothing.xml")], fetch=FAST)
    with pytest.raises(InputError, match=r"disallowed by robots\.txt"):
        iter_documents([site.url("/hidden/sitemap.xml")], fetch=FAST)
    assert site.count("/hidden/sitemap.xml") == 0


def test_a_bomb_in_a_child_sitemap_is_an_error_record(site: Site) -> None:
    site.routes = {
        "/index.xml": sitemap_index(site.url("/bomb.xml"), site.url("/ok.xml")),
        "/bomb.xml": Reply(body=BILLION_LAUGHS, content_type="application/xml"),
        "/ok.xml": urlset(site.url("/a")),
        "/a": page("A"),
    }
    bomb, ok = documents(site.url("/index.xml"))
    assert bomb.id == site.url("/bomb.xml") and "declares a DTD" in (bomb.error or "")
    assert ok.error is None


# Attacks through sitemaps (issue 12) ---------------------------------------------------------

SECRET = "Payroll export for the finance team only"
#: A hostile site on 127.0.0.2 may be fetched (as an intranet audit would allow its CMS's
#: network); the secret page on 127.0.0.1 and [::1] is as private as ever.
HOSTILE_ONLY = replace(FAST, allow_private_addresses=False, allowed_networks=(ip_network("127.0.0.2/32"),))


def secret_urls(port: int) -> list[str]:
    """The secret page's address spelled every way an attacker would try, one path each."""
    return [
        f"http://127.0.0.1:{port}/secret/dotted",
        f"http://localhost:{port}/secret/localhost",
        f"http://0x7f000001:{port}/secret/hex",
        f"http://2130706433:{port}/secret/decimal",
        f"http://127.1:{port}/secret/short",
        f"http://[::1]:{port}/secret/ipv6",
        f"http://[::ffff:127.0.0.1]:{port}/secret/mapped",
        f"http://0.0.0.0:{port}/secret/unspecified",
        f"http://admin:hunter2@127.0.0.1:{port}/secret/userinfo",
        f"http://www.acme.example@127.0.0.1:{port}/secret/confusing",
    ]


@pytest.fixture
def secret() -> Iterator[tuple[Site, Site]]:
    """The secret page, served on 127.0.0.1 and on [::1] at the same port."""
    with serve_site() as v4, serve_site("::1", v4.port) as v6:
        for site in (v4, v6):
            site.routes = {"/secret/" + url.rpartition("/")[2]: page(SECRET) for url in secret_urls(v4.port)}
            site.routes["/secret/redirected"] = page(SECRET)
            site.routes["/sitemap.xml"] = urlset(v4.url("/secret/dotted"))
        yield v4, v6


@pytest.fixture
def hostile(secret: tuple[Site, Site]) -> Iterator[Site]:
    """A sitemap on 127.0.0.2 that lists the secret page in every spelling, and redirects to it."""
    port = secret[0].port
    with serve_site("127.0.0.2") as site:
        site.routes = {
            "/sitemap.xml": urlset(*secret_urls(port), site.url("/go"), site.url("/public")),
            "/go": Reply(302, headers={"Location": f"http://127.0.0.1:{port}/secret/redirected"}),
            "/public": page("A public page"),
        }
        yield site


def test_a_sitemap_cannot_reach_private_addresses_in_any_spelling(secret: tuple[Site, Site], hostile: Site) -> None:
    docs = documents(hostile.url("/sitemap.xml"), fetch=HOSTILE_ONLY)
    assert secret[0].paths() == [] and secret[1].paths() == []  # not even robots.txt was asked for
    *refused, go, public = docs
    assert len(refused) == len(secret_urls(0)) and go.id == hostile.url("/go")
    port = secret[0].port
    for doc in [*refused, go]:
        assert doc.error_code == REFUSED_ERROR and doc.data is None, doc
        assert "; pass --allow-private-addresses for an intranet audit." in (doc.error or "")
    reasons = {doc.id.rpartition("/")[2]: (doc.error or "").partition(": ")[2] for doc in refused}
    assert (
        reasons["dotted"]
        == "refused: 127.0.0.1 is a loopback address; pass --allow-private-addresses for an intranet audit."
    )
    assert reasons["hex"].startswith("refused: 0x7f000001 resolves to 127.0.0.1, a loopback address")
    assert reasons["decimal"].startswith("refused: 2130706433 resolves to 127.0.0.1, a loopback address")
    assert reasons["localhost"].startswith("refused: localhost resolves to 127.0.0.1, a loopback address")
    assert reasons["ipv6"].startswith("refused: ::1 is a loopback address")
    assert "a loopback address" in reasons["mapped"] and "an unspecified address" in reasons["unspecified"]
    # User names and passwords are dropped, from what is fetched and from what is written.
    assert {d.id for d in refused} >= {
        f"http://127.0.0.1:{port}/secret/userinfo",
        f"http://127.0.0.1:{port}/secret/confusing",
    }
    assert not any("hunter2" in f"{d.id}{d.url}{d.error}" for d in docs)
    # The redirect hop into loopback is refused, and the audit goes on.
    assert hostile.count("/go") == 1 and "127.0.0.1 is a loopback address" in (go.error or "")
    assert public.error is None and b"A public page" in (public.data or b"")
    # A sitemap URL given as a SOURCE is refused at the call.
    with pytest.raises(InputError, match=r"refused: 127\.0\.0\.1 is a loopback address; pass --allow-private"):
        iter_documents([secret[0].url("/sitemap.xml")])
    with pytest.raises(InputError, match="user name or password") as refusal:
        iter_documents([f"http://admin:hunter2@127.0.0.1:{port}/sitemap.xml"], fetch=FAST)
    assert "hunter2" not in str(refusal.value)
    assert secret[0].paths() == [] and secret[1].paths() == []


def test_an_intranet_audit_opts_in_to_private_addresses(secret: tuple[Site, Site], hostile: Site) -> None:
    """The same sitemap with the opt-in reads the page in every spelling: the refusal above is real."""
    docs = documents(hostile.url("/sitemap.xml"), fetch=FAST)
    assert all(SECRET.encode() in (doc.data or b"") for doc in docs[:-1]), [d.error for d in docs if d.error]
    assert secret[1].count("/secret/ipv6") == 1  # [::1] reached the IPv6 server
    assert "/secret/redirected" in secret[0].paths()


def test_names_are_checked_on_the_address_they_resolve_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """DNS tricks: a public-looking name that resolves to loopback, and one that answers a
    permitted address to one lookup and loopback to the next (rebinding). The address is checked
    where the connection is made, and the connection goes to the address that was checked."""
    real = socket.getaddrinfo
    rebound = itertools.cycle(["127.0.0.2", "127.0.0.1"])

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("cms.example.com", "rebind.example.com"):
            return real(host, port, *args, **kwargs)
        address = "127.0.0.1" if host == "cms.example.com" else next(rebound)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)  # in this process only
    pages = [f"/page-{n}" for n in range(6)]
    with serve_site() as secret, serve_site("127.0.0.2", secret.port) as decoy:
        secret.routes = {path: page(SECRET) for path in ["/secret", *pages]}
        decoy.routes = {path: page("Decoy") for path in pages}
        sitemap = tmp_path / "sitemap.xml"
        urls = [f"http://cms.example.com:{secret.port}/secret"]
        urls += [f"http://rebind.example.com:{secret.port}{path}" for path in pages]
        sitemap.write_bytes(urlset(*urls).body)
        cms, *rebinding = documents(sitemap, fetch=HOSTILE_ONLY)
        assert secret.paths() == []
        assert cms.error_code == REFUSED_ERROR and "cms.example.com resolves to 127.0.0.1, a loopback address" in (
            cms.error or ""
        )
        fetched = [doc for doc in rebinding if doc.error is None]
        refused = [doc for doc in rebinding if doc.error_code == REFUSED_ERROR]
        assert fetched and refused and len(fetched) + len(refused) == len(pages)
        assert all(b"Decoy" in (doc.data or b"") for doc in fetched)
        assert all("rebind.example.com resolves to 127.0.0.1" in (doc.error or "") for doc in refused)
        # With the opt-in, the name is fetched from the address it resolved to.
        sitemap.write_bytes(urlset(urls[0]).body)
        [opted_in] = documents(sitemap, fetch=FAST)
        assert SECRET.encode() in (opted_in.data or b"") and secret.paths()[-1] == "/secret"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_goes_through_the_same_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TLS is started on the checked, pinned connection, and its handshake is under the deadline too."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.2", "-addext", "subjectAltName=IP:127.0.0.2"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted by this test's fetches only
    with serve_site("127.0.0.2", tls=(cert, key)) as site:
        site.routes = {
            "/sitemap.xml": urlset(site.url("/page"), site.url("/drip")),
            "/page": page("Over TLS"),
            "/drip": Reply(trickle=0.5, trickle_lines=20),
        }
        tls, drip = documents(site.url("/sitemap.xml"), fetch=replace(HOSTILE_ONLY, total_timeout=2.0))
        assert b"Over TLS" in (tls.data or b"") and "took over 2 s" in (drip.error or "")
        with pytest.raises(InputError, match=r"refused: 127\.0\.0\.2 is a loopback address"):
            iter_documents([site.url("/sitemap.xml")])
        assert site.paths().count("/sitemap.xml") == 1


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.215.14", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("2002:7f00:1::", "a loopback address"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "an unspecified address (it reaches this machine)"),
        ("::", "an unspecified address (it reaches this machine)"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # a cloud's metadata service
        ("64:ff9b::a9fe:a9fe", "a link-local address"),  # the same through NAT64
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ],
)
def test_non_public_addresses_are_named(address: str, kind: str | None) -> None:
    assert non_public_kind(ip_address(address)) == kind


def test_a_server_that_trickles_its_headers_is_cut_off_at_the_deadline(site: Site) -> None:
    """One header line a second never trips a 2 s read timeout; the 2.5 s deadline ends it."""
    site.routes = {
        "/sitemap.xml": urlset(site.url("/drip"), site.url("/quick")),
        "/drip": Reply(body=b"<p>Never read.</p>", trickle=1.0, trickle_lines=20),
        "/quick": page("Quick"),
    }
    started = time.monotonic()
    drip, quick = documents(site.url("/sitemap.xml"), fetch=replace(FAST, read_timeout=2.0, total_timeout=2.5))
    assert time.monotonic() - started < 6.0
    assert drip.error_code == FETCH_ERROR and drip.data is None
    assert "the response took over 2.5 s; cut off." in (drip.error or "")
    assert quick.error is None and site.count("/drip") == 1  # not retried


# Streaming and arbitrary input ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_exports_are_streamed_not_loaded(tmp_path: Path, kind: str) -> None:
    rows = 20_000
    body = "Every month on spreadsheets costs your analysts a week of reconciliation work. " * 6
    export = tmp_path / f"big.{kind}"
    with export.open("w", encoding="utf-8") as file:
        if kind == "csv":
            file.write("id,text\n")
        for n in range(rows):
            file.write(json.dumps({"id": f"r{n}", "text": body}) + "\n" if kind == "jsonl" else f"r{n},{body}\n")
    assert export.stat().st_size > 9_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_documents([str(export)]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert peak < 4_000_000  # ids seen (for duplicates) and one row: far below the file's 9 MB


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_any_jsonl_lines_give_records_never_exceptions(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.jsonl"
        export.write_bytes(b'{"id": "first", "text": "A first row."}\n' + b"\n".join(lines))
        docs = list(iter_documents([str(export)], Limits(max_bytes=200)))
    assert docs[0].id == "first"
    for doc in docs:
        assert (doc.data is None) == (doc.error is not None)
        assert doc.data is None or len(doc.data) <= 200


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_csv_body_gives_records_never_exceptions(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.csv"
        export.write_text("id,title,text\n" + body, encoding="utf-8", errors="surrogatepass")
        try:
            docs = list(iter_documents([str(export)], Limits(max_bytes=200)))
        except UndecodableError:
            return  # lone surrogates are not UTF-8: refused as a whole, before any work
    for doc in docs:
        assert (doc.data is None) == (doc.error is not None)


@given(st.text(max_size=60))
def test_dates_and_sections_never_raise(value: str) -> None:
    date = normalize_date(value)
    assert date is None or len(date) >= 10
    assert isinstance(url_section(f"https://acme.example/{value}"), str)
    assert isinstance(url_section(value), str)
    assert isinstance(url_section(f"http://[{value}"), str)  # an export's url can be anything
