"""A signed-in password account changes its own password: the current one
proven, the new one twice under `kb users add`'s rules, the CSRF token, the
sign-in limits; refusals at their field; the other sessions end, this one
goes on. Single-sign-on accounts have none to change."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import hash_password
from kb.accounts.service import add_user
from kb.store.protocols import Store

PASSWORD = "correct horse"
NEW = "battery staple"


@pytest.fixture
def paula(store: Store) -> str:
    add_user(store, "paula", "employee", password=PASSWORD)
    return "paula"


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert found is not None
    return found.group(1)


def sign_in(client: FlaskClient, password: str = PASSWORD, name: str = "paula") -> None:
    token = token_of(client.get("/auth/sign-in").get_data(as_text=True))
    data = {"username": name, "password": password, "csrf_token": token}
    response = client.post("/auth/sign-in", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


def change(client: FlaskClient, current: str, new: str, again: str | None = None, **more: str):
    token = token_of(client.get("/auth/password").get_data(as_text=True))
    data = {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
        "csrf_token": token,
        **more,
    }
    return client.post("/auth/password", data=data)


def test_the_user_menu_leads_to_the_form(app: Flask, paula: str) -> None:
    client = app.test_client()
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/auth/password"' in page
    form = client.get("/auth/password").get_data(as_text=True)
    for name in ("current_password", "new_password", "new_password_again"):
        assert f'name="{name}"' in form
    assert "At least 8 characters" in form


def _own_changes(store: Store) -> list[tuple[str, str, str]]:
    """The grant history's rows of paula's own password changes: (by, reason, when)."""
    return [
        (c.actor, c.reason, c.ts.isoformat() if c.ts else "")
        for c in store.grant_changes("paula")
        if c.kind is GrantChangeKind.PASSWORD_CHANGED
    ]


def test_a_change_keeps_this_session_and_ends_the_others(
    app: Flask, store: Store, paula: str
) -> None:
    client, other = app.test_client(), app.test_client()
    sign_in(client)
    sign_in(other)
    assert change(client, "wrong password", NEW).status_code == 400
    assert _own_changes(store) == []  # a refused change is none
    response = change(client, PASSWORD, NEW, next="/requests/mine")
    assert response.status_code == 303
    [(by, reason, when)] = _own_changes(store)  # who and when, never the password
    assert (by, reason) == ("paula", "") and when
    assert NEW not in str([c.as_dict() for c in store.grant_changes("paula")])
    assert response.headers["Location"].endswith("/requests/mine")
    assert client.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401
    fresh = app.test_client()
    sign_in(fresh, NEW)
    token = token_of(fresh.get("/auth/sign-in").get_data(as_text=True))
    refused = fresh.post(
        "/auth/sign-in", data={"username": "paula", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "words"),
    [
        ("wrong password", NEW, None, "current_password", "current password is wrong"),
        (PASSWORD, "short", None, "new_password", "at least 8"),
        (PASSWORD, NEW, "battery stapel", "new_password_again", "differ"),
        (PASSWORD, PASSWORD, None, "new_password", "is the current one"),
        (PASSWORD, "x" * 1025, None, "new_password", "1024"),
    ],
)
def test_a_refusal_is_shown_at_its_field(
    app: Flask,
    store: Store,
    paula: str,
    current: str,
    new: str,
    again: str | None,
    field: str,
    words: str,
) -> None:
    client = app.test_client()
    sign_in(client)
    before = store.get_user("paula")
    response = change(client, current, new, again)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p id="{field}-error" class="field-error" role="alert">' in page
    assert words in page
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page)
    assert store.get_user("paula") == before  # nothing changed
    assert client.get("/api/me").status_code == 200


def test_without_the_csrf_token_nothing_changes(app: Flask, store: Store, paula: str) -> None:
    client = app.test_client()
    sign_in(client)
    data = {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW}
    response = client.post("/auth/password", data=data)
    assert response.status_code == 403
    user = store.get_user("paula")
    assert user is not None and user.check_password(PASSWORD)


def test_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/auth/password")
    assert response.status_code == 303
    assert "/auth/sign-in" in response.headers["Location"]


def test_wrong_current_passwords_count_as_failed_sign_ins(
    make_app: Callable[..., Flask], paula: str
) -> None:
    app = make_app(signin_limit_account="2 per hour", signin_limit_address="")
    client = app.test_client()
    sign_in(client)
    assert change(client, "guess one", NEW).status_code == 400
    assert change(client, "guess two", NEW).status_code == 400
    limited = change(client, PASSWORD, NEW)  # the right one too, while over the limit
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert 'class="form-error"' in limited.get_data(as_text=True)


def test_the_api_changes_it_too(app: Flask, store: Store, paula: str) -> None:
    client, other = app.test_client(), app.test_client()
    sign_in(client)
    sign_in(other)
    token = client.get("/api/me").get_json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    wrong = client.post(
        "/api/me/password",
        json={"current_password": "nope nope", "new_password": NEW},
        headers=headers,
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["error"]["details"]["field"] == "current_password"
    done = client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=headers,
    )
    assert done.status_code == 200, done.get_json()
    assert [(by, reason) for by, reason, _ in _own_changes(store)] == [("paula", "")]
    assert client.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401


def test_german_texts(app: Flask, paula: str) -> None:
    client = app.test_client()
    sign_in(client)
    page = client.get("/auth/password?hl=de").get_data(as_text=True)
    assert "Aktuelles Passwort" in page and "Neues Passwort wiederholen" in page


def test_a_temporary_password_opens_nothing_but_the_change(
    app: Flask, store: Store, paula: str
) -> None:
    store.set_temporary_password("paula", hash_password("temporary 1"), actor="ada", reason="r")
    client = app.test_client()
    sign_in(client, "temporary 1")
    for path in ("/", "/requests/mine", "/accounts/", "/auth/sign-in"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/auth/password"), path
    refused = client.get("/api/me")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["details"]["reason"] == "must_change_password"
    page = client.get("/auth/password").get_data(as_text=True)
    assert 'id="must-change"' in page and "/requests/mine" not in page
    assert change(client, "temporary 1", NEW, next="/").status_code == 303
    assert client.get("/").status_code == 200
    assert client.get("/api/me").get_json()["must_change_password"] is False


def test_a_new_password_gives_this_session_a_new_csrf_token(app: Flask, paula: str) -> None:
    """Security review of 6 December: the session that changed the password kept
    its CSRF token, which a copy of the cookie shows to whoever holds it; the
    new password ended that copy but left them able to forge this session's forms."""

    def refused(client: FlaskClient, token: str) -> bool:
        again = {"current_password": NEW, "new_password": "a third password"}
        answer = client.post("/api/me/password", json=again, headers={"X-CSRF-Token": token})
        return answer.status_code == 403 and answer.get_json()["error"]["details"] == {
            "csrf": "mismatch"
        }

    by_page = app.test_client()
    sign_in(by_page)
    before = by_page.get("/api/me").get_json()["csrf_token"]
    assert change(by_page, PASSWORD, NEW).status_code == 303
    after = by_page.get("/api/me").get_json()["csrf_token"]
    assert after != before and refused(by_page, before)

    by_api = app.test_client()
    sign_in(by_api, NEW)
    before = by_api.get("/api/me").get_json()["csrf_token"]
    body = {"current_password": NEW, "new_password": PASSWORD}
    done = by_api.post("/api/me/password", json=body, headers={"X-CSRF-Token": before})
    assert done.status_code == 200, done.get_json()
    after = done.get_json()["csrf_token"]
    assert after != before and by_api.get("/api/me").get_json()["csrf_token"] == after
    assert refused(by_api, before)
