"""Sessions end: at sign-out (everywhere, a copied cookie too), at a new password
or role, and after `session_hours` however active; cookies are Secure when
configured (security review, issue 13: a copied session cookie worked after
sign-out and a password change, and was renewed on every request)."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.passwords import set_password
from kb.accounts.service import add_user, remove_user, rename_user
from kb.store.protocols import Store
from webapp.auth import sessions
from webapp.services import services

PASSWORD = "correct horse"


@pytest.fixture
def paula(store: Store) -> str:
    add_user(store, "paula", "employee", password=PASSWORD)
    return "paula"


def sign_in_form(client: FlaskClient, password: str = PASSWORD, **how: Any) -> Any:
    """Sign paula in through the form, each request made as `how` says."""
    page = client.get("/auth/sign-in", **how).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token is not None
    response = client.post(
        "/auth/sign-in",
        data={"username": "paula", "password": password, "csrf_token": token.group(1)},
        **how,
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def signed_in(client: FlaskClient, password: str = PASSWORD) -> str:
    """Sign paula in through the form; returns the session cookie's value."""
    sign_in_form(client, password)
    cookie = client.get_cookie("kb_session")
    assert cookie is not None
    return cookie.value


def me(app: Flask, cookie: str) -> int:
    """What /api/me answers to another browser holding a copy of `cookie`."""
    other = app.test_client()
    other.set_cookie("kb_session", cookie)
    return other.get("/api/me").status_code


def test_a_copied_cookie_stops_working_at_sign_out(app: Flask, paula: str) -> None:
    client = app.test_client()
    cookie = signed_in(client)
    assert me(app, cookie) == 200
    token = client.get("/api/me").get_json()["csrf_token"]
    assert client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 303
    assert me(app, cookie) == 401


def test_a_new_password_or_role_ends_every_session(app: Flask, store: Store, paula: str) -> None:
    cookie = signed_in(app.test_client())
    set_password(store, "paula", "a new password")
    assert me(app, cookie) == 401
    cookie = signed_in(app.test_client(), "a new password")
    assert me(app, cookie) == 200
    add_user(store, "paula", "agent", "it")  # a new role
    assert me(app, cookie) == 401


def test_a_session_ends_after_its_lifetime_however_active(
    app: Flask, paula: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    cookie = signed_in(client)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert "kb_session" not in response.headers.get("Set-Cookie", "")  # not renewed
    later = time.time() + 12 * 3600 + 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert me(app, cookie) == 401


def test_cookies_are_secure_when_configured(make_app: Any) -> None:
    secure_app = make_app(session_cookie_secure=True, session_hours=1.5)
    add_user(services(secure_app).store, "paula", "employee", password=PASSWORD)
    client = secure_app.test_client()
    visitor = client.get("/", base_url="https://kb.example.org")
    assert "Secure" in visitor.headers["Set-Cookie"]  # the pseudonymous id
    response = sign_in_form(client, base_url="https://kb.example.org")
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("kb_session=")
    )
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    expires = parsedate_to_datetime(session_cookie.split("Expires=")[1].split(";")[0])
    assert 5300 < expires.timestamp() - time.time() < 5500  # session_hours = 1.5


@pytest.mark.parametrize("how", ["remove", "rename"])
def test_a_cookie_of_a_removed_or_renamed_account_never_signs_in_a_later_one_of_its_name(
    app: Flask, store: Store, paula: str, how: str
) -> None:
    """Security review of 2 December: the cookie names the account and its session
    generation, and a new account of a freed name starts at generation 0 again,
    so the first paula's kept cookie signed in as the second paula."""
    cookie = signed_in(app.test_client())
    if how == "remove":
        remove_user(store, "paula")
    else:
        rename_user(store, "paula", "paula.old")
    add_user(store, "paula", "agent", "it", password="another password")
    assert store.get_user("paula").session_generation == 0  # as the first one's was
    assert me(app, cookie) == 401
    assert me(app, signed_in(app.test_client(), "another password")) == 200


def test_a_cookie_from_before_sessions_named_their_account_counts_only_after_it_was_made(
    app: Flask, store: Store, paula: str
) -> None:
    """A session cookie written before cookies named the account's creation keeps
    working, unless it was begun before the account existed."""
    client = app.test_client()
    for since, expected in ((int(time.time()), 200), (int(time.time()) - 3600, 401)):
        with client.session_transaction() as session:
            session.clear()
            session.update({"kb_user": "paula", "kb_gen": 0, "kb_since": since})
        assert client.get("/api/me").status_code == expected


def test_an_account_under_a_reserved_name_is_refused_with_the_way_out(
    app: Flask, store: Store
) -> None:
    """Made before the name was reserved: its session from before ends, and
    signing in again says why and what an administrator must do."""
    from werkzeug.security import generate_password_hash

    from kb.accounts.records import User

    store.add_user(User(username="kb-cli", password_hash=generate_password_hash(PASSWORD)))
    user = store.get_user("kb-cli")
    assert user is not None
    client = app.test_client()
    with client.session_transaction() as session:
        session[sessions.SESSION_USER] = "kb-cli"
        session[sessions.SESSION_GENERATION] = user.session_generation
        session[sessions.SESSION_SINCE] = int(time.time())
        session[sessions.SESSION_ACCOUNT] = sessions.account_mark(user)
    assert client.get("/api/me").status_code == 401
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token is not None
    refused = client.post(
        "/auth/sign-in",
        data={"username": "kb-cli", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "may not sign in" in text and "kb users rename kb-cli NEWNAME" in text
    assert 'value="kb-cli"' in text  # the form keeps what was typed
    assert client.get("/api/me").status_code == 401


def test_a_request_on_an_ended_session_leaves_the_newer_cookie_alone(
    app: Flask, paula: str
) -> None:
    """A background request of another tab, sent with the cookie of before the
    sign-out, is refused without sending a cookie back: the browser keeps the
    sign-out's message, or a session begun again meanwhile (a browser test lost
    the "signed out" message to an editor preview answered 401 with a cleared
    cookie)."""
    client = app.test_client()
    stale = signed_in(client)
    token = client.get("/api/me").get_json()["csrf_token"]
    assert client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 303
    other = app.test_client()
    other.set_cookie("kb_session", stale)
    for response in (
        other.get("/api/me"),
        other.post("/api/preview", json={"text": "# Hi", "csrf_token": token}),
    ):
        assert response.status_code in (401, 403), response.get_data(as_text=True)
        assert "kb_session" not in response.headers.get("Set-Cookie", "")
    assert signed_in(client) != stale
    assert client.get("/api/me").status_code == 200


def _session_cookie(client: FlaskClient, **how: Any) -> str:
    """The `Set-Cookie` of signing paula in, the requests made as `how` says."""
    response = sign_in_form(client, **how)
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("kb_session="))


def test_a_session_begun_over_https_is_secure_without_the_setting(make_app: Any) -> None:
    """Security review of 6 December: without `session_cookie_secure`, a session
    begun over HTTPS (behind a TLS proxy in `trusted_proxies`) was not Secure, so
    the browser sent it along with any plain-HTTP request to the host."""
    proxied = make_app(trusted_proxies="10.0.0.5")
    add_user(services(proxied).store, "paula", "employee", password=PASSWORD)
    behind_tls = {
        "headers": {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kb.example.org"},
        "environ_base": {"REMOTE_ADDR": "10.0.0.5"},
    }
    assert "Secure" in _session_cookie(proxied.test_client(), **behind_tls)
    assert "Secure" in _session_cookie(proxied.test_client(), base_url="https://kb.example.org")
    # Plain HTTP (a laptop, a test) still signs in.
    assert "Secure" not in _session_cookie(proxied.test_client())
    # A client's own X-Forwarded-Proto proves nothing: it is not the proxy.
    spoofed = {**behind_tls, "environ_base": {"REMOTE_ADDR": "10.9.9.9"}}
    assert "Secure" not in _session_cookie(proxied.test_client(), **spoofed)
