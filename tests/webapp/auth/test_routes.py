"""Signing in and out, CSRF on forms, header (SSO) mode, roles, and audiences."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import ARTICLES, FakeEngine, make_article, sign_in_as, text_of
from tests.webapp.test_security import NOT_PLAIN
from webapp.services import services


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found is not None, "the form has no CSRF field"
    return found.group(1)


@pytest.fixture
def paula(store: Store) -> str:
    add_user(store, "paula", "employee", password="correct horse")
    return "paula"


def test_sign_in_with_a_password(client: FlaskClient, paula: str) -> None:
    page = text_of(client.get("/auth/sign-in?next=/requests/"))
    assert 'autocomplete="current-password"' in page
    token = form_token(page)
    assert token
    wrong = client.post(
        "/auth/sign-in",
        data={"username": "paula", "password": "wrong horse", "csrf_token": token},
    )
    assert wrong.status_code == 401
    assert "The username or the password is wrong." in text_of(wrong)
    assert 'value="paula"' in text_of(wrong)  # the username is kept
    response = client.post(
        "/auth/sign-in",
        data={
            "username": "paula",
            "password": "correct horse",
            "next": "/requests/",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/requests/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("kb_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = text_of(client.get("/requests/"))
    assert "My requests" in page and "paula" in page
    # The token changed at sign-in: one planted before it is worth nothing.
    assert form_token(page) != token


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "pau\x00la", "password": "correct horse"},
        {"username": "paula", "password": "x\x00"},
    ],
)
def test_a_nul_character_shows_the_sign_in_form_again(
    client: FlaskClient, paula: str, fields: dict[str, str]
) -> None:
    token = form_token(text_of(client.get("/auth/sign-in")))
    response = client.post("/auth/sign-in", data={**fields, "csrf_token": token})
    page = text_of(response)
    assert response.status_code == 400
    assert 'id="username"' in page and 'id="password"' in page  # the form, not an error page
    assert 'value="paula"' in page  # what was typed, the NUL taken out
    assert "contains a NUL character" in page
    assert "\x00" not in page


def test_sign_in_never_redirects_off_the_site(app: Flask, paula: str) -> None:
    for target in ("https://evil.example/", "//evil.example/"):
        response = app.test_client().post(
            "/auth/sign-in",
            data={"username": "paula", "password": "correct horse", "next": target},
        )
        assert response.headers["Location"] == "/", target


# Addresses a browser takes to another host although they start with one "/": it
# reads a backslash in the path as "/", and drops tabs and line breaks.
BROWSER_OFF_SITE = (
    "/\\evil.example/",
    "/\\/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example",
)


def test_sign_in_never_redirects_to_an_address_a_browser_reads_as_another_host(
    app: Flask, paula: str
) -> None:
    """`next=/%5Cevil.example` on a link to the sign-in page passed as a path of
    this site: after signing in, the browser went to evil.example. And
    `next=/.%2F/evil.example` came back as `Location: /.//evil.example`: the
    browser kept this site, but one step of normalising the path (dropping the
    "." segment) makes it `//evil.example`; every `next` whose path, decoded,
    has such parts leads to the landing page."""
    for target in (*BROWSER_OFF_SITE, *NOT_PLAIN):
        page = text_of(app.test_client().get("/auth/sign-in", query_string={"next": target}))
        assert '<input type="hidden" name="next" value="/">' in page, target
        response = app.test_client().post(
            "/auth/sign-in",
            data={"username": "paula", "password": "correct horse", "next": target},
        )
        assert response.headers["Location"] == "/", target
    # A path of this site with a backslash in its query still leads back there.
    response = app.test_client().post(
        "/auth/sign-in",
        data={"username": "paula", "password": "correct horse", "next": "/?q=a\\b"},
    )
    assert response.headers["Location"] in ("/?q=a\\b", "/?q=a%5Cb")


def test_sign_out(client: FlaskClient, paula: str) -> None:
    token = sign_in_as(client, "paula")
    assert client.post("/auth/sign-out").status_code == 403  # forms need the token
    response = client.post("/auth/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert "You are signed out." in text_of(client.get(response.headers["Location"]))
    assert client.get("/requests/").status_code == 303  # back to the sign-in page


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    "path", ["/ask/?q=help", "/requests/", "/requests/1", "/requests/queue/", "/requests/drafts/"]
)
def test_pages_send_visitors_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/auth/sign-in?next=")


ASK_WHY = "Sign in to ask a department"


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("path", "why", "warum"),
    [
        ("/insights/", "Sign in to see the insights", "um die Auswertung zu sehen"),
        ("/insights/gaps?days=7", "Sign in to see the insights", "um die Auswertung zu sehen"),
        ("/manage/", "write, review and publish your department", "Artikel Ihrer Abteilung"),
        (
            "/manage/new?department=it",
            "write, review and publish your department",
            "Inhaltsverantwortliche",
        ),
        ("/requests/queue/it", "Sign in to work your department", "Warteschlange Ihrer"),
        ("/ask/?q=help", ASK_WHY, "um eine Abteilung zu fragen"),
    ],
)
def test_the_sign_in_page_says_what_signing_in_is_for_there(
    client: FlaskClient, path: str, why: str, warum: str
) -> None:
    """Insights and the content owners' pages sent visitors to a sign-in page that
    offered to "ask a department": it says what signing in is for on the page
    they came from, in their language."""
    target = client.get(path).headers["Location"]
    page = text_of(client.get(target))
    assert why in page
    assert (ASK_WHY in page) == (why == ASK_WHY)
    assert warum in text_of(client.get(target + "&hl=de"))


def test_a_form_post_without_its_token_is_refused(client: FlaskClient, paula: str) -> None:
    client.get("/auth/sign-in")  # the session now holds a token
    response = client.post("/auth/sign-in", data={"username": "paula", "password": "correct horse"})
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "This form has expired" in text_of(response)


@pytest.mark.usefixtures("people")
def test_signed_in_forms_carry_the_token(client: FlaskClient) -> None:
    token = sign_in_as(client, "emma")
    html = text_of(client.get("/articles/hr/sick-leave.md"))
    assert form_token(html) == token
    assert f'<meta name="csrf-token" content="{token}">' in html
    response = client.post("/articles/hr/sick-leave.md/feedback", data={"helpful": "yes"})
    assert response.status_code == 403
    response = client.post(
        "/articles/hr/sick-leave.md/feedback", data={"helpful": "yes", "csrf_token": token}
    )
    assert response.status_code == 303


@pytest.mark.usefixtures("people")
def test_a_token_that_is_not_ascii_is_refused_not_a_server_error(client: FlaskClient) -> None:
    """The token was compared with `hmac.compare_digest` on text, which raises
    for characters outside ASCII: a form field or an `X-CSRF-Token` header of
    `é` answered 500 (and logged a traceback) instead of refusing the call."""
    sign_in_as(client, "emma")
    response = client.post("/articles/hr/sick-leave.md/feedback", data={"csrf_token": "é"})
    assert response.status_code == 403
    response = client.post("/api/feedback", json={}, headers={"X-CSRF-Token": "\u00e9"})
    assert response.status_code == 403
    assert response.get_json()["error"]["details"] == {"csrf": "mismatch"}


def test_visitors_need_no_token(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/hr/sick-leave.md"))
    assert form_token(html) == "" and 'name="csrf-token"' not in html
    assert "kb_session" not in client.get("/").headers.get("Set-Cookie", "")


# -- roles ------------------------------------------------------------------------------


@pytest.mark.usefixtures("people")
def test_an_employee_cannot_open_another_request_or_a_queue(client: FlaskClient) -> None:
    token = sign_in_as(client, "emma")
    response = client.post(
        "/api/requests", json={"query": "VPN", "department": "it"}, headers={"X-CSRF-Token": token}
    )
    request_id = response.get_json()["id"]
    sign_in_as(client, "olga")
    response = client.get(f"/requests/{request_id}")
    assert response.status_code == 404  # as for a request that does not exist
    assert client.get("/requests/queue/it").status_code == 403
    assert "Queue" not in text_of(client.get("/requests/"))  # no queue in her menu
    sign_in_as(client, "hanna")  # an agent, but of HR
    assert client.get("/requests/queue/it").status_code == 403
    assert client.get("/requests/queue/hr").status_code == 200
    assert client.get(f"/requests/{request_id}").status_code == 404


# -- audiences --------------------------------------------------------------------------


@pytest.fixture
def restricted(monkeypatch: pytest.MonkeyPatch) -> str:
    article = make_article("it/admin-runbook.md", "Admin runbook", "Only for IT.", audience=("it",))
    monkeypatch.setitem(ARTICLES, article.id, article)
    return article.id


@pytest.mark.usefixtures("people")
def test_searches_pass_the_users_groups(client: FlaskClient, engine: FakeEngine) -> None:
    client.get("/api/search?q=runbook")
    assert engine.queries[-1].groups == frozenset()  # visitors: audience everyone only
    sign_in_as(client, "ivan")
    client.get("/?q=runbook")
    assert engine.queries[-1].groups == frozenset({"employee", "agent", "it", "agent:it"})
    client.get("/api/suggest?q=adm")
    assert engine.suggest_groups == frozenset({"employee", "agent", "it", "agent:it"})
    sign_in_as(client, "ada")
    client.get("/api/search?q=runbook")
    assert engine.queries[-1].groups is None  # admins see everything


@pytest.mark.usefixtures("people")
def test_restricted_articles_show_only_to_their_audience(
    client: FlaskClient, restricted: str
) -> None:
    def visible() -> tuple[bool, int, bool]:
        found = client.get("/api/search?q=runbook").get_json()["results"]
        titles = [s["text"] for s in client.get("/api/suggest?q=Adm").get_json()["suggestions"]]
        return (
            restricted in [h["id"] for h in found],
            client.get(f"/articles/{restricted}").status_code,
            "Admin runbook" in titles,
        )

    assert visible() == (False, 404, False)
    sign_in_as(client, "emma")
    assert visible() == (False, 404, False)
    sign_in_as(client, "ivan")
    assert visible() == (True, 200, True)


# -- header (single sign-on) mode pages -------------------------------------------------


@pytest.fixture
def sso_app(app: Flask) -> Flask:
    svc = services(app)
    svc.settings = svc.settings.replace(auth_mode="header", trusted_proxies="127.0.0.1,::1")
    return app


def test_header_mode_pages(sso_app: Flask, client: FlaskClient, store: Store) -> None:
    headers = {"X-Remote-User": "maria", "X-Remote-Groups": "content_owner:hr"}
    html = text_of(client.get("/", headers=headers))
    assert "maria" in html and "Articles" in html and "Sign out" not in html
    refused = client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert refused.status_code == 403 and "trusted_proxies" in text_of(refused)
    page = text_of(client.get("/auth/sign-in"))
    assert "single sign-on" in page and 'name="password"' not in page
    ipv6_proxy = {"REMOTE_ADDR": "::1"}
    assert client.get("/", headers=headers, environ_base=ipv6_proxy).status_code == 200


def test_the_proxys_groups_granting_and_revoking_roles_are_in_the_grant_history(
    sso_app: Flask, client: FlaskClient, store: Store
) -> None:
    """Single sign-on gives and takes roles as the proxy's groups say: each is
    kept in the grant history, by `single sign-on`, as `kb users add` is."""
    client.get("/", headers={"X-Remote-User": "maria", "X-Remote-Groups": "agent:it"})
    client.get("/", headers={"X-Remote-User": "maria", "X-Remote-Groups": "agent:it"})
    client.get("/", headers={"X-Remote-User": "maria", "X-Remote-Groups": "analyst"})
    assert [(c.label, c.actor, c.reason) for c in store.grant_changes("maria")] == [
        ("maria granted agent:it", "single sign-on", "the proxy's X-Remote-Groups"),
        ("maria revoked agent:it", "single sign-on", "the proxy's X-Remote-Groups"),
        ("maria granted analyst", "single sign-on", "the proxy's X-Remote-Groups"),
    ]


def test_trusted_proxies_may_be_networks(sso_app: Flask, client: FlaskClient) -> None:
    svc = services(sso_app)
    svc.settings = svc.settings.replace(trusted_proxies="10.0.0.0/8")
    headers = {"X-Remote-User": "maria"}
    assert (
        client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code
        == 200
    )
    assert client.get("/", headers=headers).status_code == 403  # loopback is no longer listed


def test_sign_in_takes_the_username_in_any_letter_case(client: FlaskClient, paula: str) -> None:
    token = form_token(text_of(client.get("/auth/sign-in")))
    response = client.post(
        "/auth/sign-in",
        data={"username": "PAULA", "password": "correct horse", "csrf_token": token},
    )
    assert response.status_code == 303
    assert client.get("/api/me").get_json()["username"] == "paula"


def test_single_sign_on_in_another_letter_case_is_the_same_account(
    sso_app: Flask, client: FlaskClient, store: Store
) -> None:
    add_user(store, "maria", "employee")  # recorded by an earlier single sign-on
    headers = {"X-Remote-User": "Maria", "X-Remote-Groups": "analyst"}
    assert client.get("/", headers=headers).status_code == 200
    assert [u.username for u in store.list_users() if u.username.casefold() == "maria"] == ["maria"]
    stored = store.get_user("maria")
    assert stored is not None and [g.label for g in stored.grants] == ["analyst"]
    # A local password account stays out of reach whatever the letter case.
    add_user(store, "paul", "employee", password="correct horse")
    refused = client.get("/", headers={"X-Remote-User": "PAUL"})
    assert refused.status_code == 403 and "local account" in text_of(refused)


def _race(monkeypatch: pytest.MonkeyPatch, store: Store, meanwhile: Callable[[], object]) -> None:
    """The next look-up of a user finds nothing, and `meanwhile` (a parallel
    request recording the name) runs between it and the insert that follows."""
    looked_up = store.find_user

    def racing(name: str) -> User | None:
        monkeypatch.setattr(store, "find_user", looked_up)
        meanwhile()
        return None

    monkeypatch.setattr(store, "find_user", racing)


def test_two_first_sign_ins_in_two_letter_cases_land_on_one_account(
    sso_app: Flask, client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _race(monkeypatch, store, lambda: store.add_user(User(username="maria")))
    headers = {"X-Remote-User": "Maria", "X-Remote-Groups": "analyst"}
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["username"] == "maria"
    assert [u.username for u in store.list_users()] == ["maria"]
    stored = store.get_user("maria")
    assert stored is not None and [g.label for g in stored.grants] == ["analyst"]


def test_a_password_account_recorded_in_between_is_still_refused_to_single_sign_on(
    sso_app: Flask, client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _race(monkeypatch, store, lambda: add_user(store, "paul", "admin", password="correct horse"))
    refused = client.get("/", headers={"X-Remote-User": "Paul", "X-Remote-Groups": "analyst"})
    assert refused.status_code == 403 and "local account" in text_of(refused)
    stored = store.get_user("paul")
    assert stored is not None and [g.label for g in stored.grants] == ["admin"]
