"""Attacks on a batch audit (issue 12), each run as a real audit: the `analyzer audit` command or
`run_audit` on real files, real loopback servers and real links, pipes and folders in --out."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analyzer.audit.identity import page_name
from analyzer.audit.results import RESULTS_CSV, RESULTS_FILE, printable_record
from analyzer.audit.run import AuditError, run_audit
from analyzer.audit.sources import iter_documents
from analyzer.files import UnsafeOutputError, atomic_writer, open_output
from tests.conftest import run_cli
from tests.sources_server import Reply, Site, serve_site, urlset

pytestmark = pytest.mark.slow

SECRET = "Payroll export for the finance team only"
OUTPUTS = (RESULTS_FILE, RESULTS_CSV, "summary.json", "report.html")
CASE = (
    "Manual invoicing costs your finance team two days every month, and every late invoice delays cash. "
    "Teams that automate it close the books on time and stop chasing payments."
)


def article(title: str, text: str = CASE) -> Reply:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    return Reply(body=body.encode())


def records_in(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / RESULTS_FILE).read_text(encoding="utf-8").splitlines()]


def everything_written(out: Path) -> str:
    return "".join((out / name).read_text(encoding="utf-8") for name in OUTPUTS)


# 1. SSRF through sitemaps ------------------------------------------------------------------------


@pytest.fixture
def secret() -> Iterator[Site]:
    """A page on 127.0.0.1 that nothing outside this machine may read."""
    with serve_site() as site:
        site.routes = {"/sitemap.xml": urlset(site.url("/secret")), "/secret": article(SECRET)}
        yield site


def test_a_hostile_sitemap_cannot_bring_a_loopback_page_into_the_report(secret: Site, tmp_path: Path) -> None:
    port = secret.port
    with serve_site("127.0.0.2") as hostile:
        hostile.routes = {
            "/sitemap.xml": urlset(
                f"http://127.0.0.1:{port}/secret",
                f"http://0x7f000001:{port}/secret?hex",
                f"http://2130706433:{port}/secret?decimal",
                f"http://localhost:{port}/secret?name",
                f"http://[::1]:{port}/secret?ipv6",
                f"http://admin:hunter2@127.0.0.1:{port}/secret?userinfo",
                hostile.url("/go"),
                hostile.url("/public"),
            ),
            "/go": Reply(302, headers={"Location": f"http://127.0.0.1:{port}/secret?redirected"}),
            "/public": article("Close the books on time"),
        }
        out = tmp_path / "out"
        # The hostile site stands for an intranet CMS the audit was allowed to reach, and no more.
        result = run_cli("audit", hostile.url("/sitemap.xml"), "--out", str(out), "--allow-network", "127.0.0.2/32")
    assert result.returncode == 1, result.stderr  # some documents failed: the refused ones
    assert secret.paths() == []
    records = records_in(out)
    assert len(records) == 8
    *refused, public = records
    for record in refused:
        assert record["error"]["code"] == "address_refused", record
        assert "; pass --allow-private-addresses for an intranet audit." in record["error"]["message"]
    assert "refused: 127.0.0.1 is a loopback address" in refused[0]["error"]["message"]
    assert "0x7f000001 resolves to 127.0.0.1, a loopback address" in refused[1]["error"]["message"]
    assert public["error"] is None and public["title"] == "Close the books on time"
    written = everything_written(out)
    assert SECRET not in written and "hunter2" not in written
    assert "address_refused" in (out / "summary.json").read_text(encoding="utf-8")


def test_a_loopback_sitemap_is_refused_unless_the_audit_opts_in(secret: Site, tmp_path: Path) -> None:
    refused = run_cli("audit", secret.url("/sitemap.xml"), "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2
    assert "refused: 127.0.0.1 is a loopback address; pass --allow-private-addresses" in refused.stderr
    assert secret.paths() == [] and not (tmp_path / "refused" / RESULTS_FILE).exists()
    bad = run_cli("audit", secret.url("/sitemap.xml"), "--out", str(tmp_path / "bad"), "--allow-network", "intranet")
    assert bad.returncode == 2 and "'intranet' is not a network" in bad.stderr
    out = tmp_path / "intranet"
    opted_in = run_cli("audit", secret.url("/sitemap.xml"), "--out", str(out), "--allow-private-addresses")
    assert opted_in.returncode == 0, opted_in.stderr
    [record] = records_in(out)
    assert record["error"] is None and record["title"] == SECRET


# 7. Lone surrogates in a JSONL export --------------------------------------------------------------


def test_lone_surrogates_never_stop_the_report(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    row = {"id": "p\\ud800", "title": "Invoices \\udc00 on time", "url": "https://acme.example/\\ud83d/x"}
    fields = ", ".join(f'"{name}": "{value}"' for name, value in {**row, "doc_type": "blog\\udfff"}.items())
    export.write_text(f'{{{fields}, "text": {json.dumps(CASE)}}}\n', encoding="ascii")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "caf\udce9.txt").write_text(CASE)  # a file name that is not UTF-8
    out = tmp_path / "out"
    first = run_cli("audit", str(export), str(folder), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    assert (out / "report.html").exists() and (out / "summary.json").exists()
    by_source = {record["source"]: record for record in records_in(out)}
    cleaned = by_source[str(export)]
    assert (cleaned["id"], cleaned["title"], cleaned["doc_type"]) == (
        "p\ufffd",
        "Invoices \ufffd on time",
        "blog\ufffd",
    )
    assert cleaned["url"] == "https://acme.example/\ufffd/x"
    # results.jsonl keeps the file name as it is (so --resume finds the file again); the report shows it as text.
    assert by_source[str(folder)]["id"] == "caf\udce9.txt"
    # report.html titles it by its first line; its page names the file
    page = out / "docs" / page_name(printable_record(by_source[str(folder)]))
    assert "caf\ufffd.txt" in page.read_text(encoding="utf-8")

    # A record an older version wrote, with a lone surrogate in its title, from a source not given again.
    older = {**by_source[str(export)], "key": "0" * 64, "source": "older-export.jsonl"}
    line = json.dumps(older, ensure_ascii=False).replace("Invoices \ufffd on time", "Invoices \\ud800 on time")
    with (out / RESULTS_FILE).open("a", encoding="utf-8") as results:
        results.write(line + "\n")
    report = (out / "report.html").stat().st_ino
    resumed = run_cli("audit", str(export), str(folder), "--out", str(out), "--jobs", "1", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "audited 3 documents" in resumed.stderr and "2 done by an earlier run" in resumed.stderr
    assert (out / "report.html").stat().st_ino != report  # written again, with the older record in it


# 8. Links, pipes and folders in --out -------------------------------------------------------------


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": "a", "text": CASE}) + "\n")
    return path


def audit_into(out: Path, export: Path, **options: Any) -> None:
    run_audit(iter_documents([str(export)]), out, jobs=1, **options)


def test_an_out_folder_that_is_a_link_is_refused(export: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    result = run_cli("audit", str(export), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"--out {tmp_path / 'out'} is a symbolic link (to {elsewhere})" in result.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("resume", [False, True])
def test_a_results_file_that_is_a_link_is_refused(export: Path, tmp_path: Path, resume: bool) -> None:
    """A link named results.jsonl: without --resume it points at nothing yet (the audit would
    create its target), with --resume at someone's file (the audit would read and cut it)."""
    victim = tmp_path / "victim.txt"
    if resume:
        victim.write_text("someone's notes, not a results line\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / RESULTS_FILE).symlink_to(victim)
    with pytest.raises(AuditError, match=r"results\.jsonl is a symbolic link, not a regular file"):
        audit_into(out, export, resume=resume)
    assert victim.read_text() == "someone's notes, not a results line\n" if resume else not victim.exists()
    assert sorted(p.name for p in out.iterdir()) == [RESULTS_FILE]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("report.html", "link"), (RESULTS_CSV, "pipe"), ("summary.json", "folder"), ("compare.json", "link")],
)
def test_output_names_taken_by_links_pipes_or_folders_are_refused(
    export: Path, tmp_path: Path, name: str, kind: str
) -> None:
    victim = tmp_path / "victim.html"
    victim.write_text("<p>someone's page</p>")
    out = tmp_path / "out"
    out.mkdir()
    if kind == "link":
        (out / name).symlink_to(victim)
    elif kind == "pipe":
        os.mkfifo(out / name)  # opening it to write would wait forever for a reader
    else:
        (out / name).mkdir()
    expected = {"link": "a symbolic link", "pipe": "a named pipe", "folder": "a folder"}[kind]
    with pytest.raises(AuditError, match=f"{name} is {expected}, not a regular file"):
        audit_into(out, export, overwrite=True)
    assert victim.read_text() == "<p>someone's page</p>" and not (out / RESULTS_FILE).exists()


def test_a_pages_folder_that_is_a_link_is_replaced_never_followed(export: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.html").write_text("<p>someone's page</p>")
    out = tmp_path / "out"
    out.mkdir()
    (out / "docs").symlink_to(victim)
    audit_into(out, export)
    assert not (out / "docs").is_symlink() and len(list((out / "docs").iterdir())) == 1
    assert [p.name for p in victim.iterdir()] == ["notes.html"]
    assert (victim / "notes.html").read_text() == "<p>someone's page</p>"


def test_an_earlier_audit_is_read_back_only_from_regular_files(export: Path, tmp_path: Path) -> None:
    """--compare OLD_DIR and `analyzer report`: a link in an audit folder is refused before any work."""
    victim = tmp_path / "victim.jsonl"
    victim.write_text(json.dumps({"key": "0" * 64, "id": "secret", "title": SECRET, "error": None}) + "\n")
    old = tmp_path / "old"
    old.mkdir()
    (old / RESULTS_FILE).symlink_to(victim)
    out = tmp_path / "out"
    compared = run_cli("audit", str(export), "--out", str(out), "--compare", str(old))
    assert compared.returncode == 2, compared.stderr
    assert f"{old / RESULTS_FILE} is a symbolic link, not a regular file" in compared.stderr
    assert not out.exists()  # refused before the output folder was made
    audit_into(out, export)
    report = run_cli("report", "compare", str(old), str(out))
    assert report.returncode == 2 and "is a symbolic link" in report.stderr
    assert SECRET not in everything_written(out) and not (out / "compare.json").exists()
    (out / "summary.json").unlink()
    (out / "summary.json").symlink_to(victim)
    rebuilt = run_cli("report", "build", str(out))
    assert rebuilt.returncode == 2 and "summary.json is a symbolic link" in rebuilt.stderr
    assert (out / "summary.json").is_symlink() and SECRET in victim.read_text()


def test_outputs_are_opened_only_as_regular_files(tmp_path: Path) -> None:
    """The helpers every output goes through, on their own."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link, pipe, folder, regular = (tmp_path / name for name in ("link", "pipe", "folder", "regular"))
    link.symlink_to(victim)
    os.mkfifo(pipe)
    folder.mkdir()
    for path, kind in ((link, "a symbolic link"), (pipe, "a named pipe"), (folder, "a folder")):
        for flags in (os.O_RDONLY, os.O_WRONLY | os.O_CREAT | os.O_APPEND, os.O_RDWR):
            with pytest.raises(UnsafeOutputError, match=f"is {kind}, not a regular file"):
                open_output(path, flags)
        with pytest.raises(UnsafeOutputError, match=f"is {kind}"), atomic_writer(path) as handle:
            handle.write("never written")
    assert victim.read_text() == "keep me" and link.is_symlink() and pipe.is_fifo() and folder.is_dir()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(UnsafeOutputError, match="is a symbolic link"):
        open_output(dangling, os.O_WRONLY | os.O_CREAT)
    assert not (tmp_path / "nowhere").exists()
    with atomic_writer(regular) as handle:
        handle.write("first")
    os.close(open_output(regular, os.O_RDONLY))
    assert regular.read_text() == "first"


# 13 (the audit's side). A signing key refuses an unsigned model before any worker starts ------------


def test_an_audit_with_a_signing_key_refuses_an_unsigned_model_up_front(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    key = {"ANALYZER_MODEL_SIGNING_KEY": "audit-signing-key-0b6e2f9a41c8d735"}
    refused = run_cli("audit", str(export), "--out", str(out), "--jobs", "2", env=key)
    assert refused.returncode == 2, refused.stderr
    assert "is not signed" in refused.stderr and "Traceback" not in refused.stderr
    assert not (out / RESULTS_FILE).exists()  # refused before any document was read or worker started
