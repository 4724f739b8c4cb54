"""Documents next to Markdown: indexed with citations, bad files reported, cached,
sidecars and department defaults applied, originals kept for download."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from indexer.build import BuildReport, IndexBuilder
from indexer.reader import SnapshotReader
from indexer.unreadable import read_unreadable
from kb.content.scanner import scan_content
from kb.i18n.problems import problem_text
from kb.records import Problem
from kb.settings import Settings
from tests.documents import (
    Outline,
    travel_outline,
    write_docx,
    write_html,
    write_image_only_pdf,
    write_odt,
    write_pdf,
    write_txt,
)
from tests.support import HashingEmbedder

NUMBERED = Outline(
    title="Reisekostenrichtlinie",
    lang="de",
    sections=[
        (1, "3 Reisen buchen", ["Bahnreisen werden über das Reiseportal gebucht, zweite Klasse."]),
        (
            2,
            "3.2 Hotelkosten",
            [
                "Hotelkosten werden bis 120 EUR je Nacht in Hamburg erstattet, in München bis "
                "140 EUR und in London bis 180 GBP. Das Frühstück ist enthalten; Minibar, Parken "
                "und private Telefonate zahlen Reisende selbst und reichen sie nicht ein.",
            ],
        ),
    ],
)


def _content(root: Path) -> Path:
    for folder in ("finance", "hr", "it", "facilities"):
        (root / folder).mkdir(parents=True)
    (root / "finance" / "travel.pdf").write_bytes(write_pdf(travel_outline()))
    (root / "finance" / "reisekosten.docx").write_bytes(write_docx(NUMBERED))
    (root / "facilities" / "floors.html").write_bytes(write_html(travel_outline()))
    (root / "it" / "runbook.txt").write_bytes(write_txt(travel_outline()))
    (root / "hr" / "policy.odt").write_bytes(write_odt(travel_outline()))
    (root / "hr" / "leave.md").write_text("# Annual leave\nYou get 30 days of annual leave.\n")
    return root


def _settings(tmp_path: Path, **extra: object) -> Settings:
    """Without the second model: what is checked here is what documents are
    read, cited, cached and reported, never its vectors, and loading and
    running it for every index built was most of these tests' time."""
    return Settings.load(
        {
            "content_dir": str(tmp_path / "content"),
            "index_dir": str(tmp_path / "index"),
            "secondary_model": "",
            **extra,
        },
        environ={},
    )


def _build(settings: Settings, full: bool = False) -> BuildReport:
    return IndexBuilder(settings, embedder=HashingEmbedder()).run(full=full)


def test_every_format_is_indexed_with_its_citations(tmp_path: Path) -> None:
    _content(tmp_path / "content")
    settings = _settings(tmp_path)
    report = _build(settings)
    assert not report.errors and not report.warnings
    assert report.added == 6 and report.documents_extracted == 5
    snap = SnapshotReader(settings.index_path).get()
    assert set(snap.titles) >= {
        "finance/travel.pdf",
        "finance/reisekosten.docx",
        "facilities/floors.html",
        "it/runbook.txt",
        "hr/policy.odt",
        "hr/leave.md",
    }
    pdf = snap.article_passages("finance/travel.pdf")
    assert pdf and all(p.locator == "page 1" for p in pdf)
    docx = {p.headings[-1]: p for p in snap.article_passages("finance/reisekosten.docx")}
    assert docx["3.2 Hotelkosten"].locator == "Section 3.2"
    assert "120 EUR" in docx["3.2 Hotelkosten"].text
    article = snap.article("finance/reisekosten.docx")
    assert article is not None and article.source_format == "docx" and article.lang == "de"
    assert "<h3>3.2 Hotelkosten</h3>" in article.body_html
    original = snap.path / "originals" / article.original
    assert (
        original.read_bytes() == (settings.content_path / "finance/reisekosten.docx").read_bytes()
    )


def _zip_bomb() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(205):
                member.write(chunk)
    return buf.getvalue()


def test_bad_files_are_one_warning_each_and_the_rest_is_indexed(tmp_path: Path) -> None:
    root = _content(tmp_path / "content")
    bad = {
        "hr/secret.pdf": (write_pdf(travel_outline(), encrypt="pw"), "password-protected"),
        "hr/scan.pdf": (write_image_only_pdf(), "no text found: scanned? add a text version"),
        "it/broken.docx": (write_docx(travel_outline())[:5000], "not a valid Word document"),
        "it/bomb.docx": (_zip_bomb(), "a zip bomb?"),
        "it/huge.txt": (b"word " * 60_000, "file is 300.0 KB, over the 250.0 KB limit"),
        "finance/old.doc": (b"\xd0\xcf\x11\xe0 legacy", "save it as .docx or PDF"),
        # Spreadsheets were left out without a word.
        "finance/costs.xlsx": (b"PK\x03\x04 sheet", "not published: spreadsheets (.xlsx)"),
        "it/prices.csv": (b"city,limit\nRome,110\n", "not published: spreadsheets (.csv)"),
    }
    for name, (data, _) in bad.items():
        (root / name).write_bytes(data)
    settings = _settings(tmp_path, document_max_bytes=250_000)
    report = _build(settings)
    assert not report.errors
    for name, (_, message) in bad.items():
        lines = [w for w in report.warnings if name in w]
        assert len(lines) == 1 and message in lines[0], (name, lines)
    snap = SnapshotReader(settings.index_path).get()
    assert not set(bad) & set(snap.titles)
    assert len(snap.titles) == 6  # every good file is still there
    # the department's list names them too, as documents the run could not read
    assert {"finance/costs.xlsx", "it/prices.csv"} <= set(read_unreadable(settings.index_path))
    scan = scan_content(root, documents=settings.document_options)
    assert not scan.errors
    assert {p.path for p in scan.warnings} == set(bad)


def test_each_run_records_the_documents_it_could_not_read_for_the_article_list(
    tmp_path: Path,
) -> None:
    root = _content(tmp_path / "content")
    (root / "hr" / "secret.pdf").write_bytes(write_pdf(travel_outline(), encrypt="pw"))
    (root / "it" / "empty.html").write_bytes(b"")
    settings = _settings(tmp_path)
    _build(settings)
    found = read_unreadable(settings.index_path)
    assert set(found) == {"hr/secret.pdf", "it/empty.html"}
    secret = found["hr/secret.pdf"]
    assert str(secret).startswith("warning: hr/secret.pdf: PDF is password-protected")
    assert "file is empty" in str(found["it/empty.html"])
    # With the key of its text, for a page to say it in its reader's language.
    assert isinstance(secret.problem, Problem) and not secret.kept
    assert secret.problem.text_key == "document_encrypted_pdf"
    assert problem_text(secret.problem, "de").startswith(
        "Warnung: hr/secret.pdf: Das PDF ist kennwortgeschützt"
    )
    # A document that was indexed and breaks: its problem, and that the old version stays.
    (root / "finance" / "travel.pdf").write_bytes(b"%PDF-1.4 cut short")
    (root / "hr" / "secret.pdf").unlink()
    report = _build(settings)
    assert not report.published  # nothing to publish, the record is new all the same
    found = read_unreadable(settings.index_path)
    assert set(found) == {"finance/travel.pdf", "it/empty.html"}
    assert str(found["finance/travel.pdf"]).endswith("; the previously indexed version stays")
    assert found["finance/travel.pdf"].kept
    (root / "finance" / "travel.pdf").write_bytes(write_pdf(travel_outline()))
    (root / "it" / "empty.html").unlink()
    _build(settings)
    assert read_unreadable(settings.index_path) == {}


def test_a_warm_run_extracts_nothing_and_a_full_rebuild_uses_the_cache(tmp_path: Path) -> None:
    _content(tmp_path / "content")
    settings = _settings(tmp_path)
    assert _build(settings).documents_extracted == 5
    warm = _build(settings)
    assert not warm.published and warm.unchanged == 6
    assert warm.documents_extracted == 0 and warm.documents_cached == 0
    full = _build(settings, full=True)
    assert full.published and full.documents_extracted == 0 and full.documents_cached == 5


def test_a_new_extraction_version_reads_every_document_again_in_a_plain_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade that extracts documents otherwise (a better title, tables)
    reaches documents indexed before it without `kb index --full`."""
    from kb.extract import factory

    _content(tmp_path / "content")
    settings = _settings(tmp_path)
    _build(settings)
    monkeypatch.setattr(factory, "EXTRACTION_VERSION", factory.EXTRACTION_VERSION + 1)
    upgraded = _build(settings)
    assert upgraded.documents_extracted == 5 and upgraded.documents_cached == 0
    assert upgraded.updated == 5 and upgraded.unchanged == 1
    again = _build(settings)
    assert again.documents_extracted == 0 and again.unchanged == 6


def test_a_fixed_extractor_reads_the_documents_of_its_format_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Word extractor fixed (its version raised) reads every Word document
    again in a plain run; the other formats' readings stay."""
    from dataclasses import replace

    from kb.extract import factory

    _content(tmp_path / "content")
    settings = _settings(tmp_path)
    _build(settings)
    word = factory.BY_EXTENSION[".docx"]
    monkeypatch.setitem(factory.BY_EXTENSION, ".docx", replace(word, version=word.version + 1))
    fixed = _build(settings)
    assert fixed.documents_extracted == 1 and fixed.documents_cached == 0
    assert fixed.updated == 1 and fixed.unchanged == 5
    assert _build(settings).documents_extracted == 0


def test_sidecar_and_department_defaults(tmp_path: Path) -> None:
    root = _content(tmp_path / "content")
    (root / "finance" / "_department.yml").write_text(
        "name: Finance\ndocuments:\n  owner: Finance Team\n  audience: [finance]\n"
        "  review_months: 12\n"
    )
    settings = _settings(tmp_path)
    _build(settings)
    snap = SnapshotReader(settings.index_path).get()
    pdf = snap.article("finance/travel.pdf")
    assert pdf is not None
    assert pdf.owner == "Finance Team" and pdf.audience == ("finance",)
    assert pdf.updated is not None and pdf.review_by is not None
    assert pdf.review_by.year == pdf.updated.year + 1
    assert not pdf.visible_to(frozenset({"hr"}))
    # A sidecar overrides the file and the department, and a change to it alone re-indexes.
    (root / "finance" / "travel.pdf.yml").write_text(
        "title: Travel policy 2027\naudience: everyone\ntags: [travel]\n"
    )
    report = _build(settings)
    assert report.updated == 1 and report.documents_cached == 1
    pdf = SnapshotReader(settings.index_path).get().article("finance/travel.pdf")
    assert pdf is not None and pdf.title == "Travel policy 2027"
    assert pdf.audience == ("everyone",) and pdf.tags == ("travel",)
    # A draft sidecar takes the document out, like a Markdown draft.
    (root / "finance" / "travel.pdf.yml").write_text("status: draft\n")
    _build(settings)
    assert "finance/travel.pdf" not in SnapshotReader(settings.index_path).get().titles


def test_broken_sidecar_is_reported(tmp_path: Path) -> None:
    root = _content(tmp_path / "content")
    (root / "it" / "runbook.txt.yml").write_text("title: [unclosed\n")
    report = _build(_settings(tmp_path))
    assert any("it/runbook.txt.yml" in w and "not valid YAML" in w for w in report.warnings)
    assert not report.errors


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    import os

    root = _content(tmp_path / "content")
    secret = tmp_path / "secret.txt"
    secret.write_text("the operator's secret")
    target = root / "it" / "link.txt"
    if kind == "symlink":
        target.symlink_to(secret)
    else:
        os.mkfifo(target)
    settings = _settings(tmp_path)
    report = _build(settings)
    assert any("it/link.txt" in w and "not a regular file" in w for w in report.warnings)
    assert "it/link.txt" not in SnapshotReader(settings.index_path).get().titles


def test_merged_sections_cite_every_page_and_number_they_hold() -> None:
    from indexer.chunking import chunk_article
    from kb.records import Article, Section

    words = " ".join(["receipt"] * 30)
    article = Article(
        id="finance/x.pdf",
        department="finance",
        title="X",
        body_markdown="",
        sections=(
            Section(("A",), words + " " + words, page=3, page_breaks=(30,), number="2.1"),
            Section(("A", "B"), "short tail", page=5, number="2.2"),
        ),
    )
    [chunk] = chunk_article(article, words=180, overlap=30)
    assert chunk.locator == "pages 3–5"
    numbered = Article(
        id="finance/y.docx",
        department="finance",
        title="Y",
        body_markdown="",
        sections=(Section(("A",), words, number="2.1"), Section(("A", "B"), "tail", number="2.2")),
    )
    assert chunk_article(numbered)[0].locator == "Sections 2.1–2.2"


def test_watch_picks_up_a_dropped_in_document(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import time

    from tests.indexer.watcher import watching

    root = _content(tmp_path / "content")
    settings = _settings(tmp_path)
    builder = IndexBuilder(settings, embedder=HashingEmbedder())
    builder.run()
    with watching(builder, caplog) as reports:
        (root / "it" / "dropped.pdf").write_bytes(write_pdf(NUMBERED))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "it/dropped.pdf" in SnapshotReader(settings.index_path).get().titles:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the dropped PDF was not indexed: {reports}")
    assert reports and reports[-1].documents_extracted == 1


def test_a_record_an_older_version_wrote_is_read_as_its_english_line(tmp_path: Path) -> None:
    """Before problems had keys, `unreadable.json` held each document's English line."""
    line = "warning: it/x.pdf: PDF is password-protected; its text cannot be read"
    (tmp_path / "unreadable.json").write_text(json.dumps({"it/x.pdf": line}), encoding="utf-8")
    [found] = read_unreadable(tmp_path).values()
    assert found.problem == line and not found.kept and str(found) == line
