""" "Turn into an article" clicked by two agents at the same moment, and after a
content owner renamed the draft, on SQLite and on PostgreSQL: one draft, and
each agent is told what happened (written, or there already, under the name
it has now), never that someone changed the request."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from kb.accounts.records import User
from kb.authoring.moving import move_article
from kb.store.protocols import Store
from tests.support import text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.requests.test_page_forms import file
from tests.webapp.requests.test_stale_forms import CHANGED, agent, resolved, send
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people", "maria")


@pytest.fixture
def maria(store: Store) -> None:
    """A second agent of IT."""
    from kb.accounts.service import add_user

    add_user(store, "maria", "agent", "it")


def drafts_in(app: Flask) -> list[str]:
    folder = services(app).settings.content_path / "it"
    return sorted(p.name for p in folder.glob("*.md"))


def test_two_agents_turning_a_request_into_an_article_at_once_get_one_draft(
    app: Flask, store: Store
) -> None:
    request_id = resolved(app)
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    browsers = [agent(app, "ivan"), agent(app, "maria")]
    pages = [text_of(b.get(url)) for b in browsers]
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def click(n: int) -> None:
        start.wait(timeout=10)
        answers[n] = send(browsers[n], pages[n], action)

    clicks = [threading.Thread(target=click, args=(n,)) for n in (0, 1)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [303, 303]
    [draft] = store.get_request(request_id).linked_articles
    assert drafts_in(app) == [draft.removeprefix("it/")]
    told = [text_of(b.get(url)) for b in browsers]
    assert not any(CHANGED in page for page in told)
    assert sum(f"Draft article written: {draft}" in page for page in told) == 1
    assert sum(f"This request already has the draft {draft}" in page for page in told) == 1


def test_a_draft_renamed_by_its_owner_is_the_one_an_agent_is_told_of(
    app: Flask, store: Store
) -> None:
    """The draft's old name was no longer the request's file: a click from a page
    opened before wrote a second draft at the old name."""
    request_id = resolved(app)
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    marias_page = text_of(maria.get(url))
    assert send(ivan, text_of(ivan.get(url)), action).status_code == 303
    [first] = store.get_request(request_id).linked_articles
    cora = User(username="cora", grants=store.get_user("cora").grants)  # type: ignore[union-attr]
    move_article(services(app).authoring, cora, first, "vpn-drops", base_version=None)

    assert send(maria, marias_page, action).status_code == 303
    page = text_of(maria.get(url))
    assert "This request already has the draft it/vpn-drops.md" in page
    assert f"linked the draft it/vpn-drops.md, renamed from {first}" in page
    assert drafts_in(app) == ["vpn-drops.md"]
    assert store.get_request(request_id).linked_articles == ["it/vpn-drops.md"]


def test_an_agent_is_told_whose_draft_it_is_now(app: Flask, store: Store) -> None:
    """An agent saw the draft's path and nothing else: not that only the
    department's content owners open it, nor whether they know of it."""
    request_id = resolved(app)
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    ivan = agent(app, "ivan")
    assert send(ivan, text_of(ivan.get(url)), action).status_code == 303
    page = text_of(ivan.get(url))
    assert "Only the content owners of IT Service Desk can open, edit and publish" in page
    assert "They have not been told by e-mail: let them know it is waiting." in page  # mail off
    german = text_of(ivan.get(f"{url}?hl=de"))
    assert "Nur die inhaltlich Verantwortlichen der Abteilung IT Service Desk können" in german
    # The content owner opens it instead (the editor's link), and is told nothing of it.
    cora = agent(app, "cora")
    owners_page = text_of(cora.get(url))
    [draft] = store.get_request(request_id).linked_articles
    assert f'href="/manage/edit/{draft}"' in owners_page
    assert "Only the content owners of" not in owners_page


def test_an_agent_is_told_when_the_department_has_no_content_owner(
    app: Flask, store: Store
) -> None:
    store.remove_user("cora", actor="ada")  # IT's only content owner
    request_id = resolved(app)
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    ivan = agent(app, "ivan")
    assert send(ivan, text_of(ivan.get(url)), action).status_code == 303
    page = text_of(ivan.get(url))
    assert "IT Service Desk has none yet: ask an administrator" in page


def test_the_api_turns_a_request_into_one_draft_and_says_so(app: Flask, store: Store) -> None:
    from tests.support import error_of, sign_in_as

    ivan = app.test_client()
    token = sign_in_as(ivan, "ivan")
    request_id = file(app.test_client())
    call = f"/api/requests/{request_id}/article"
    unanswered = ivan.post(call, headers={"X-CSRF-Token": token})
    assert "resolve it first" in error_of(unanswered, 409, "conflict")["message"]
    request_id = resolved(app)
    call = f"/api/requests/{request_id}/article"
    seen = store.get_request(request_id).version
    stale = ivan.post(call, headers={"X-CSRF-Token": token, "If-Match": f'"{seen - 1}"'})
    error_of(stale, 412, "stale_version")
    assert drafts_in(app) == []

    first = ivan.post(call, headers={"X-CSRF-Token": token, "If-Match": f'"{seen}"'})
    assert first.status_code == 201, text_of(first)
    body = first.get_json()
    assert body["created"] is True and body["article"].startswith("it/")
    assert body["request"]["linked_articles"] == [body["article"]]
    assert first.headers["ETag"] == f'"{store.get_request(request_id).version}"'
    # Sent again with the version it read (a retry): the draft is the answer.
    again = ivan.post(call, headers={"X-CSRF-Token": token, "If-Match": f'"{seen}"'})
    assert again.status_code == 200
    assert again.get_json()["created"] is False
    assert again.get_json()["article"] == body["article"]
    assert drafts_in(app) == [body["article"].removeprefix("it/")]


def test_a_draft_renamed_by_its_owner_is_listed_and_published_under_its_new_name(
    app: Flask, store: Store
) -> None:
    """The request still linked the draft's old name: its page showed it
    "missing", with no Publish button, and the drafts page left it out."""
    request_id = resolved(app)
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    ivan = agent(app, "ivan")
    assert send(ivan, text_of(ivan.get(url)), action).status_code == 303
    [first] = store.get_request(request_id).linked_articles
    cora_account = store.get_user("cora")
    assert cora_account is not None
    move_article(services(app).authoring, cora_account, first, "vpn-drops", base_version=None)

    agents_page = text_of(ivan.get(url))
    assert "<code>it/vpn-drops.md</code>" in agents_page
    assert "They have not been told by e-mail" in agents_page  # what the first entry said
    cora = agent(app, "cora")
    assert 'href="/manage/edit/it/vpn-drops.md"' in text_of(cora.get("/requests/drafts/"))
    owners_page = text_of(cora.get(url))
    assert 'href="/manage/edit/it/vpn-drops.md"' in owners_page
    publish = f"/requests/{request_id}/publish"
    assert send(cora, owners_page, publish, article="it/vpn-drops.md").status_code == 303
    assert "The article is published" in text_of(cora.get(url))
    assert store.get_request(request_id).linked_articles == ["it/vpn-drops.md"]
