"""Uploaded documents under the four-eyes rule, their history and restore:
an upload waits as a version in review (nothing written, nothing indexed)
until another content owner of the department approves or rejects it;
every version keeps its bytes, SHA-256 and size; an earlier one can be
restored; a file in a sub-folder can be replaced; a replacement keeps its kind."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.attachments.blobs import DatabaseBlobs
from kb.attachments.records import Upload
from kb.authoring.document_refusals import StaleDocumentError
from kb.authoring.document_waiting import Orphaned, waiting_document
from kb.authoring.documents import DocumentUploads
from kb.authoring.errors import ReviewRequiredError
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.store.factory import create_store
from tests.documents import Outline, write_docx
from tests.kb.authoring.test_documents import ADA, CORA, HELGA, PDF, tree

HANS = User(username="hans", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])
# Hans once the hr folder and his role for it went: he owns IT now.
HANS_ELSEWHERE = User(username="hans", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
PDF2 = PDF + b"% second\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it" / "policies" / "2026").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "Travel.pdf").write_bytes(PDF + b"% old\n")
    (root / "it" / "policies" / "2026" / "expenses.pdf").write_bytes(PDF + b"% sub\n")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (root / "hr" / "leave.pdf").write_bytes(PDF + b"% leave\n")
    return root


@pytest.fixture
def uploads(root: Path, tmp_path: Path) -> Iterator[DocumentUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changed.append
    )
    yield DocumentUploads(service, max_bytes=100_000, blobs=DatabaseBlobs(store))  # type: ignore[arg-type]
    store.close()


def indexed(uploads: DocumentUploads) -> list[str]:
    assert uploads.authoring.on_change is not None
    return uploads.authoring.on_change.__self__  # type: ignore[attr-defined,no-any-return]


def test_a_new_upload_waits_for_review_and_another_owner_publishes_it(
    uploads: DocumentUploads, root: Path
) -> None:
    before = tree(root)
    done = uploads.upload(HELGA, "hr", Upload("Sick Leave.pdf", PDF), message="new form")
    assert (
        done.pending
        and done.version.status is Status.REVIEW
        and done.article_id == ("hr/sick-leave.pdf")
    )
    assert tree(root) == before and indexed(uploads) == []  # not written, not indexed
    assert uploads.exists("hr/sick-leave.pdf")
    # The uploader cannot approve their own upload; nothing changes.
    with pytest.raises(ReviewRequiredError) as own:
        uploads.approve(HELGA, "hr/sick-leave.pdf", done.version.number)
    assert "second pair of eyes" in own.value.message and tree(root) == before
    # Neither can a content owner of another department.
    with pytest.raises(PermissionDenied):
        uploads.approve(CORA, "hr/sick-leave.pdf", done.version.number)
    approved = uploads.approve(HANS, "hr/sick-leave.pdf", done.version.number)
    assert (approved.action, approved.status, approved.author) == (
        Action.PUBLISH,
        Status.PUBLISHED,
        "hans",
    )
    assert (root / "hr" / "sick-leave.pdf").read_bytes() == PDF
    assert indexed(uploads) == ["hr/sick-leave.pdf"]
    with pytest.raises(ConflictError) as again:
        uploads.approve(HANS, "hr/sick-leave.pdf", done.version.number)
    assert again.value.key == "document_not_waiting"


def test_a_replacement_waits_and_a_rejection_leaves_the_file_as_it_was(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "hr" / "leave.pdf").read_bytes()
    done = uploads.upload(HELGA, "hr", Upload("leave.pdf", PDF2), name="leave.pdf", replace=True)
    assert done.pending and (root / "hr" / "leave.pdf").read_bytes() == old
    rejected = uploads.reject(HANS, "hr/leave.pdf", done.version.number, "wrong year")
    assert (rejected.action, rejected.status, rejected.message) == (
        Action.REJECT,
        Status.DRAFT,
        "wrong year",
    )
    assert (root / "hr" / "leave.pdf").read_bytes() == old and indexed(uploads) == []
    history = uploads.history(HANS, "hr/leave.pdf")
    assert [(v.action, v.status) for v in history] == [
        (Action.DISK, Status.PUBLISHED),
        (Action.UPLOAD, Status.REVIEW),
        (Action.REJECT, Status.DRAFT),
    ]
    with pytest.raises(ConflictError):
        uploads.approve(HANS, "hr/leave.pdf", done.version.number)  # nothing waits now


def test_an_approval_names_the_version_reviewed_and_a_newer_upload_supersedes_it(
    uploads: DocumentUploads, root: Path
) -> None:
    first = uploads.upload(HELGA, "hr", Upload("leave.pdf", PDF2), name="leave.pdf", replace=True)
    second = uploads.upload(
        HELGA, "hr", Upload("leave.pdf", PDF + b"% third\n"), name="leave.pdf", replace=True
    )
    with pytest.raises(StaleDocumentError):
        uploads.approve(HANS, "hr/leave.pdf", first.version.number)
    # A new upload of the same name is refused while one waits: it must say "replace".
    with pytest.raises(ConflictError) as exists:
        uploads.upload(HANS, "hr", Upload("leave.pdf", PDF))
    assert exists.value.key == "document_exists"
    uploads.approve(HANS, "hr/leave.pdf", second.version.number)
    assert (root / "hr" / "leave.pdf").read_bytes() == PDF + b"% third\n"


def test_the_uploader_may_withdraw_their_own_upload(uploads: DocumentUploads, root: Path) -> None:
    done = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF))
    uploads.reject(HELGA, "hr/form.pdf", done.version.number, "")
    assert not (root / "hr" / "form.pdf").exists() and not uploads.exists("hr/form.pdf")
    # The name is free again.
    again = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF2))
    assert again.pending and again.version.number == 3


def test_without_a_store_for_files_the_four_eyes_rule_still_refuses(
    uploads: DocumentUploads, root: Path
) -> None:
    bare = DocumentUploads(uploads.authoring, max_bytes=100_000)
    with pytest.raises(ConflictError) as refused:
        bare.upload(HELGA, "hr", Upload("x.pdf", PDF))
    assert refused.value.key == "document_review"


def test_history_has_size_and_sha256_and_restore_writes_an_earlier_version_back(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "it" / "Travel.pdf").read_bytes()
    uploads.upload(CORA, "it", Upload("Travel.pdf", PDF2), name="Travel.pdf", replace=True)
    history = uploads.history(CORA, "it/Travel.pdf")
    assert [(v.number, v.size, v.sha256) for v in history] == [
        (1, len(old), hashlib.sha256(old).hexdigest()),
        (2, len(PDF2), hashlib.sha256(PDF2).hexdigest()),
    ]
    assert history[1].as_dict()["author"] == "cora"
    with pytest.raises(StaleDocumentError):
        uploads.restore(CORA, "it/Travel.pdf", 1, base_version=1)
    restored = uploads.restore(CORA, "it/Travel.pdf", 1, base_version=2)
    assert (restored.number, restored.action, restored.status) == (
        3,
        Action.RESTORE,
        Status.PUBLISHED,
    )
    assert (root / "it" / "Travel.pdf").read_bytes() == old
    assert indexed(uploads)[-1] == "it/Travel.pdf"
    with pytest.raises(PermissionDenied):
        uploads.history(HELGA, "it/Travel.pdf")
    with pytest.raises(NotFoundError):
        uploads.history(CORA, "it/never.pdf")


def test_a_restore_under_the_four_eyes_rule_waits_for_review(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "hr" / "leave.pdf").read_bytes()
    done = uploads.upload(HELGA, "hr", Upload("leave.pdf", PDF2), name="leave.pdf", replace=True)
    uploads.approve(HANS, "hr/leave.pdf", done.version.number)
    restored = uploads.restore(HELGA, "hr/leave.pdf", 1, base_version=3)
    assert restored.status is Status.REVIEW and (root / "hr" / "leave.pdf").read_bytes() == PDF2
    uploads.approve(HANS, "hr/leave.pdf", restored.number)
    assert (root / "hr" / "leave.pdf").read_bytes() == old


def test_a_version_whose_file_was_not_kept_cannot_be_restored(
    uploads: DocumentUploads, root: Path
) -> None:
    bare = DocumentUploads(uploads.authoring, max_bytes=100_000)
    bare.upload(CORA, "it", Upload("Travel.pdf", PDF2), name="Travel.pdf", replace=True)
    before = tree(root)
    with pytest.raises(ConflictError) as gone:
        uploads.restore(CORA, "it/Travel.pdf", 2, base_version=2)
    assert gone.value.key == "document_version_gone" and "not kept" in gone.value.message
    assert tree(root) == before


def test_a_document_in_a_sub_folder_is_replaced_with_the_same_checks(
    uploads: DocumentUploads, root: Path
) -> None:
    done = uploads.upload(
        ADA, "it", Upload("x.pdf", PDF2), name="policies/2026/expenses.pdf", replace=True
    )
    assert done.article_id == "it/policies/2026/expenses.pdf"
    assert (root / "it" / "policies" / "2026" / "expenses.pdf").read_bytes() == PDF2
    before = tree(root)
    for name in (
        "policies/../Travel.pdf",
        "policies/.x/a.pdf",
        "/etc/x.pdf",
        "policies//a.pdf",
        "_policies/a.pdf",
        "policies\\a.pdf",
        "policies/a\nb.pdf",
    ):
        with pytest.raises(ValidationError):
            uploads.upload(CORA, "it", Upload("x.pdf", PDF), name=name, replace=True)
    with pytest.raises(NotFoundError):
        uploads.upload(CORA, "it", Upload("x.pdf", PDF), name="policies/none.pdf", replace=True)
    assert tree(root) == before


def test_a_replacement_must_keep_the_kind_of_the_document(
    uploads: DocumentUploads, root: Path
) -> None:
    before = tree(root)
    docx = write_docx(Outline("Travel", [(1, "Rules", ["Fly economy."])]))
    with pytest.raises(ValidationError) as refused:
        uploads.upload(CORA, "it", Upload("Travel.docx", docx), name="Travel.pdf", replace=True)
    message = refused.value.message
    assert refused.value.key == "document_kind_changed"
    assert "Travel.pdf is a PDF" in message and "Word document" in message
    assert "Save the file as PDF" in message and "new document" in message
    # Sent by the API, named as the target: its bytes tell the kind.
    with pytest.raises(ValidationError) as by_bytes:
        uploads.upload(CORA, "it", Upload("Travel.pdf", docx), name="Travel.pdf", replace=True)
    assert by_bytes.value.key == "document_kind_changed"
    assert tree(root) == before
    assert uploads.authoring.versions.latest_versions("it/") == {}


def test_review_and_restore_take_only_document_ids(uploads: DocumentUploads, root: Path) -> None:
    (root / "hr" / "guide.md").write_text("---\ntitle: Guide\nstatus: review\n---\nText.\n")
    before = tree(root)
    for article_id in ("hr/guide.md", "hr/../it/Travel.pdf", "hr/.hidden.pdf"):
        for act in (uploads.approve, uploads.reject):
            with pytest.raises(ValidationError):
                act(HANS, article_id, 1, "")
        with pytest.raises(ValidationError):
            uploads.restore(HANS, article_id, 1, base_version=None)
        with pytest.raises(ValidationError):
            uploads.history(HANS, article_id)
    assert tree(root) == before
    assert uploads.authoring.versions.latest_versions("hr/") == {}


def test_uploads_of_a_department_whose_folder_is_gone_are_read_and_rejected_not_approved(
    uploads: DocumentUploads, root: Path
) -> None:
    done = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF2))
    (root / "hr").rename(root / "people")
    before = tree(root)
    # Its owners and admins read every version and the waiting file.
    assert [v.number for v in uploads.history(ADA, "hr/form.pdf")] == [1]
    assert uploads.version_file(HELGA, "hr/form.pdf", 1)[1] == PDF2
    assert uploads.version_file(ADA, "hr/form.pdf", 1)[1] == PDF2
    waiting = waiting_document(uploads.versions, "hr/form.pdf")
    assert waiting is not None and waiting.orphaned is Orphaned.DEPARTMENT_GONE
    with pytest.raises(PermissionDenied):  # a content owner of another department
        uploads.version_file(CORA, "hr/form.pdf", 1)
    with pytest.raises(NotFoundError):  # a department that never had it
        uploads.history(ADA, "xx/form.pdf")
    # Approving (or restoring) would write into a folder that is not there: refused,
    # saying why and what to do.
    with pytest.raises(ConflictError) as refused:
        uploads.approve(HANS, "hr/form.pdf", done.version.number)
    assert refused.value.status == 409 and refused.value.key == "document_department_gone"
    assert refused.value.details["reason"] == "department_gone"
    assert "Put the folder back under its old name" in refused.value.message
    with pytest.raises(ConflictError) as restore:
        uploads.restore(ADA, "hr/form.pdf", 1, base_version=None)
    assert restore.value.details["reason"] == "department_gone"
    assert tree(root) == before and indexed(uploads) == []
    # Its uploader withdraws it: nothing waits any more, nothing is written.
    withdrawn = uploads.reject(HELGA, "hr/form.pdf", done.version.number, "folder renamed")
    assert withdrawn.status is Status.DRAFT and not uploads.exists("hr/form.pdf")
    assert tree(root) == before


def test_an_admin_rejects_an_upload_of_a_department_removed_for_good(
    uploads: DocumentUploads, root: Path
) -> None:
    done = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF2))
    shutil.rmtree(root / "hr")
    rejected = uploads.reject(ADA, "hr/form.pdf", done.version.number, "")
    assert (rejected.author, rejected.action) == ("ada", Action.REJECT)
    assert waiting_document(uploads.versions, "hr/form.pdf") is None


def test_the_uploader_withdraws_an_upload_of_a_department_gone_without_its_role(
    uploads: DocumentUploads, root: Path
) -> None:
    """The folder went, and with it the uploader's role: they may still withdraw
    their own upload (nothing else), and others without the role may not."""
    done = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF2))
    shutil.rmtree(root / "hr")
    before = tree(root)
    former = User(username="helga", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
    for refused in (
        lambda: uploads.approve(former, "hr/form.pdf", done.version.number),
        lambda: uploads.restore(former, "hr/form.pdf", 1, base_version=None),
        lambda: uploads.history(former, "hr/form.pdf"),
        lambda: uploads.version_file(former, "hr/form.pdf", 1),
        lambda: uploads.reject(HANS_ELSEWHERE, "hr/form.pdf", done.version.number, ""),
        lambda: uploads.reject(CORA, "hr/form.pdf", done.version.number, ""),
    ):
        with pytest.raises(PermissionDenied):
            refused()
    withdrawn = uploads.reject(former, "hr/form.pdf", done.version.number, "folder removed")
    assert (withdrawn.author, withdrawn.action) == ("helga", Action.REJECT)
    assert waiting_document(uploads.versions, "hr/form.pdf") is None
    assert tree(root) == before


def test_a_former_owner_may_not_withdraw_another_upload_nor_one_of_a_department_there(
    uploads: DocumentUploads, root: Path
) -> None:
    """Withdrawing without the role is only for the uploader of the version
    waiting, and only while the department's folder is gone."""
    there = uploads.upload(HELGA, "hr", Upload("kept.pdf", PDF2))
    former = User(username="helga", grants=[Grant(role=Role.EMPLOYEE)])
    with pytest.raises(PermissionDenied):  # the folder is there: the role decides
        uploads.reject(former, "hr/kept.pdf", there.version.number, "")
    by_hans = uploads.upload(HANS, "hr", Upload("other.pdf", PDF))
    shutil.rmtree(root / "hr")
    with pytest.raises(PermissionDenied):  # hans uploaded it, not helga
        uploads.reject(former, "hr/other.pdf", by_hans.version.number, "")
    assert waiting_document(uploads.versions, "hr/other.pdf") is not None


def test_restoring_the_current_file_says_so_and_records_nothing(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "it" / "Travel.pdf").read_bytes()
    uploads.upload(CORA, "it", Upload("Travel.pdf", PDF2), name="Travel.pdf", replace=True)
    uploads.upload(CORA, "it", Upload("Travel.pdf", old), name="Travel.pdf", replace=True)
    before, passes = tree(root), len(indexed(uploads))
    with pytest.raises(ConflictError) as same:
        uploads.restore(CORA, "it/Travel.pdf", 1, base_version=3)
    assert same.value.key == "document_already_current"
    assert same.value.details == {"id": "it/Travel.pdf", "reason": "already_current", "same_as": 3}
    assert "current file already (version 3)" in same.value.message
    assert [v.number for v in uploads.history(CORA, "it/Travel.pdf")] == [1, 2, 3]
    assert tree(root) == before and len(indexed(uploads)) == passes
    # Another file is restored as ever.
    assert uploads.restore(CORA, "it/Travel.pdf", 2, base_version=3).number == 4


def test_under_the_four_eyes_rule_a_restore_names_the_file_current_or_waiting(
    uploads: DocumentUploads, root: Path
) -> None:
    old = (root / "hr" / "leave.pdf").read_bytes()
    done = uploads.upload(HELGA, "hr", Upload("leave.pdf", PDF2), name="leave.pdf", replace=True)
    with pytest.raises(ConflictError) as current:  # version 1 is the file in the folder
        uploads.restore(HANS, "hr/leave.pdf", 1, base_version=2)
    assert current.value.key == "document_current_waiting"
    assert current.value.details["reason"] == "already_current"
    assert "reject version 2, which waits for review" in current.value.message
    uploads.approve(HANS, "hr/leave.pdf", done.version.number)  # version 3: PDF2 published
    again = uploads.upload(HELGA, "hr", Upload("leave.pdf", old), name="leave.pdf", replace=True)
    with pytest.raises(ConflictError) as waiting:  # version 4 waits with version 1's file
        uploads.restore(HANS, "hr/leave.pdf", 1, base_version=4)
    assert waiting.value.details == {
        "id": "hr/leave.pdf",
        "reason": "already_waiting",
        "same_as": 4,
    }
    assert [v.number for v in uploads.history(HANS, "hr/leave.pdf")][-1] == again.version.number
