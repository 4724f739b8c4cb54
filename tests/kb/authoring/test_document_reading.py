"""An upload whose text can never be read (a password to open it, a damaged Word
or ODT package) is refused when it is uploaded, naming the file and what to do,
with nothing stored; files that can be read, or whose trouble may pass, are taken."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.attachments.records import Upload
from kb.authoring.document_reading import DocumentUnreadable, check_readable
from kb.authoring.documents import DocumentUploads
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.extract import DocumentReader, ExtractedDocument
from kb.extract.base import ExtractionError, Limits
from kb.extract.factory import BY_NAME
from kb.store.factory import create_store
from tests.documents import (
    repacked,
    travel_outline,
    write_docx,
    write_encrypted_odt,
    write_odt,
    write_pdf,
)
from tests.kb.authoring.test_documents import CORA, changed, tree

# A Word package whose document part was cut off mid-way: still a zip holding
# word/document.xml, so it passed the upload's checks of kind.
DAMAGED_WORD = repacked(
    write_docx(travel_outline()), {"word/document.xml": b"<w:document xmlns:w="}
)


def _owner_password_pdf() -> bytes:
    """A PDF that restricts printing but opens without a password: it is read."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0)
    page = canvas.Canvas(buf, encrypt=encrypt)
    page.drawString(72, 720, "Printing is restricted but this text can be read.")
    page.save()
    return buf.getvalue()


@pytest.fixture
def uploads(tmp_path: Path) -> Iterator[DocumentUploads]:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changes: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changes.append
    )
    yield DocumentUploads(service, max_bytes=1_000_000, reading=Limits(seconds=60))
    store.close()


REFUSED = [
    # (file, bytes, key, words of the English message)
    (
        "policy.pdf",
        write_pdf(travel_outline(), encrypt="secret"),
        "document_password_pdf",
        "policy.pdf is password-protected",
    ),
    (
        "plan.odt",
        write_encrypted_odt(travel_outline()),
        "document_password_odt",
        "save a copy without the password (in LibreOffice",
    ),
    (
        "guide.docx",
        DAMAGED_WORD,
        "document_damaged",
        "guide.docx cannot be read: file is not a valid Word document",
    ),
]


@pytest.mark.parametrize(("name", "data", "key", "words"), REFUSED)
def test_an_unreadable_upload_is_refused_and_nothing_is_stored(
    uploads: DocumentUploads, name: str, data: bytes, key: str, words: str
) -> None:
    root = uploads.authoring.root
    before = tree(root)
    with pytest.raises(DocumentUnreadable) as refused:
        uploads.upload(CORA, "it", Upload(name, data))
    assert refused.value.key == key and refused.value.status == 400
    assert words in refused.value.message
    assert "upload" in refused.value.message  # says what to do
    assert tree(root) == before
    assert uploads.authoring.versions.latest_versions("it/") == {}
    assert changed(uploads) == []


def test_the_refusal_is_said_in_german_with_the_problem_too() -> None:
    limits = Limits(seconds=60)

    with pytest.raises(DocumentUnreadable) as refused:
        check_readable("anleitung.docx", DAMAGED_WORD, BY_NAME["docx"], limits)
    german = refused.value.message_in("de")
    assert german.startswith("anleitung.docx kann nicht gelesen werden: ")
    assert "Word-Dokument" in german and "not a valid" not in german
    with pytest.raises(DocumentUnreadable) as locked:
        check_readable("plan.odt", write_encrypted_odt(travel_outline()), BY_NAME["odt"], limits)
    assert "LibreOffice: Datei › Speichern unter" in locked.value.message_in("de")


TAKEN = [
    ("restricted.pdf", _owner_password_pdf()),
    # A damaged PDF is taken: the index run names what PDFium cannot read.
    ("damaged.pdf", b"%PDF-1.4\n%garbage\n"),
    ("guide.docx", write_docx(travel_outline())),
    ("plan.odt", write_odt(travel_outline())),
]


@pytest.mark.parametrize(("name", "data"), TAKEN)
def test_a_readable_upload_is_taken(uploads: DocumentUploads, name: str, data: bytes) -> None:
    done = uploads.upload(CORA, "it", Upload(name, data))
    assert (uploads.authoring.root / done.article_id).read_bytes() == data


@pytest.mark.parametrize("kind", ["timeout", "memory", "crashed"])
def test_an_upload_the_machine_could_not_read_is_taken(
    uploads: DocumentUploads, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Time, memory and a worker's start depend on the machine: the index run
    says so if it happens there too."""
    from kb.authoring import document_reading

    class Busy(DocumentReader):
        def read(self, data: bytes, name: str) -> ExtractedDocument:
            raise ExtractionError(kind, f"not read ({kind})")

    monkeypatch.setattr(document_reading, "DocumentReader", Busy)
    done = uploads.upload(CORA, "it", Upload("guide.docx", DAMAGED_WORD))
    assert (uploads.authoring.root / done.article_id).read_bytes() == DAMAGED_WORD
