"""Turning a request into an article while others write the same folder, on
SQLite and on PostgreSQL: the draft's name taken already (in another letter
case, or by an article whose history lives on), another content owner
renaming or creating an article at that name at the same moment, the draft
renamed since, two agents drafting at once, and a draft whose link to the
request could not be saved. Nothing already stored is overwritten or lost,
and a request has one unpublished draft."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.authoring.moving import move_article
from kb.authoring.records import ArticleFields
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.errors import ConflictError, KbError
from kb.requests.service import RequestService
from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.postgres import BACKENDS, fresh_database_url
from tests.support import (
    ADMIN,
    EMPLOYEE,
    FACILITIES_AGENT,
    FINANCE_AGENT,
    HR_AGENT,
    IT_AGENT,
    IT_OWNER,
    TRIAGE_AGENT,
)

SLUG = "how-to-connect-to-the-vpn-from-a-hotel"
OLD = """---
title: Hotel Wi-Fi
status: published
---
Keep me.
"""


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The request service's store (`tests.kb.conftest`), once per backend."""
    (tmp_path / "var").mkdir()
    for url in fresh_database_url(backend, request, tmp_path, migrated=True):
        opened = create_store(url)
        for u in (IT_AGENT, HR_AGENT, FACILITIES_AGENT, FINANCE_AGENT, TRIAGE_AGENT, ADMIN):
            opened.add_user(u)
        yield opened
        opened.close()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "hotel-wifi.md").write_text(OLD, encoding="utf-8")
    return root


@pytest.fixture
def authoring(content: Path, store: Store) -> AuthoringService:
    """The editor's service over the same database, as the web app has it."""
    return AuthoringService(content, version_store(store), lambda: load_departments(content))


@pytest.fixture
def resolved(service: RequestService) -> int:
    request = service.submit(EMPLOYEE, "How do I connect to the VPN from a hotel?", department="it")
    assert request.id is not None
    service.resolve(IT_AGENT, request.id, "Switch the VPN client to TCP port 443.")
    return request.id


def names(content: Path) -> list[str]:
    return sorted(p.name for p in (content / "it").iterdir() if not p.name.startswith("."))


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in a thread of its own, all started together; what each
    returned, or the error it raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        start.wait(timeout=10)
        try:
            results[n] = calls[n]()
        except KbError as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_agents_turning_one_request_into_an_article_at_once_write_one_draft(
    service: RequestService, content: Path, resolved: int
) -> None:
    paths = at_once(
        lambda: service.draft_article(IT_AGENT, resolved, content),
        lambda: service.draft_article(IT_OWNER, resolved, content),
    )
    assert paths[0] == paths[1] == content / "it" / f"{SLUG}.md"
    assert names(content) == ["hotel-wifi.md", f"{SLUG}.md"]
    assert service.get(IT_AGENT, resolved).linked_articles == [f"it/{SLUG}.md"]
    drafted = [e for e in service.history(IT_AGENT, resolved) if e.kind == "article"]
    assert len(drafted) == 1


def test_a_name_taken_in_another_letter_case_is_not_the_draft_s(
    service: RequestService, content: Path, resolved: int
) -> None:
    """`VPN.md` and `vpn.md` are one article id: a draft beside the other file
    would never be indexed, and would hide it from the editor."""
    taken = content / "it" / "How-To-Connect-To-The-VPN-From-A-Hotel.md"
    taken.write_text(OLD, encoding="utf-8")
    path = service.draft_article(IT_AGENT, resolved, content)
    assert path.name == f"{SLUG}-2.md"
    assert taken.read_text(encoding="utf-8") == OLD


def test_a_name_whose_article_lives_on_in_its_history_is_not_the_draft_s(
    service: RequestService, content: Path, resolved: int, authoring: AuthoringService
) -> None:
    """An article whose file is missing (taken out of the folder by hand) keeps
    its history, views and votes under its id: a draft there would be read as
    its next version. A renamed article's old name is free, as for the editor."""
    fields = ArticleFields(title="VPN from hotels", body="Old text.")
    authoring.create(IT_OWNER, "it", SLUG, fields)
    os.remove(content / "it" / f"{SLUG}.md")
    path = service.draft_article(IT_AGENT, resolved, content)
    assert path.name == f"{SLUG}-2.md"
    history = authoring.versions.versions(f"it/{SLUG}.md")
    assert len(history) == 1 and "Old text." in history[0].text


def test_a_draft_renamed_by_its_owner_is_still_the_request_s_draft(
    service: RequestService, content: Path, resolved: int, authoring: AuthoringService
) -> None:
    """The draft's old name was no longer among the request's files, so drafting
    again (a stale page, a second agent) wrote a second draft at the old name."""
    first = service.draft_article(IT_AGENT, resolved, content)
    move_article(authoring, IT_OWNER, f"it/{first.name}", "vpn-from-hotels", base_version=None)
    assert service.existing_draft(IT_AGENT, resolved, content) == "it/vpn-from-hotels.md"
    again = service.draft_article(IT_AGENT, resolved, content)
    assert again == content / "it" / "vpn-from-hotels.md"
    assert names(content) == ["hotel-wifi.md", "vpn-from-hotels.md"]
    # The request links the draft by the name it has now, and its page can publish it.
    assert service.get(IT_AGENT, resolved).linked_articles == ["it/vpn-from-hotels.md"]


@pytest.mark.parametrize("other", ["rename", "create"])
def test_another_owner_taking_the_draft_s_name_at_the_same_moment_loses_nothing(
    service: RequestService,
    content: Path,
    resolved: int,
    authoring: AuthoringService,
    other: str,
) -> None:
    """Whoever comes second is told (the owner: the name is taken, naming the
    draft) or takes the next free name (the draft); both texts are kept."""
    mine = ArticleFields(title="Mine", body="Created by hand.")
    theirs: Callable[[], Any] = (
        (lambda: move_article(authoring, IT_OWNER, "it/hotel-wifi.md", SLUG, base_version=None))
        if other == "rename"
        else (lambda: authoring.create(IT_OWNER, "it", SLUG, mine))
    )
    drafted, owner = at_once(lambda: service.draft_article(IT_AGENT, resolved, content), theirs)
    assert isinstance(drafted, Path), drafted
    texts = {p.name: p.read_text(encoding="utf-8") for p in (content / "it").glob("*.md")}
    assert "source_request:" in texts[drafted.name]
    if isinstance(owner, KbError):  # the draft came first and keeps its name
        assert isinstance(owner, ConflictError) and owner.details["id"] == f"it/{SLUG}.md"
        assert drafted.name == f"{SLUG}.md"
    else:
        assert drafted.name == f"{SLUG}-2.md"
    kept = "Keep me." if other == "rename" else "Created by hand."
    holding = [name for name, text in texts.items() if kept in text]
    assert len(holding) == (1 if other == "rename" or not isinstance(owner, KbError) else 0)
    assert service.get(IT_AGENT, resolved).linked_articles == [f"it/{drafted.name}"]


def test_a_draft_whose_link_could_not_be_saved_is_taken_back(
    service: RequestService,
    content: Path,
    resolved: int,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The draft was written, then the request could not be saved (its database
    away for a moment): the file stayed, linked to nothing, and the next click
    wrote `-2` beside it: two drafts of one request."""
    saving = store.update_request

    def database_away(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the database is away")

    monkeypatch.setattr(store, "update_request", database_away)
    with pytest.raises(ConnectionError):
        service.draft_article(IT_AGENT, resolved, content)
    assert names(content) == ["hotel-wifi.md"]
    monkeypatch.setattr(store, "update_request", saving)
    assert service.draft_article(IT_AGENT, resolved, content).name == f"{SLUG}.md"
    assert names(content) == ["hotel-wifi.md", f"{SLUG}.md"]


def test_a_draft_that_cannot_be_taken_back_leaves_the_first_error_said(
    service: RequestService,
    content: Path,
    resolved: int,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database away, and the draft gone from the folder already (taken out
    by hand meanwhile): the caller hears of the database, not of the file."""

    def database_away(*args: Any, **kwargs: Any) -> Any:
        os.remove(content / "it" / f"{SLUG}.md")
        raise ConnectionError("the database is away")

    monkeypatch.setattr(store, "update_request", database_away)
    with pytest.raises(ConnectionError):
        service.draft_article(IT_AGENT, resolved, content)
    assert names(content) == ["hotel-wifi.md"]
