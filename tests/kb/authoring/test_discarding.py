"""A draft never published is discarded: its file and staged pictures go, its
history records who discarded it; a published article is never removed, but
the changes saved over it since it was published may be discarded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.authoring.discarding import (
    NothingPublishedError,
    PublishedBeforeError,
    changes_discardable,
    discard_changes,
    discard_draft,
)
from kb.authoring.errors import StaleEditError
from kb.authoring.picture_stage import PictureStage
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.errors import PermissionDenied
from kb.records import Status
from kb.store.factory import create_store
from tests.kb.authoring.test_service import ARTICLE, CORA, HELGA

DRAFT = ARTICLE.replace("status: published", "status: draft")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AuthoringService]:
    root = tmp_path / "content"
    for department in ("it", "hr"):
        (root / department).mkdir(parents=True)
    (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    (root / "it" / "draft.md").write_text(DRAFT, encoding="utf-8")
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    yield AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changed.append
    )
    store.close()


@pytest.fixture
def stage(tmp_path: Path) -> PictureStage:
    return PictureStage(tmp_path / "staged")


def test_a_never_published_draft_is_discarded_with_its_staged_pictures(
    service: AuthoringService, stage: PictureStage
) -> None:
    stage.put("it/draft.md", "screen.png", b"png", author="cora", replace=False)
    stage.put("it/vpn.md", "other.png", b"png", author="cora", replace=False)

    gone = discard_draft(
        service, CORA, "it/draft.md", base_version=1, message="Not needed", stage=stage
    )

    assert not (service.root / "it" / "draft.md").exists()
    assert (gone.action, gone.author, gone.number, gone.message) == (
        Action.DISCARD,
        "cora",
        2,
        "Not needed",
    )
    history = service.versions.versions("it/draft.md")
    assert [v.action for v in history] == [Action.DISK, Action.DISCARD]
    assert history[-1].text == DRAFT  # what was thrown away stays readable
    assert stage.names("it/draft.md") == [] and stage.names("it/vpn.md") == ["other.png"]
    # The name is free again: a new article takes it, its versions following on.
    fields = replace(service.open(CORA, "it/vpn.md").fields, status=Status.DRAFT)
    again = service.create(CORA, "it", "draft", fields)
    assert (again.article_id, again.number) == ("it/draft.md", 3)


def test_a_draft_in_review_never_published_is_discarded_too(service: AuthoringService) -> None:
    service.set_status(CORA, "it/draft.md", Status.REVIEW, base_version=1)
    discard_draft(service, CORA, "it/draft.md", base_version=2)
    assert not (service.root / "it" / "draft.md").exists()


def test_a_published_article_is_never_discarded(service: AuthoringService) -> None:
    """Published now, or once and a draft since: refused, file and history kept."""
    path = service.root / "it" / "vpn.md"
    with pytest.raises(PublishedBeforeError, match="is or was published") as caught:
        discard_draft(service, CORA, "it/vpn.md", base_version=1)
    assert caught.value.status == 409 and caught.value.code == "published_before"
    draft = replace(service.open(CORA, "it/vpn.md").fields, status=Status.DRAFT)
    service.save(CORA, "it/vpn.md", draft, base_version=1)
    with pytest.raises(PublishedBeforeError):
        discard_draft(service, CORA, "it/vpn.md", base_version=2)
    assert path.exists()
    assert [v.action for v in service.versions.versions("it/vpn.md")] == [
        Action.DISK,
        Action.SAVE,
    ]


def test_only_an_owner_of_the_department_discards(service: AuthoringService) -> None:
    with pytest.raises(PermissionDenied):
        discard_draft(service, HELGA, "it/draft.md", base_version=1)
    assert (service.root / "it" / "draft.md").exists()
    assert [v.action for v in service.versions.versions("it/draft.md")] == []


def test_a_draft_changed_since_it_was_shown_is_not_discarded(service: AuthoringService) -> None:
    path = service.root / "it" / "draft.md"
    service.history(CORA, "it/draft.md")  # version 1, as the editor showed it
    path.write_text(DRAFT.replace("## ", "## Changed "), encoding="utf-8")
    with pytest.raises(StaleEditError):
        discard_draft(service, CORA, "it/draft.md", base_version=1)
    assert path.exists()


def test_the_changes_over_a_published_article_are_discarded(
    service: AuthoringService, stage: PictureStage
) -> None:
    """Saved as a draft since it was published, the article was out of search
    with no way back but restoring and publishing by hand."""
    path = service.root / "it" / "vpn.md"
    fields = service.open(CORA, "it/vpn.md").fields
    edited = replace(fields, body="Half-written new steps.", status=Status.DRAFT)
    service.save(CORA, "it/vpn.md", edited, base_version=1)
    stage.put("it/vpn.md", "new.png", b"png", author="cora", replace=False)
    assert changes_discardable(service.versions.versions("it/vpn.md"))

    kept = discard_changes(service, CORA, "it/vpn.md", base_version=2, stage=stage)

    assert (kept.number, kept.action, kept.status) == (3, Action.RESTORE, Status.PUBLISHED)
    assert kept.message == "discarded the changes since version 1"
    now = service.open(CORA, "it/vpn.md").fields
    assert now.says_the_same(fields) and now.status is Status.PUBLISHED
    assert "Half-written" not in path.read_text(encoding="utf-8")
    assert "Half-written" in service.versions.version("it/vpn.md", 2).text  # kept in history
    assert stage.names("it/vpn.md") == []
    # Published as it is now: nothing left to discard.
    with pytest.raises(NothingPublishedError):
        discard_changes(service, CORA, "it/vpn.md", base_version=3)


def test_discarding_changes_under_the_four_eyes_rule_sends_the_text_to_review(
    service: AuthoringService,
) -> None:
    (service.root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (service.root / "hr" / "leave.md").write_text(ARTICLE, encoding="utf-8")
    fields = service.open(HELGA, "hr/leave.md").fields
    service.save(
        HELGA, "hr/leave.md", replace(fields, body="New.", status=Status.DRAFT), base_version=1
    )
    kept = discard_changes(service, HELGA, "hr/leave.md", base_version=2)
    assert kept.status is Status.REVIEW


def test_a_draft_never_published_or_a_retired_article_has_no_changes_to_discard(
    service: AuthoringService,
) -> None:
    with pytest.raises(NothingPublishedError):
        discard_changes(service, CORA, "it/draft.md", base_version=1)
    service.set_status(CORA, "it/vpn.md", Status.RETIRED, base_version=1)
    fields = replace(service.open(CORA, "it/vpn.md").fields, status=Status.DRAFT)
    service.save(CORA, "it/vpn.md", replace(fields, body="Other."), base_version=2)
    assert not changes_discardable(service.versions.versions("it/vpn.md"))
    with pytest.raises(NothingPublishedError):
        discard_changes(service, CORA, "it/vpn.md", base_version=3)
    with pytest.raises(PermissionDenied):
        discard_changes(service, HELGA, "it/vpn.md", base_version=3)
