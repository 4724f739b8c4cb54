"""Attachment kinds told from the bytes, safe download names, and the blob stores
that keep files once and refuse damaged ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kb.attachments.blobs import DatabaseBlobs, FileBlobs
from kb.attachments.intake import AttachmentLimits, AttachmentRefused, Intake
from kb.attachments.kinds import BY_NAME, safe_name, sniff_kind
from kb.attachments.records import Upload
from kb.errors import StoreError
from kb.store.protocols import Store
from tests.documents import travel_outline, write_docx, write_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HOSTILE_HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (write_pdf(travel_outline()), "pdf"),
        (write_docx(travel_outline()), "docx"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
        (b"GIF89a" + b"\x00" * 8, "gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        ("Grüße aus Hamburg,\nZeile zwei".encode(), "txt"),
        (HOSTILE_HTML, "html"),
    ],
)
def test_the_kind_comes_from_the_bytes(data: bytes, kind: str) -> None:
    found = sniff_kind(data)
    assert found is not None and found.name == kind


@pytest.mark.parametrize(
    "data", [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, b"PK\x03\x04junk", b""]
)
def test_other_bytes_are_no_accepted_kind(data: bytes) -> None:
    assert sniff_kind(data) is None


def test_download_names_keep_the_senders_name_with_the_real_extension() -> None:
    assert safe_name("Invoice 2026.pdf", BY_NAME["pdf"]) == "Invoice 2026.pdf"
    assert safe_name("report.pdf", BY_NAME["html"]) == "report.pdf.html"
    assert safe_name("..\\..\\evil.html", BY_NAME["txt"]) == "evil.html.txt"
    assert safe_name("/etc/passwd", BY_NAME["txt"]) == "passwd.txt"
    assert safe_name("a\x00b\nc.csv", BY_NAME["txt"]) == "abc.csv"
    assert safe_name("", BY_NAME["png"]) == "attachment.png"
    assert len(safe_name("x" * 400 + ".pdf", BY_NAME["pdf"])) == 150
    # A right-to-left override showed the HTML page "report\u202efdp.html" to its
    # agents, and in their file manager, as "reportlmth.pdf"; C1 controls go too.
    assert safe_name("report\u202efdp.html", BY_NAME["html"]) == "reportfdp.html"
    assert safe_name("\u2067a\u200fb\u2069\x85.txt", BY_NAME["txt"]) == "ab.txt"


def test_uploads_are_refused_with_the_file_and_the_reason_in_the_readers_language() -> None:
    intake = Intake(AttachmentLimits(max_bytes=100, max_count=2))
    with pytest.raises(AttachmentRefused) as caught:
        intake.check([Upload("big.txt", b"x" * 101)], existing=0)
    assert (
        caught.value.message_in("de")
        == "„big.txt“ ist 101 Bytes groß; erlaubt sind höchstens 100 Bytes."
    )
    assert caught.value.details == {"field": "file", "reason": "too_large"}
    # Only the first bytes past the limit were read: the whole size is named, and
    # a size that rounds to the limit is written with the digits that tell them apart.
    intake = Intake(AttachmentLimits(max_bytes=10_000_000, max_count=2))
    with pytest.raises(AttachmentRefused) as caught:
        intake.check([Upload("scan.pdf", b"x" * 10_000_001, size=11_000_000)], existing=0)
    assert "“scan.pdf” is 11.0 MB; the limit is 10.0 MB" in caught.value.message_in("en")
    with pytest.raises(AttachmentRefused) as caught:
        intake.check([Upload("scan.pdf", b"x" * 10_000_001, size=10_040_000)], existing=0)
    assert "is 10.04 MB" in caught.value.message_in("en")
    assert "ist 10,04 MB groß; erlaubt sind höchstens 10,0 MB" in caught.value.message_in("de")
    with pytest.raises(AttachmentRefused, match="at most 2 attachments; 1 more"):
        intake.check([Upload("a.txt", b"a"), Upload("b.txt", b"b")], existing=1)
    with pytest.raises(AttachmentRefused, match="“tool.exe” is not a kind of file we accept"):
        intake.check([Upload("tool.exe", b"MZ\x90\x00" + b"\x00" * 20)], existing=0)
    with pytest.raises(AttachmentRefused, match="“e.txt” is empty"):
        intake.check([Upload("e.txt", b"")], existing=0)
    [ok] = intake.check([Upload("notes.html", HOSTILE_HTML)], existing=1)
    assert (ok.kind.name, ok.kind.media_type, ok.name) == (
        "html", "application/octet-stream", "notes.html")  # fmt: skip


@pytest.fixture(params=["files", "database"])
def blobs(
    request: pytest.FixtureRequest, tmp_path: Path, store: Store
) -> FileBlobs | DatabaseBlobs:
    if request.param == "files":
        return FileBlobs(tmp_path / "attachments")
    return DatabaseBlobs(store)


def test_files_are_kept_once_by_checksum_and_checked_when_read(
    blobs: FileBlobs | DatabaseBlobs, store: Store, tmp_path: Path
) -> None:
    data = b"receipt 42"
    digest = blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blobs.put(data) == digest and blobs.get(digest) == data
    with pytest.raises(StoreError, match="missing"):
        blobs.get("0" * 64)
    # A damaged file is refused, never handed out.
    if isinstance(blobs, FileBlobs):
        (tmp_path / "attachments" / digest[:2] / digest).write_bytes(b"receipt 43")
    else:
        from sqlalchemy import update

        from kb.store.schema import attachment_blobs

        with store.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(update(attachment_blobs).values(data=b"receipt 43"))
    with pytest.raises(StoreError, match="does not match its checksum"):
        blobs.get(digest)
