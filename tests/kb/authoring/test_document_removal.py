"""An uploaded document deleted in the browser: its file leaves the folder, its
history keeps every version with a last `delete`, the indexer is told; another
department's owner, a path out of the folder, a stale page or an upload waiting
for review change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.attachments.blobs import FileBlobs
from kb.attachments.records import Upload
from kb.authoring.document_refusals import StaleDocumentError
from kb.authoring.document_removal import delete_document
from kb.authoring.documents import DocumentUploads
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.store.factory import create_store
from tests.kb.authoring.test_documents import ADA, CORA, HELGA, PDF, changed, tree


@pytest.fixture
def uploads(tmp_path: Path) -> Iterator[DocumentUploads]:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changes: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changes.append
    )
    yield DocumentUploads(service, max_bytes=100_000, blobs=FileBlobs(tmp_path / "files"))
    store.close()


def test_an_owner_deletes_a_document_and_its_history_keeps_every_file(
    uploads: DocumentUploads,
) -> None:
    root = uploads.authoring.root
    uploads.upload(CORA, "it", Upload("travel.pdf", PDF))
    changed(uploads).clear()

    gone = delete_document(uploads, CORA, "it/travel.pdf", base_version=1, message="old policy")

    assert not (root / "it" / "travel.pdf").exists()
    assert (gone.number, gone.action, gone.status) == (2, Action.DELETE, Status.RETIRED)
    assert (gone.author, gone.message) == ("cora", "old policy")
    assert changed(uploads) == ["it/travel.pdf"]
    history = uploads.history(CORA, "it/travel.pdf")
    assert [v.action for v in history] == [Action.UPLOAD, Action.DELETE]
    assert uploads.version_file(CORA, "it/travel.pdf", 1)[1] == PDF
    # The name is free for a new upload, which continues the history.
    again = uploads.upload(CORA, "it", Upload("travel.pdf", PDF))
    assert again.version.number == 3 and (root / "it" / "travel.pdf").read_bytes() == PDF


def test_a_document_copied_in_on_disk_is_recorded_before_it_is_deleted(
    uploads: DocumentUploads,
) -> None:
    (uploads.authoring.root / "it" / "desk.pdf").write_bytes(PDF)
    gone = delete_document(uploads, ADA, "it/desk.pdf", base_version=1)
    history = uploads.authoring.versions.versions("it/desk.pdf")
    assert [v.action for v in history] == [Action.DISK, Action.DELETE]
    assert gone.message == "deleted the document"


@pytest.mark.parametrize(
    ("actor", "article_id", "error"),
    [
        (HELGA, "it/travel.pdf", PermissionDenied),
        (CORA, "it/../hr/policy.pdf", ValidationError),
        (CORA, "hr/policy.pdf", PermissionDenied),
        (CORA, "it/.travel.pdf", ValidationError),
        (CORA, "it/vpn.md", ValidationError),
        (CORA, "it/missing.pdf", NotFoundError),
    ],
)
def test_a_refused_delete_changes_nothing(
    uploads: DocumentUploads, actor: object, article_id: str, error: type[Exception]
) -> None:
    root = uploads.authoring.root
    (root / "it" / "travel.pdf").write_bytes(PDF)
    (root / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nText.\n", encoding="utf-8")
    (root / "hr" / "policy.pdf").write_bytes(PDF)
    before = tree(root)
    with pytest.raises(error):
        delete_document(uploads, actor, article_id, base_version=1)  # type: ignore[arg-type]
    assert tree(root) == before


def test_a_delete_from_a_stale_page_or_with_an_upload_waiting_is_refused(
    uploads: DocumentUploads,
) -> None:
    root = uploads.authoring.root
    uploads.upload(CORA, "it", Upload("travel.pdf", PDF))
    uploads.upload(CORA, "it", Upload("travel.pdf", PDF + b"%2\n"), name="travel.pdf", replace=True)
    with pytest.raises(StaleDocumentError):
        delete_document(uploads, CORA, "it/travel.pdf", base_version=1)
    (root / "hr" / "policy.pdf").write_bytes(PDF)
    uploads.upload(
        HELGA, "hr", Upload("policy.pdf", PDF + b"%3\n"), name="policy.pdf", replace=True
    )  # held for review under the four-eyes rule
    with pytest.raises(ConflictError) as refused:
        delete_document(uploads, ADA, "hr/policy.pdf", base_version=2)
    assert refused.value.key == "document_delete_waiting"
    assert (root / "it" / "travel.pdf").exists() and (root / "hr" / "policy.pdf").exists()
