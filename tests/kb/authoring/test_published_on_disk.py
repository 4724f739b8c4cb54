"""An article published on disk only (written as published, indexed, and set
back to draft on disk before anyone saved it in the editor) has only the
draft in its version history: it still counts as published, by the index or
by its readers, so Discard draft refuses it and Retire takes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.authoring.discarding import PublishedBeforeError, discard_draft, discardable
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.status_changes import was_published
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.events import ClickEvent, FeedbackEvent, SearchEvent
from kb.records import Status
from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.kb.authoring.test_service import ARTICLE, CORA

DRAFT = ARTICLE.replace("status: published", "status: draft")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield opened
    opened.close()


@pytest.fixture
def indexed() -> set[str]:
    """The article ids the published index holds now."""
    return set()


@pytest.fixture
def service(tmp_path: Path, store: Store, indexed: set[str]) -> AuthoringService:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    # Published on disk, then set to draft on disk: the editor never saw it published.
    (root / "it" / "vpn.md").write_text(DRAFT, encoding="utf-8")
    (root / "it" / "new.md").write_text(DRAFT, encoding="utf-8")  # a draft never published
    return AuthoringService(
        root,
        version_store(store),
        lambda: load_departments(root),
        indexed=indexed.__contains__,
    )


def test_a_draft_the_index_still_holds_is_not_discarded(
    service: AuthoringService, indexed: set[str]
) -> None:
    indexed.add("it/vpn.md")  # the index has not run since it was set to draft
    versions = service.history(CORA, "it/vpn.md")
    assert [(v.action, v.status) for v in versions] == [(Action.DISK, Status.DRAFT)]
    assert not discardable(service, versions)
    with pytest.raises(PublishedBeforeError, match="is or was published"):
        discard_draft(service, CORA, "it/vpn.md", base_version=1)
    assert (service.root / "it" / "vpn.md").exists()
    # Retire takes it out for good instead.
    retired = service.set_status(CORA, "it/vpn.md", Status.RETIRED, base_version=1)
    assert retired.status is Status.RETIRED
    # A draft that never reached readers is discarded as before.
    discard_draft(service, CORA, "it/new.md", base_version=1)
    assert not (service.root / "it" / "new.md").exists()


@pytest.mark.parametrize("reached", ["opened", "voted"])
def test_a_draft_readers_reached_is_not_discarded_once_out_of_the_index(
    service: AuthoringService, store: Store, reached: str
) -> None:
    """Indexed since as a draft (out of the index): its readers' events tell."""
    if reached == "opened":
        search = store.log_search(SearchEvent(query="vpn", answered=True, user="u1"))
        store.log_click(ClickEvent(search_id=search, article_id="it/vpn.md", rank=1, user="u1"))
    else:
        store.log_feedback(FeedbackEvent(article_id="it/vpn.md", helpful=True, user="u1"))
    assert was_published(service.versions, "it/vpn.md", service.indexed)
    assert not was_published(service.versions, "it/new.md", service.indexed)
    with pytest.raises(PublishedBeforeError):
        discard_draft(service, CORA, "it/vpn.md", base_version=None)
    assert (service.root / "it" / "vpn.md").exists()
