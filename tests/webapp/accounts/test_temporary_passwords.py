"""Administrators create accounts and reset passwords on the accounts page and
its API: a one-time temporary password, shown once, kept only as its hash,
and an account that must change it at its first sign-in; the grant history
records who and why, never the password. Nobody else may."""

from __future__ import annotations

import json
import re
import time
from unittest import mock

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient

from kb.accounts.grant_history import GrantChangeKind
from kb.store.protocols import Store
from tests.support import error_of, sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")

NEW = {
    "username": "nina",
    "display_name": "Nina N.",
    "role": "agent",
    "department": "it",
    "reason": "joins the service desk",
}


def shown_password(html: str) -> str:
    found = re.search(r'<code id="temporary-password">([^<]+)</code>', html)
    assert found is not None, html
    return found.group(1)


def create(client: FlaskClient, **changes: str):
    """The form posted, and the page it leads to (post/redirect/get) when it is
    a redirect; a refusal as it comes."""
    token = sign_in_as(client, "ada")
    posted = client.post("/accounts/+new", data={**NEW, **changes, "csrf_token": token})
    if posted.status_code != 303:
        return posted
    assert (
        posted.headers["Location"]
        == f"/accounts/{changes.get('username', 'nina')}/temporary-password"
    )
    return client.get(posted.headers["Location"])


def sign_in(app: Flask, name: str, password: str) -> FlaskClient:
    browser = app.test_client()
    page = text_of(browser.get("/auth/sign-in"))
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token is not None
    data = {"username": name, "password": password, "csrf_token": token.group(1)}
    assert browser.post("/auth/sign-in", data=data).status_code == 303
    return browser


def test_an_administrator_creates_an_account_with_a_temporary_password(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    sign_in_as(client, "ada")
    assert 'action="/accounts/+new"' in text_of(client.get("/accounts/+new"))
    response = create(client)
    assert response.status_code == 200
    password = shown_password(text_of(response))
    assert len(password) == 19 and response.headers["Cache-Control"].startswith("no-store")
    nina = store.get_user("nina")
    assert nina is not None and nina.must_change_password
    assert nina.display_name == "Nina N." and [g.label for g in nina.grants] == ["agent:it"]
    assert nina.password_hash != password and nina.check_password(password)
    history = store.grant_changes("nina")
    assert [(c.kind, c.actor, c.reason) for c in history] == [
        (GrantChangeKind.GRANTED, "ada", "joins the service desk"),
        (GrantChangeKind.TEMPORARY_PASSWORD, "ada", "joins the service desk"),
    ]
    assert password not in repr(history)
    page = text_of(client.get("/accounts/nina"))
    assert password not in page and "Temporary password given" in page
    nina_browser = sign_in(app, "nina", password)
    assert nina_browser.get("/requests/mine").headers["Location"].startswith("/auth/password")
    assert error_of(nina_browser.get("/api/me"), 403, "forbidden")["details"] == {
        "reason": "must_change_password",
        "change_at": "/auth/password",
    }
    # Her own password, once chosen, is in the history too: by her, never the password.
    form = text_of(nina_browser.get("/auth/password"))
    token = re.search(r'name="csrf_token" value="([^"]*)"', form)
    assert token is not None
    own = {"current_password": password, "new_password": "ninas own password"}
    again = {"new_password_again": own["new_password"], "csrf_token": token.group(1)}
    assert nina_browser.post("/auth/password", data={**own, **again}).status_code == 303
    page = text_of(client.get("/accounts/nina?hl=de"))
    assert "Passwort selbst geändert" in page and "ninas own password" not in page
    rows = client.get("/api/accounts/nina/grant-history").get_json()["changes"]
    assert (rows[-1]["change"], rows[-1]["by"], rows[-1]["role"]) == (
        "password_changed",
        "nina",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"username": "not a name"}, "username", 400),
        ({"username": "kb-cli"}, "username", 400),
        ({"username": "IVAN"}, "username", 409),
        ({"role": "wizard"}, "role", 400),
        ({"department": "nowhere"}, "department", 400),
        ({"role": "analyst"}, "department", 400),
        ({"role": "content_owner", "department": ""}, "department", 400),
        ({"reason": " "}, "reason", 400),
    ],
)
def test_a_refused_account_is_the_form_again_with_the_field_marked(
    client: FlaskClient, store: Store, changes: dict[str, str], field: str, status: int
) -> None:
    response = create(client, **changes)
    html = text_of(response)
    assert response.status_code == status
    assert 'id="new-error"' in html and "temporary-password" not in html
    assert re.search(r'name="' + field + r'"[^>]*aria-invalid="true"', html) or (
        field == "username" and status == 409
    )
    assert f'value="{NEW["display_name"]}"' in html  # what was typed is kept
    assert store.get_user("nina") is None or changes.get("username") == "IVAN"


def test_only_administrators_and_only_with_the_token(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "emma")
    assert client.get("/accounts/+new").status_code == 403
    assert client.post("/accounts/+new", data={**NEW, "csrf_token": token}).status_code == 403
    assert (
        client.post("/api/accounts", json=NEW, headers={"X-CSRF-Token": token}).status_code == 403
    )
    sign_in_as(client, "ada")
    assert client.post("/accounts/+new", data=NEW).status_code == 403  # no token
    assert client.post("/api/accounts", json=NEW).status_code == 403
    assert store.get_user("nina") is None


def test_a_reset_gives_a_new_temporary_password_and_ends_sessions(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    first = shown_password(text_of(create(client)))
    nina = sign_in(app, "nina", first)
    token = sign_in_as(client, "ada")
    refused = client.post("/accounts/nina/reset-password", data={"csrf_token": token})
    assert refused.status_code == 400 and 'id="reset-error"' in text_of(refused)
    response = client.post(
        "/accounts/nina/reset-password", data={"csrf_token": token, "reason": "forgot it"}
    )
    assert response.status_code == 303
    second = shown_password(text_of(client.get(response.headers["Location"])))
    assert second != first
    assert nina.get("/auth/password").status_code == 303  # signed out: to sign in
    user = store.get_user("nina")
    assert user is not None and user.must_change_password and user.check_password(second)
    assert store.grant_changes("nina")[-1].reason == "forgot it"
    sso = client.post("/accounts/ivan/reset-password", data={"csrf_token": token, "reason": "x"})
    assert sso.status_code == 409  # single sign-on: no password here


def test_the_api_creates_and_resets(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    headers = {"X-CSRF-Token": token}
    created = client.post("/api/accounts", json=NEW, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["account"]["username"] == "nina" and body["account"]["roles"] == ["agent:it"]
    user = store.get_user("nina")
    assert user is not None and user.check_password(body["temporary_password"])
    assert error_of(client.post("/api/accounts", json=NEW, headers=headers), 409, "conflict")
    unknown = client.post("/api/accounts", json={**NEW, "password": "x"}, headers=headers)
    assert error_of(unknown, 400, "invalid_request")["details"]["field"] == "password"
    reset = client.post(
        "/api/accounts/nina/reset-password", json={"reason": "lost"}, headers=headers
    )
    assert reset.status_code == 200
    user = store.get_user("nina")
    assert user is not None and user.check_password(reset.get_json()["temporary_password"])
    history = client.get("/api/accounts/nina/grant-history").get_json()["changes"]
    assert [c["change"] for c in history][-1] == "temporary_password"
    assert history[-1]["role"] is None


def test_a_reload_of_the_password_page_posts_nothing_and_shows_no_password_again(
    client: FlaskClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The form's answer is a redirect (post/redirect/get): reloading the page that
    shows the password is a GET, which neither creates nor resets anything, and
    the password is shown once. It crosses the redirect sealed in the session,
    never in the URL or the log."""
    token = sign_in_as(client, "ada")
    caplog.set_level("DEBUG")
    posted = client.post("/accounts/+new", data={**NEW, "csrf_token": token})
    assert posted.status_code == 303
    where = posted.headers["Location"]
    assert where == "/accounts/nina/temporary-password"
    carried = session_payload(client)
    page = client.get(where)
    password = shown_password(text_of(page))
    assert page.headers["Cache-Control"] == "no-store"
    assert password not in where and password not in caplog.text
    # The cookie that carried it across the redirect, read as its holder can.
    assert "shown_once" in carried and password not in carried
    changes = len(store.grant_changes("nina"))
    # The reload: no second account attempt, no new password, the password not shown.
    again = client.get(where)
    assert again.status_code == 303 and again.headers["Location"].endswith("/accounts/nina#outcome")
    shown = text_of(client.get(again.headers["Location"]))
    assert password not in shown and "was shown once and is not kept" in shown
    assert 'id="temporary-password"' not in shown
    assert len(store.grant_changes("nina")) == changes
    user = store.get_user("nina")
    assert user is not None and user.check_password(password)
    # A reset does the same; the page of another account shows nothing kept for nina.
    reset = client.post(
        "/accounts/nina/reset-password", data={"csrf_token": token, "reason": "forgot it"}
    )
    assert reset.status_code == 303
    assert client.get("/accounts/ivan/temporary-password").status_code == 303
    gone = client.get(reset.headers["Location"])  # taken out by the other page
    assert gone.status_code == 303
    user = store.get_user("nina")
    assert user is not None and not user.check_password(password)


def test_only_administrators_read_the_password_page(client: FlaskClient) -> None:
    sign_in_as(client, "ivan")
    assert client.get("/accounts/nina/temporary-password").status_code == 403


def session_payload(client: FlaskClient) -> str:
    """The session cookie's content as whoever holds the cookie reads it (signed,
    not encrypted)."""
    cookie = client.get_cookie("kb_session")
    assert cookie is not None
    interface = client.application.session_interface
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(client.application)
    assert serializer is not None
    return json.dumps(serializer.loads(cookie.value))


def test_a_copy_of_the_cookie_reads_no_password_later(client: FlaskClient) -> None:
    """The carried password is bound to the server's key and expires: a cookie
    replayed after the time a redirect takes shows nothing."""
    token = sign_in_as(client, "ada")
    posted = client.post("/accounts/+new", data={**NEW, "csrf_token": token})
    assert posted.status_code == 303
    with mock.patch("time.time", return_value=time.time() + 16 * 60):
        late = client.get(posted.headers["Location"])
    assert late.status_code == 303 and late.headers["Location"].endswith("/accounts/nina#outcome")
