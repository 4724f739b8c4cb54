"""Every way a document can be unreadable gets its own clear problem."""

from __future__ import annotations

import io
import zipfile

import pytest

from kb.attachments.kinds import sniff_kind
from kb.extract import ExtractionError, Limits, extract, sniff_format
from kb.extract.zipped import MAX_MEMBERS
from kb.i18n.problems import problem_words
from kb.records import Problem
from tests.documents import travel_outline, write_docx, write_image_only_pdf, write_pdf


def _problem(data: bytes, name: str, limits: Limits | None = None) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(data, name, limits or Limits())
    assert caught.value.message and caught.value.hint
    return caught.value


def test_password_protected_pdf() -> None:
    problem = _problem(write_pdf(travel_outline(), encrypt="secret"), "hr/policy.pdf")
    assert problem.kind == "encrypted"
    assert "password" in problem.message


def _compound_file(stream: str) -> bytes:
    """The start of Microsoft's older container, naming one stream as Office does."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(512)
    )


def test_password_protected_word_document() -> None:
    """Word saves a DOCX with a password to open as an encrypted package in its
    older container: it was called 'not a zip container (renamed?)'."""
    problem = _problem(_compound_file("EncryptedPackage"), "hr/policy.docx")
    assert problem.kind == "encrypted"
    assert problem.message == "Word document is password-protected; its text cannot be read"


def test_word_97_document_named_docx() -> None:
    problem = _problem(_compound_file("WordDocument"), "hr/policy.docx")
    assert "really a Word 97-2003 document (.doc)" in problem.message


def test_password_protected_odt() -> None:
    from tests.documents import write_encrypted_odt

    problem = _problem(write_encrypted_odt(travel_outline()), "ops/plan.odt")
    assert problem.kind == "encrypted"
    assert "OpenDocument text is password-protected" in problem.message


def test_pdf_with_only_an_owner_password_is_read() -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(
        buf, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0)
    )
    c.drawString(72, 720, "Printing is restricted but this text can be read.")
    c.save()
    assert "can be read" in extract(buf.getvalue(), "x.pdf", Limits()).text


def test_scanned_pdf_without_text_layer() -> None:
    problem = _problem(write_image_only_pdf(), "hr/scan.pdf")
    assert problem.kind == "no_text"
    assert problem.message == "no text found: scanned? add a text version"


@pytest.mark.parametrize("name", ["hr/broken.pdf", "hr/broken.docx", "hr/broken.odt"])
def test_truncated_files_are_malformed(name: str) -> None:
    whole = write_pdf(travel_outline()) if name.endswith(".pdf") else write_docx(travel_outline())
    if name.endswith(".odt"):
        from tests.documents import write_odt

        whole = write_odt(travel_outline())
    problem = _problem(whole[: len(whole) // 3], name)
    assert problem.kind == "malformed"


def test_renamed_file_names_its_real_type() -> None:
    problem = _problem(write_pdf(travel_outline()), "finance/travel.docx")
    assert problem.kind == "malformed"
    assert "really a PDF" in problem.message


def test_docx_zip_bomb() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 3_000_000)
    problem = _problem(buf.getvalue(), "it/bomb.docx", Limits(max_unpacked_bytes=1_000_000))
    assert problem.kind == "zip_bomb"
    assert "zip bomb" in problem.message
    assert len(buf.getvalue()) < 10_000  # small on disk, huge unpacked
    # A German page says the whole of it in German: "3 MB in 2 parts" was English.
    said = Problem("it/bomb.docx", problem.message, problem.hint, text_key=problem.text_key,
                   text_values=problem.text_values)  # fmt: skip
    german, _ = problem_words(said, "de")
    assert german == (
        "Die Datei (Word-Dokument) würde sich auf 3 MB in 2 Teilen entpacken "
        "(Grenze 1 MB, 10.000 Teile): eine Zip-Bombe?"
    )


def test_a_zip_of_too_many_members_is_never_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telling a file's kind listed a zip's members in the web app's own process
    (request attachments, document uploads), before any sandbox: a 10 MB
    "Word document" of 120,000 empty members took 6 s and 130 MB per file to
    list, ten files a request. Past `MAX_MEMBERS` a zip is no document and is
    not listed at all."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(MAX_MEMBERS):
            archive.writestr(zipfile.ZipInfo(f"{n:x}"), b"")
    data = buf.getvalue()

    def listed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the zip's members were listed")

    monkeypatch.setattr(zipfile, "ZipFile", listed)
    assert sniff_format(data) is None
    assert sniff_kind(data) is None
    problem = _problem(data, "it/many.docx")
    assert problem.kind == "zip_bomb" and f"{MAX_MEMBERS:,} parts" in problem.message


def test_oversized_file() -> None:
    problem = _problem(b"%PDF-1.7\n" + b"x" * 2000, "hr/big.pdf", Limits(max_bytes=1000))
    assert problem.kind == "too_large"
    assert "document_max_bytes" in problem.hint


def test_empty_and_unsupported_files() -> None:
    assert _problem(b"  \n", "it/notes.txt").kind == "empty"
    problem = _problem(b"\xd0\xcf\x11\xe0 old word", "finance/old.doc")
    assert problem.kind == "unsupported" and ".docx" in problem.message
    # The hint says how, not again which formats are read.
    assert "Save As" in problem.hint and "delete the .doc" in problem.hint
    bare = _problem(b"notes", "finance/README")
    assert bare.message == "files without an extension are not read"


def test_html_nested_past_the_parsers_depth_is_refused_not_cut_short() -> None:
    """libxml2 stops at 256 elements within each other and keeps only the text
    before: the page was published with its first heading alone (issue 69)."""
    page = "<html><body><h1>Policy</h1>{}<p>The rule itself.</p></body></html>"
    deep = "<div>" * 300 + "Step one." + "</div>" * 300
    problem = _problem(page.format(deep).encode(), "hr/policy.html")
    assert problem.kind == "malformed" and "deeper than the parser reads" in problem.message
    fine = "<div>" * 200 + "Step one." + "</div>" * 200
    assert "The rule itself." in extract(page.format(fine).encode(), "hr/p.html", Limits()).text
