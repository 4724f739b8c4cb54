"""How every change of an article is recorded (`kb.authoring.recording`): its
version stored with the message trimmed, and the article handed to the
indexer; a hand-over that fails is logged and the change stands, for a save
and a discarded draft alike."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kb.authoring.discarding import discard_draft
from kb.authoring.recording import MESSAGE_CHARS, hand_to_indexer, store_version
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.records import Status
from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.kb.authoring.test_service import ARTICLE, CORA


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield opened
    opened.close()


def _service(
    tmp_path: Path, store: Store, on_change: Callable[[str], None] | None
) -> AuthoringService:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    (root / "it" / "draft.md").write_text(ARTICLE.replace("published", "draft"), "utf-8")
    departments = lambda: load_departments(root)  # noqa: E731
    return AuthoringService(root, version_store(store), departments, on_change=on_change)


def test_a_version_is_stored_with_its_message_trimmed(tmp_path: Path, store: Store) -> None:
    service = _service(tmp_path, store, None)
    stored = store_version(
        service, "it/new.md", 1, "# New\n", author="cora", action=Action.CREATE,
        status=Status.DRAFT, message="  " + "x" * (MESSAGE_CHARS + 10) + " ",
    )  # fmt: skip
    assert stored.message == "x" * MESSAGE_CHARS
    assert service.versions.latest("it/new.md") == stored
    hand_to_indexer(service, "it/new.md")  # no indexer: nothing to tell


def test_a_failed_hand_over_is_logged_and_the_change_stands(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    told: list[str] = []

    def indexer_down(article_id: str) -> None:
        told.append(article_id)
        raise OSError("the index worker's queue is full")

    service = _service(tmp_path, store, indexer_down)
    with caplog.at_level(logging.ERROR, logger="kb.authoring.recording"):
        saved = service.set_status(CORA, "it/vpn.md", Status.DRAFT, base_version=None)
        gone = discard_draft(service, CORA, "it/draft.md", base_version=None)
    assert saved.status is Status.DRAFT and gone.action is Action.DISCARD
    assert told == ["it/vpn.md", "it/draft.md"]
    assert not (service.root / "it" / "draft.md").exists()
    failed = [r.getMessage() for r in caplog.records]
    assert failed == [
        "authoring: handing it/vpn.md to the indexer failed",
        "authoring: handing it/draft.md to the indexer failed",
    ]
