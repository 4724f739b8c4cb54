"""A save of an article's old name while another content owner's rename of it
is under way (its `move` versions recorded, the old file not yet gone): the
save waits for the edit lock, finds the file gone, and is refused naming the
id the article has now, as a save sent after the rename is
(`test_gone_while_edited.py`). Through the API that is 412 `stale_edit` with
`details.moved_to`; in the editor, the editor of the new name with the typed
text above the form, never a 404 page that loses it, and never the old name
created again. A new article of the old name, asked for once the rename is
done, is created: the rename freed that name."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.authoring import moving, service
from kb.authoring.moving import renamed_since
from kb.authoring.records import Action, ArticleVersion
from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN
from webapp.manage import stored_articles
from webapp.services import services

OLD, NEW = "it/vpn-setup.md", "it/vpn-from-home.md"
TYPED = "## Connect\n\nOpen the new VPN client.\n"


def _tag(client: FlaskClient, article_id: str) -> str:
    answer = client.get(f"/api/articles/{article_id}")
    assert answer.status_code == 200, answer.get_json()
    return str(answer.headers["ETag"])


def _typed_form(token: str) -> dict[str, str]:
    """Cora's save in the editor she opened at version 1 of OLD."""
    return {
        "csrf_token": token,
        "version": "1",
        "action": "save",
        "title": "VPN setup",
        "summary": "How to connect from home.",
        "lang": "en",
        "body": TYPED,
        "message": "new client",
    }


def _rename(client: FlaskClient, token: str) -> None:
    moved = client.post(
        f"/api/articles/{OLD}/move",
        json={"name": "vpn-from-home"},
        headers={"X-CSRF-Token": token, "If-Match": _tag(client, OLD)},
    )
    assert moved.status_code == 200, moved.get_json()


def _versions(client: FlaskClient, article_id: str) -> list[tuple[int, str]]:
    answer = client.get(f"/api/articles/{article_id}/versions")
    assert answer.status_code == 200, answer.get_json()
    return sorted((v["version"], v["action"]) for v in answer.get_json()["versions"])


@pytest.fixture
def rename_under_way(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Start Carl's rename of OLD to NEW in a thread of its own and return once it
    is under way: both `move` versions recorded, the old file still there, the
    edit lock held. It goes on once this (the test's) thread asks for the edit
    lock, i.e. once the save has read all it reads before writing."""
    carl = app.test_client()
    carl_token = sign_in_as(carl, "carl")
    tag = _tag(carl, OLD)
    under_way, asked = threading.Event(), threading.Event()
    answers: list[int] = []
    recorded = moving.store_version
    locked = service.edit_lock
    test_thread = threading.current_thread()

    def record_then_wait(*args: Any, **kwargs: Any) -> ArticleVersion:
        version = recorded(*args, **kwargs)
        if version.article_id == OLD and version.action is Action.MOVE:
            under_way.set()
            asked.wait(60)
        return version

    def lock_after_asking(root: Path) -> AbstractContextManager[None]:
        if threading.current_thread() is test_thread:
            asked.set()
        return locked(root)

    def rename() -> None:
        try:
            moved = carl.post(
                f"/api/articles/{OLD}/move",
                json={"name": "vpn-from-home"},
                headers={"X-CSRF-Token": carl_token, "If-Match": tag},
            )
            answers.append(moved.status_code)
        finally:
            under_way.set()

    monkeypatch.setattr(moving, "store_version", record_then_wait)
    monkeypatch.setattr(service, "edit_lock", lock_after_asking)
    renaming = threading.Thread(target=rename)

    def start() -> None:
        renaming.start()
        assert under_way.wait(60), "the rename did not get under way"

    yield start
    asked.set()
    renaming.join(120)
    assert answers == [200], answers  # the rename itself is done


def test_a_put_while_a_rename_is_under_way_is_refused_naming_the_new_id(
    app: Flask, content: Path, rename_under_way: Callable[[], None]
) -> None:
    cora = app.test_client()
    cora_token = sign_in_as(cora, "cora")
    read = _tag(cora, OLD)
    rename_under_way()
    assert (content / OLD).exists()  # under way: the old file is still there
    late = cora.put(
        f"/api/articles/{OLD}",
        json={"title": "VPN setup", "summary": "How to connect from home.", "body": TYPED},
        headers={"X-CSRF-Token": cora_token, "If-Match": read},
    )
    assert late.status_code == 412, late.get_json()
    error = late.get_json()["error"]
    assert error["code"] == "stale_edit"
    assert error["details"] == {"id": OLD, "your_version": 1, "moved_to": NEW}
    assert not (content / OLD).exists()
    assert (content / NEW).read_text(encoding="utf-8") == VPN
    assert _versions(cora, NEW) == [(1, "disk"), (2, "move")]  # nothing saved there


def test_an_editor_save_while_a_rename_is_under_way_opens_the_new_name_with_the_text_typed(
    app: Flask, content: Path, rename_under_way: Callable[[], None]
) -> None:
    """Before, the save found the file gone inside the edit lock and answered a
    bare 404 page: the typed text was lost."""
    cora = app.test_client()
    cora_token = sign_in_as(cora, "cora")
    assert cora.get(f"/manage/edit/{OLD}").status_code == 200
    rename_under_way()
    late = cora.post(
        f"/manage/edit/{OLD}?hl=en",
        data=_typed_form(cora_token),
    )
    page = text_of(late)
    assert late.status_code == 409, page[:500]
    assert f"{OLD} was renamed to {NEW} since you read it" in page
    # NEW holds the text the save was based on: the typed fields fill its form.
    assert f"{NEW} holds the text you started from, so there is nothing to merge" in page
    assert f'action="/manage/edit/{NEW}"' in page and 'name="version" value="2"' in page
    assert f'name="body" rows="24" spellcheck="true">{TYPED}</textarea>' in page
    assert 'value="new client"' in page and 'id="carried-yours"' not in page
    assert not (content / OLD).exists()
    assert (content / NEW).read_text(encoding="utf-8") == VPN
    # Saved from there, as it stands, the edit is in the renamed article.
    again = cora.post(f"/manage/edit/{NEW}", data={**_typed_form(cora_token), "version": "2"})
    assert again.status_code == 303, text_of(again)[:500]
    assert "Open the new VPN client." in (content / NEW).read_text(encoding="utf-8")
    assert not (content / OLD).exists()


def test_a_new_article_may_take_the_name_a_rename_freed(app: Flask, content: Path) -> None:
    """The old name of an article renamed away is free (as a discarded draft's
    is): a new article there continues that name's history after its `move`,
    and the old address opens it, no longer leading on to the renamed one."""
    cora, carl = app.test_client(), app.test_client()
    versions = services(app).authoring.versions
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    _rename(carl, carl_token)
    assert renamed_since(versions, OLD) == NEW  # the old address leads on to it
    created = cora.post(
        "/manage/new?hl=en",
        data={
            "csrf_token": cora_token,
            "department": "it",
            "slug": "vpn-setup",
            "action": "publish",
            "title": "VPN setup for guests",
            "summary": "The guest network's VPN.",
            "lang": "en",
            "body": "## Guests\n\nAsk the front desk for a code.\n",
        },
    )
    assert created.status_code == 303, text_of(created)[:500]
    assert created.headers["Location"].endswith(f"/manage/edit/{OLD}")
    assert "Ask the front desk" in (content / OLD).read_text(encoding="utf-8")
    assert (content / NEW).read_text(encoding="utf-8") == VPN
    assert _versions(cora, OLD) == [(1, "disk"), (2, "move"), (3, "create")]
    assert renamed_since(versions, OLD) is None  # its address opens the new article


def test_a_save_after_the_rename_keeps_the_typed_text_in_the_new_name_s_form_in_german(
    app: Flask, content: Path
) -> None:
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    _rename(carl, carl_token)
    late = cora.post(f"/manage/edit/{OLD}?hl=de", data=_typed_form(cora_token))
    page = text_of(late)
    assert late.status_code == 409, page[:500]
    assert f"{OLD} wurde umbenannt in {NEW}, seit Sie es gelesen haben" in page
    assert f"{NEW} enthält den Text, von dem Sie ausgegangen sind" in page
    assert f">{TYPED}</textarea>" in page and 'id="carried-yours"' not in page
    assert not (content / OLD).exists() and (content / NEW).read_text("utf-8") == VPN


def test_a_save_after_the_rename_and_an_edit_there_keeps_the_typed_text_to_merge(
    app: Flask, content: Path
) -> None:
    """The renamed article was changed since: its text is in the form, and what
    was typed stays above it to merge, as after a stale save; nothing saved."""
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    _rename(carl, carl_token)
    edited = carl.put(
        f"/api/articles/{NEW}",
        json={"title": "VPN setup", "summary": "How to connect.", "body": "Use the portal.\n"},
        headers={"X-CSRF-Token": carl_token, "If-Match": _tag(carl, NEW)},
    )
    assert edited.status_code == 200, edited.get_json()
    late = cora.post(f"/manage/edit/{OLD}?hl=en", data=_typed_form(cora_token))
    page = text_of(late)
    assert late.status_code == 409, page[:500]
    assert f"{OLD} was renamed to {NEW} since you read it" in page
    assert "nothing to merge" not in page
    assert 'id="carried-yours"' in page and "Open the new VPN client." in page
    assert '"body" rows="24" spellcheck="true">Use the portal.' in page
    assert 'name="version" value="3"' in page and 'value="new client"' in page
    assert not (content / OLD).exists()
    assert "Use the portal." in (content / NEW).read_text(encoding="utf-8")


def test_a_put_that_a_rename_follows_before_its_answer_answers_the_saved_version_and_where_it_went(
    app: Flask, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cora's PUT is written; Carl's rename, held in a thread of its own until
    then, lands before the PUT reads the article back for its answer. Before, the
    PUT answered 404 although its save went through."""
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    read = _tag(cora, OLD)
    written, renamed = threading.Event(), threading.Event()
    answers: list[int] = []
    staged = stored_articles.save_staged
    test_thread = threading.current_thread()

    def rename_once_written() -> None:
        try:
            if written.wait(60):
                moved = carl.post(
                    f"/api/articles/{OLD}/move",
                    json={"name": "vpn-from-home"},
                    headers={"X-CSRF-Token": carl_token, "If-Match": _tag(carl, OLD)},
                )
                answers.append(moved.status_code)
        finally:
            renamed.set()

    def stage_once_renamed(actor: Any, article_id: str) -> Any:
        if threading.current_thread() is test_thread:  # the PUT, its text written
            written.set()
            assert renamed.wait(60), "the rename did not land"
        return staged(actor, article_id)

    monkeypatch.setattr(stored_articles, "save_staged", stage_once_renamed)
    renaming = threading.Thread(target=rename_once_written)
    renaming.start()
    try:
        saved = cora.put(
            f"/api/articles/{OLD}",
            json={"title": "VPN setup", "summary": "How to connect from home.", "body": TYPED},
            headers={"X-CSRF-Token": cora_token, "If-Match": read},
        )
    finally:
        written.set()
        renaming.join(120)
    assert answers == [200], answers  # the rename landed after the write
    assert saved.status_code == 200, saved.get_json()
    answer = saved.get_json()
    assert answer["moved_to"] == NEW
    assert (answer["id"], answer["version"], answer["body"]) == (OLD, 2, TYPED)
    assert answer["title"] == "VPN setup" and answer["status"] == "draft"
    assert "Open the new VPN client." in answer["html"]
    assert answer["warnings"] == [] and answer["pictures_refused"] == []
    assert saved.headers["ETag"] == '"2"'
    # Nothing lost: the text saved is the renamed article's.
    assert not (content / OLD).exists()
    assert "Open the new VPN client." in (content / NEW).read_text(encoding="utf-8")
    assert cora.get(f"/api/articles/{NEW}").get_json()["body"] == TYPED
    assert _versions(cora, OLD) == [(1, "disk"), (2, "save"), (3, "move")]


def test_a_put_with_no_rename_answers_no_moved_to(app: Flask) -> None:
    cora = app.test_client()
    cora_token = sign_in_as(cora, "cora")
    saved = cora.put(
        f"/api/articles/{OLD}",
        json={"title": "VPN setup", "summary": "How to connect from home.", "body": TYPED},
        headers={"X-CSRF-Token": cora_token, "If-Match": _tag(cora, OLD)},
    )
    assert saved.status_code == 200, saved.get_json()
    assert "moved_to" not in saved.get_json()
