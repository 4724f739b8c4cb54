"""Documents uploaded through the authoring service: who may, which names and
bytes are refused (each with its reason, nothing on disk changed), replacing
only when asked, and the version each upload leaves in the history."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.attachments.records import Upload
from kb.authoring.document_refusals import StaleDocumentError
from kb.authoring.documents import DocumentUploads
from kb.authoring.errors import ContentReadOnlyError
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.files import content_entries
from kb.content.scanner import load_departments
from kb.errors import ConflictError, KbError, NotFoundError, PermissionDenied, ValidationError
from kb.store.factory import create_store
from tests.documents import Outline, write_docx

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Word's password-protected DOCX: an encrypted package in Microsoft's older container.
LOCKED_WORD = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
)
HTML = b"<!doctype html><html><head><title>Desk</title></head><body><p>Hi</p></body></html>"
CORA = User(username="cora", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
HELGA = User(username="helga", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])
ADA = User(username="ada", grants=[Grant(role=Role.ADMIN)])
EMMA = User(username="emma", grants=[Grant(role=Role.EMPLOYEE)])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nText.\n", encoding="utf-8")
    (root / "it" / "Travel.pdf").write_bytes(PDF + b"% old\n")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    return root


@pytest.fixture
def uploads(root: Path, tmp_path: Path) -> Iterator[DocumentUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changed.append
    )
    yield DocumentUploads(service, max_bytes=100_000)
    store.close()


def changed(uploads: DocumentUploads) -> list[str]:
    assert uploads.authoring.on_change is not None
    return uploads.authoring.on_change.__self__  # type: ignore[attr-defined,no-any-return]


def tree(root: Path) -> dict[str, bytes]:
    """Every file under the content root with its bytes (links as their target),
    but the edit lock, which the first write leaves there."""
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if rel == ".kb-edit.lock":
                continue
            out[rel] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return out


def test_an_owner_uploads_a_document_which_is_recorded_and_handed_to_the_indexer(
    uploads: DocumentUploads, root: Path
) -> None:
    done = uploads.upload(CORA, "it", Upload("Remote Work Policy 2026.PDF", PDF))
    assert done.article_id == "it/remote-work-policy-2026.pdf" and not done.replaced
    assert (root / "it" / "remote-work-policy-2026.pdf").read_bytes() == PDF
    assert done.sha256 == hashlib.sha256(PDF).hexdigest() and done.format.name == "pdf"
    (version,) = uploads.authoring.versions.versions(done.article_id)
    assert (version.number, version.author, version.action) == (1, "cora", Action.UPLOAD)
    assert version.content_hash == done.sha256 and version.message == "uploaded the document"
    assert changed(uploads) == ["it/remote-work-policy-2026.pdf"]
    # The scanner, `kb validate` and the indexer see it as one copied in on disk.
    ids = {e.id for e in content_entries(root / "it")}
    assert "remote-work-policy-2026.pdf" in ids


def test_a_name_given_is_used_and_every_readable_kind_is_taken(
    uploads: DocumentUploads, root: Path
) -> None:
    docx = write_docx(Outline("Desk", [(1, "Hours", ["Open at eight."])]))
    assert uploads.upload(ADA, "it", Upload("x.docx", docx), name="desk.docx").article_id == (
        "it/desk.docx"
    )
    assert uploads.upload(CORA, "it", Upload("Desk.htm", HTML)).article_id == "it/desk.htm"
    assert uploads.upload(CORA, "it", Upload("notes.txt", b"Plain text.\n")).format.name == "txt"
    assert (root / "it" / "desk.docx").read_bytes() == docx


@pytest.mark.parametrize(
    ("actor", "department", "error"),
    [
        (HELGA, "it", PermissionDenied),
        (EMMA, "it", PermissionDenied),
        (CORA, "hr", PermissionDenied),
        (CORA, "nowhere", NotFoundError),
    ],
)
def test_only_owners_of_the_department_may_upload(
    uploads: DocumentUploads, root: Path, actor: User, department: str, error: type[KbError]
) -> None:
    before = tree(root)
    with pytest.raises(error):
        uploads.upload(actor, department, Upload("policy.pdf", PDF))
    assert tree(root) == before


def test_the_four_eyes_rule_refuses_uploads_that_would_publish_at_once(
    uploads: DocumentUploads, root: Path
) -> None:
    with pytest.raises(ConflictError) as refused:
        uploads.upload(HELGA, "hr", Upload("leave.pdf", PDF))
    assert refused.value.key == "document_review" and "approved" in refused.value.message
    assert not (root / "hr" / "leave.pdf").exists()


REFUSALS = [
    # (file name sent, name given, bytes, key, words of the message)
    ("x.pdf", "../evil.pdf", PDF, "document_name_path", "folder"),
    ("x.pdf", "sub/evil.pdf", PDF, "document_name_path", "folder"),
    ("..", "", PDF, "document_name_path", ".."),
    ("x.pdf", "a\\b.pdf", PDF, "document_name_path", "folder"),
    (".hidden.pdf", "", PDF, "document_name_hidden", "hidden"),
    ("x.pdf", "_department.pdf", PDF, "document_name_hidden", "hidden"),
    ("x.pdf", "a\nb.pdf", PDF, "document_name_control", "control"),
    ("report\u202efdp.html", "", HTML, "document_name_control", "direction"),
    ("x.pdf", "a" * 252 + "ü.pdf", PDF, "document_name_long", "255 bytes"),
    ("x.pdf", "Travel Policy.pdf", PDF, "document_name_slug", "travel-policy.pdf"),
    ("x.pdf", "policy.PDF", PDF, "document_name_slug", "policy.pdf"),
    ("x.pdf", "con.pdf", PDF, "document_name_reserved", "device name"),
    ("notes.md", "", b"# Notes\n", "document_kind", "Markdown article (.md)"),
    ("x.pdf", "run.sh", b"echo hi\n", "document_kind", ".pdf"),
    ("x.pdf", "policy.pdf.yml", b"status: published\n", "document_kind", ".pdf"),
    ("old.doc", "", PDF, "document_kind", ".docx"),
    ("x.pdf", "", b"", "document_empty", "empty"),
    ("x.pdf", "", b"  \n", "document_empty", "empty"),
    ("x.pdf", "", PDF + b"0" * 100_000, "document_too_large", "limit"),
    ("x.pdf", "", HTML, "document_content", "HTML page"),
    ("x.pdf", "", b"junk first %PDF-1.7", "document_content", "PDF"),
    ("x.docx", "", PDF, "document_content", "PDF"),
    ("x.txt", "", HTML, "document_content", "HTML page"),
    ("x.html", "", b"\x00\x01binary", "document_content", "no document"),
    ("x.pdf", "", b"\x00\x01binary", "document_content", "no document"),
    ("x.docx", "", LOCKED_WORD, "document_password", "password-protected"),
]


@pytest.mark.parametrize(("sent", "name", "data", "key", "words"), REFUSALS)
def test_each_refusal_says_why_and_changes_nothing(
    uploads: DocumentUploads,
    root: Path,
    sent: str,
    name: str,
    data: bytes,
    key: str,
    words: str,
) -> None:
    before = tree(root)
    with pytest.raises(ValidationError) as refused:
        uploads.upload(CORA, "it", Upload(sent, data), name=name)
    assert refused.value.key == key and words in refused.value.message
    assert refused.value.status == 400
    assert tree(root) == before
    assert uploads.authoring.versions.latest_versions("it/") == {}
    assert changed(uploads) == []


KIND_REFUSALS = [
    # (sent, data, English, German): each kind named in the reader's language,
    # with the article the sentence needs.
    ("x.pdf", b"plain words\n", "its content is a text file", "in Wahrheit aber eine Textdatei"),
    (
        "x.pdf",
        HTML,
        "its content is an HTML page",
        "ist dem Namen nach ein PDF, in Wahrheit aber eine HTML-Seite",
    ),
    ("x.html", PDF, "x.html is named an HTML page", "in Wahrheit aber ein PDF"),
    ("x.txt", b"\x00\x01binary", "no document the knowledge base reads", "kein Dokument"),
]


@pytest.mark.parametrize(("sent", "data", "english", "german"), KIND_REFUSALS)
def test_a_refusal_names_the_kinds_of_documents_in_the_readers_language(
    uploads: DocumentUploads, sent: str, data: bytes, english: str, german: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        uploads.upload(CORA, "it", Upload(sent, data))
    assert english in refused.value.message and english in refused.value.message_in("en")
    text = refused.value.message_in("de")
    assert german in text
    for word in ("text file", "HTML page", "Word document", "no document"):
        assert word not in text


def test_a_refused_replacement_names_both_kinds_in_german(uploads: DocumentUploads) -> None:
    docx = write_docx(Outline("Travel", [(1, "Rules", ["Fly economy."])]))
    with pytest.raises(ValidationError) as refused:
        uploads.upload(CORA, "it", Upload("travel.docx", docx), name="Travel.pdf", replace=True)
    text = refused.value.message_in("de")
    assert "Travel.pdf ist ein PDF, travel.docx ein Word-Dokument" in text
    assert "Speichern Sie die Datei als PDF" in text and "ein(e)" not in text


def test_no_file_is_overwritten_without_replace_not_even_in_another_letter_case(
    uploads: DocumentUploads, root: Path
) -> None:
    before = tree(root)
    for sent in ("travel.pdf", "TRAVEL.pdf", "Travel.PDF"):
        with pytest.raises(ConflictError) as exists:
            uploads.upload(CORA, "it", Upload(sent, PDF))
        assert exists.value.key == "document_exists" and "it/Travel.pdf" in exists.value.message
    assert tree(root) == before


def test_replace_writes_over_the_file_and_keeps_what_was_there_in_the_history(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "it" / "Travel.pdf").read_bytes()
    done = uploads.upload(CORA, "it", Upload("new.pdf", PDF), name="Travel.pdf", replace=True)
    assert done.replaced and done.article_id == "it/Travel.pdf"
    assert (root / "it" / "Travel.pdf").read_bytes() == PDF
    found, uploaded = uploads.authoring.versions.versions("it/Travel.pdf")
    assert (found.action, found.author) == (Action.DISK, "")
    assert found.content_hash == hashlib.sha256(old).hexdigest()
    assert (uploaded.number, uploaded.action, uploaded.author) == (2, Action.UPLOAD, "cora")
    assert uploaded.message == "replaced the document"
    assert uploads.current_version("it/Travel.pdf") == 2
    assert [p.name for p in (root / "it").iterdir() if p.name.startswith(".kb-")] == []


def test_replace_needs_the_file_and_the_current_version(
    uploads: DocumentUploads, root: Path
) -> None:
    with pytest.raises(NotFoundError):
        uploads.upload(CORA, "it", Upload("x.pdf", PDF), name="gone.pdf", replace=True)
    assert not (root / "it" / "gone.pdf").exists()
    current = uploads.current_version("it/Travel.pdf")
    assert current == 1  # on disk, never uploaded: the version a replacement would record
    before = tree(root)
    with pytest.raises(StaleDocumentError) as stale:
        uploads.upload(
            CORA, "it", Upload("x.pdf", PDF), name="Travel.pdf", replace=True, base_version=3
        )
    assert stale.value.status == 412 and tree(root) == before
    uploads.upload(
        CORA, "it", Upload("x.pdf", PDF), name="Travel.pdf", replace=True, base_version=current
    )
    assert (root / "it" / "Travel.pdf").read_bytes() == PDF


def test_a_link_in_place_of_the_document_is_never_written_through(
    uploads: DocumentUploads, root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(PDF)
    (root / "it" / "linked.pdf").symlink_to(outside)
    with pytest.raises(ValidationError):
        uploads.upload(CORA, "it", Upload("x.pdf", PDF + b"%new"), name="linked.pdf", replace=True)
    assert outside.read_bytes() == PDF and (root / "it" / "linked.pdf").is_symlink()


def test_a_read_only_node_refuses_uploads(uploads: DocumentUploads, root: Path) -> None:
    uploads.authoring.writable = False
    with pytest.raises(ContentReadOnlyError):
        uploads.upload(CORA, "it", Upload("policy.pdf", PDF))
    assert not (root / "it" / "policy.pdf").exists()
