"""Retiring takes a published article out of search: a draft that was never
published has nothing to retire, and the service says so and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.authoring.service import AuthoringService
from kb.authoring.status_changes import NeverPublishedError, was_published
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.records import Status
from kb.store.factory import create_store
from tests.kb.authoring.test_service import ARTICLE, CORA


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AuthoringService]:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    (root / "it" / "draft.md").write_text(
        ARTICLE.replace("status: published", "status: draft"), encoding="utf-8"
    )
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield AuthoringService(root, version_store(store), lambda: load_departments(root))
    store.close()


def test_a_never_published_draft_is_not_retired(service: AuthoringService) -> None:
    """Retire on a draft that never reached readers marked it retired, so that it
    sat among the retired articles though it had never been out."""
    before = (service.root / "it" / "draft.md").read_text(encoding="utf-8")
    with pytest.raises(NeverPublishedError, match="never published") as caught:
        service.set_status(CORA, "it/draft.md", Status.RETIRED, base_version=1)
    assert caught.value.status == 409 and caught.value.details["id"] == "it/draft.md"
    assert (service.root / "it" / "draft.md").read_text(encoding="utf-8") == before
    assert not was_published(service.versions, "it/draft.md")
    # Submitted for review it is still unpublished: still nothing to retire.
    service.set_status(CORA, "it/draft.md", Status.REVIEW, base_version=1)
    with pytest.raises(NeverPublishedError):
        service.set_status(CORA, "it/draft.md", Status.RETIRED, base_version=2)


def test_an_article_once_published_is_retired_even_from_a_draft(
    service: AuthoringService,
) -> None:
    draft = replace(service.open(CORA, "it/vpn.md").fields, status=Status.DRAFT)
    service.save(CORA, "it/vpn.md", draft, base_version=1)
    retired = service.set_status(CORA, "it/vpn.md", Status.RETIRED, base_version=2)
    assert retired.status is Status.RETIRED and was_published(service.versions, "it/vpn.md")
