"""The four-eyes rule counts every author of what waits for review: a version
in review is approved only by a content owner (or admin) who wrote none of the
changes it holds since the last published version. Whoever saved last is not
enough: someone who adds to an article waiting for review ("Add to" from a
resolved request, an edit on top) must not let its first author approve their
own unreviewed text. The same holds for an upload someone else restored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.attachments.blobs import DatabaseBlobs
from kb.attachments.records import Upload
from kb.authoring import four_eyes
from kb.authoring.documents import DocumentUploads
from kb.authoring.errors import OwnChangesInReviewError
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.records import Status
from kb.store.factory import create_store
from tests.kb.authoring.test_documents import PDF

LEAVE = """---
title: Leave
summary: How to take leave.
owner: HR
status: published
lang: en
---
## Entitlement

30 days.
"""


def hr_owner(name: str) -> User:
    return User(username=name, grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])


HELGA, HANS, HILDE = hr_owner("helga"), hr_owner("hans"), hr_owner("hilde")
ADA = User(username="ada", grants=[Grant(role=Role.ADMIN)])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "hr").mkdir(parents=True)
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (root / "hr" / "leave.md").write_text(LEAVE, encoding="utf-8")
    return root


@pytest.fixture
def service(root: Path, tmp_path: Path) -> Iterator[AuthoringService]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield AuthoringService(root, version_store(store), lambda: load_departments(root))
    store.close()


@pytest.fixture
def uploads(service: AuthoringService, tmp_path: Path) -> Iterator[DocumentUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'docs.db'}")
    authoring = AuthoringService(
        service.root, version_store(store), lambda: load_departments(service.root)
    )
    yield DocumentUploads(authoring, max_bytes=100_000, blobs=DatabaseBlobs(store))  # type: ignore[arg-type]
    store.close()


def submit_change(service: AuthoringService, actor: User, summary: str) -> int:
    opened = service.open(actor, "hr/leave.md")
    fields = replace(opened.fields, summary=summary, status=Status.REVIEW)
    return service.save(actor, "hr/leave.md", fields, base_version=opened.version).number


def test_an_answer_added_to_a_waiting_article_keeps_its_author_from_approving(
    service: AuthoringService,
) -> None:
    submit_change(service, HELGA, "Unreviewed by anyone.")
    added = service.append_section(HANS, "hr/leave.md", "Can I carry days over?", "Until March.")
    assert added is not None and added.status is Status.REVIEW
    assert four_eyes.pending_authors(service.versions, "hr/leave.md") == ["helga", "hans"]
    with pytest.raises(OwnChangesInReviewError) as refused:
        service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=added.number)
    assert refused.value.status == 403
    assert "helga wrote part of the changes waiting for review" in refused.value.message
    assert refused.value.details["authors"] == ["helga", "hans"]
    with pytest.raises(OwnChangesInReviewError) as last:  # the one who saved last: the same
        service.set_status(HANS, "hr/leave.md", Status.PUBLISHED, base_version=added.number)
    assert last.value.status == 403 and last.value.code == "review_required"
    assert last.value.details["reason"] == "wrote_changes"
    assert refused.value.details["reason"] == "wrote_changes"
    assert service.open(HILDE, "hr/leave.md").authors == ("helga", "hans")
    assert service.open(HILDE, "hr/leave.md").fields.status is Status.REVIEW
    approved = service.set_status(HILDE, "hr/leave.md", Status.PUBLISHED, base_version=added.number)
    assert approved.status is Status.PUBLISHED


def test_an_edit_on_top_of_a_waiting_change_excludes_its_first_author_an_admin_too(
    service: AuthoringService,
) -> None:
    submit_change(service, ADA, "First.")
    on_top = submit_change(service, HANS, "Second.")
    with pytest.raises(OwnChangesInReviewError, match="ada wrote part"):
        service.set_status(ADA, "hr/leave.md", Status.PUBLISHED, base_version=on_top)
    approved = service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=on_top)
    assert approved.status is Status.PUBLISHED


def test_who_only_moved_the_status_may_still_approve(service: AuthoringService) -> None:
    # hans sends helga's change back to draft, helga submits it again unchanged:
    # hans wrote nothing of it, and changes published before do not count.
    first = submit_change(service, HANS, "Published before.")
    published = service.set_status(HILDE, "hr/leave.md", Status.PUBLISHED, base_version=first)
    waiting = submit_change(service, HELGA, "New.")
    back = service.set_status(HANS, "hr/leave.md", Status.DRAFT, base_version=waiting)
    again = service.set_status(HELGA, "hr/leave.md", Status.REVIEW, base_version=back.number)
    assert published.number < waiting
    assert four_eyes.pending_authors(service.versions, "hr/leave.md") == ["helga"]
    approved = service.set_status(HANS, "hr/leave.md", Status.PUBLISHED, base_version=again.number)
    assert approved.status is Status.PUBLISHED


def test_an_upload_restored_by_another_owner_is_not_approved_by_its_uploader(
    uploads: DocumentUploads, root: Path
) -> None:
    first = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF), message="mine").version
    other = uploads.upload(
        HANS, "hr", Upload("form.pdf", PDF + b"% other\n"), name="form.pdf", replace=True
    ).version
    restored = uploads.restore(HANS, "hr/form.pdf", first.number, base_version=other.number)
    with pytest.raises(OwnChangesInReviewError) as refused:
        uploads.approve(HELGA, "hr/form.pdf", restored.number)
    assert refused.value.status == 403 and "helga" in refused.value.message
    assert not (root / "hr" / "form.pdf").exists()
    assert uploads.approve(HILDE, "hr/form.pdf", restored.number).status is (Status.PUBLISHED)


def test_who_only_submitted_is_refused_with_the_same_status_and_says_so(
    service: AuthoringService,
) -> None:
    opened = service.open(HELGA, "hr/leave.md")
    fields = replace(opened.fields, summary="Drafted by helga.", status=Status.DRAFT)
    draft = service.save(HELGA, "hr/leave.md", fields, base_version=opened.version)
    submitted = service.set_status(HANS, "hr/leave.md", Status.REVIEW, base_version=draft.number)
    assert service.open(HILDE, "hr/leave.md").authors == ("helga",)
    with pytest.raises(OwnChangesInReviewError) as refused:
        service.set_status(HANS, "hr/leave.md", Status.PUBLISHED, base_version=submitted.number)
    assert refused.value.status == 403 and refused.value.details["reason"] == "submitted"
    assert "hans submitted it for review" in refused.value.message
    with pytest.raises(OwnChangesInReviewError) as writer:
        service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=submitted.number)
    assert writer.value.status == 403 and writer.value.details["reason"] == "wrote_changes"


def test_a_restore_counts_the_writer_of_the_restored_text(service: AuthoringService) -> None:
    # helga's text, approved by hilde, is replaced by hans's (approved by helga);
    # hans brings helga's back: helga wrote that text, so she may not approve it.
    first = submit_change(service, HELGA, "Helga's wording.")
    hers = service.set_status(HILDE, "hr/leave.md", Status.PUBLISHED, base_version=first)
    second = submit_change(service, HANS, "Hans's wording.")
    service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=second)
    latest = service.versions.latest("hr/leave.md")
    assert latest is not None
    restored = service.restore(HANS, "hr/leave.md", hers.number, base_version=latest.number)
    assert restored.action is Action.RESTORE and restored.status is Status.REVIEW
    assert four_eyes.pending_authors(service.versions, "hr/leave.md") == ["hans", "helga"]
    assert service.open(HILDE, "hr/leave.md").authors == ("hans", "helga")
    with pytest.raises(OwnChangesInReviewError) as refused:
        service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=restored.number)
    assert refused.value.status == 403 and refused.value.details["authors"] == ["hans", "helga"]
    approved = service.set_status(
        HILDE, "hr/leave.md", Status.PUBLISHED, base_version=restored.number
    )
    assert approved.status is Status.PUBLISHED
    assert four_eyes.pending_authors(service.versions, "hr/leave.md") == []


def test_a_published_document_restored_by_another_owner_is_not_approved_by_its_uploader(
    uploads: DocumentUploads, root: Path
) -> None:
    mine = uploads.upload(HELGA, "hr", Upload("form.pdf", PDF)).version
    uploads.approve(HANS, "hr/form.pdf", mine.number)
    other = uploads.upload(
        HILDE, "hr", Upload("form.pdf", PDF + b"% other\n"), name="form.pdf", replace=True
    ).version
    published = uploads.approve(HANS, "hr/form.pdf", other.number)
    restored = uploads.restore(HANS, "hr/form.pdf", mine.number, base_version=published.number)
    history = uploads.authoring.versions.versions("hr/form.pdf")
    assert four_eyes.document_authors(restored, history) == ["hans", "helga"]
    with pytest.raises(OwnChangesInReviewError) as refused:
        uploads.approve(HELGA, "hr/form.pdf", restored.number)
    assert refused.value.status == 403 and refused.value.details["reason"] == "wrote_changes"
    assert (root / "hr" / "form.pdf").read_bytes() == PDF + b"% other\n"
    assert uploads.approve(HILDE, "hr/form.pdf", restored.number).status is Status.PUBLISHED
    assert (root / "hr" / "form.pdf").read_bytes() == PDF
