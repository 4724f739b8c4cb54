"""Forwarded headers and single-sign-on headers count from the trusted proxies
only, loopback is not trusted by default, and single-sign-on identities never
touch local password accounts (security review, issue 13)."""

from __future__ import annotations

from flask import Flask

from kb.accounts.records import Role
from kb.accounts.service import add_user, authenticate
from webapp.services import services

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "kb.example.org",
}


def visitor_cookie(app: Flask, peer: str) -> str:
    """The visitor cookie a new browser behind `peer` gets."""
    response = app.test_client().get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": peer})
    return str(response.headers["Set-Cookie"])


def test_forwarded_headers_count_from_trusted_proxies_only(make_app) -> None:  # type: ignore[no-untyped-def]
    untrusting_app = make_app()  # default: nobody, loopback included
    assert "Secure" not in visitor_cookie(untrusting_app, "127.0.0.1")
    trusting_app = make_app(trusted_proxies="10.0.0.5")
    assert "Secure" in visitor_cookie(trusting_app, "10.0.0.5")  # https as the proxy says
    assert "Secure" not in visitor_cookie(trusting_app, "10.0.0.6")
    untrusted, trusting = untrusting_app.test_client(), trusting_app.test_client()
    # A form post whose Origin is the forwarded host passes only through the proxy.
    origin = {**FORWARDED, "Origin": "https://kb.example.org"}
    post = {"data": {"helpful": "yes"}, "headers": origin}
    assert (
        trusting.post(
            "/articles/hr/sick-leave.md/feedback", environ_base={"REMOTE_ADDR": "10.0.0.5"}, **post
        ).status_code
        == 303
    )
    assert (
        untrusted.post(
            "/articles/hr/sick-leave.md/feedback", environ_base={"REMOTE_ADDR": "127.0.0.1"}, **post
        ).status_code
        == 403
    )


SSO = {"X-Remote-User": "maria", "X-Remote-Groups": "agent:it"}


def test_loopback_is_not_a_single_sign_on_proxy_by_default(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(auth_mode="header").test_client()
    for peer in ("127.0.0.1", "::1"):
        refused = client.get("/api/me", headers=SSO, environ_base={"REMOTE_ADDR": peer})
        assert refused.status_code == 403
        assert "trusted_proxies" in refused.get_json()["error"]["message"]


def test_sso_trust_is_by_the_connection_not_a_forwarded_address(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(auth_mode="header", trusted_proxies="10.0.0.5").test_client()
    through_proxy = client.get(
        "/api/me", headers={**SSO, **FORWARDED}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    )
    assert through_proxy.status_code == 200 and through_proxy.get_json()["username"] == "maria"
    spoofed = client.get(
        "/api/me",
        headers={**SSO, "X-Forwarded-For": "10.0.0.5"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert spoofed.status_code == 403


def test_sso_never_rewrites_a_local_password_account(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(auth_mode="header", trusted_proxies="127.0.0.1")
    store = services(app).store
    add_user(store, "employee", "employee", password="employee-demo")
    response = app.test_client().get(
        "/api/me", headers={"X-Remote-User": "employee", "X-Remote-Groups": "admin"}
    )
    assert response.status_code == 403
    assert "--sso-only" in response.get_json()["error"]["message"]
    user = authenticate(store, "employee", "employee-demo")
    assert user is not None and not user.has_role(Role.ADMIN)


def test_a_bad_group_from_the_proxy_is_explained_in_the_readers_language(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(auth_mode="header", trusted_proxies="127.0.0.1").test_client()
    sent = {"X-Remote-User": "maria", "X-Remote-Groups": "agent:it,boss"}
    german = client.get("/api/me", headers={**sent, "Accept-Language": "de-DE,de;q=0.9"})
    assert german.status_code == 400
    error = german.get_json()["error"]
    assert german.get_json() == {"error": error}  # the one JSON error shape, unchanged
    assert error["code"] == "invalid_request"
    assert error["details"] == {"field": "X-Remote-Groups", "value": "boss"}
    assert error["message"].startswith("Der Single-Sign-on-Proxy hat die Gruppe „boss“")
    assert "Administrierenden" in error["message"] and "{" not in error["message"]
    english = client.get("/api/me", headers={**sent, "Accept-Language": "en"}).get_json()
    assert english["error"]["message"].startswith("The single-sign-on proxy sent the group “boss”")
    page = client.get("/", headers={"X-Remote-User": "maria smith", "Accept-Language": "de"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "„maria smith“ als Ihren Benutzernamen" in text
    assert "invalid_request" not in text


def test_the_proxy_may_not_sign_anyone_in_as_the_command_line(make_app) -> None:  # type: ignore[no-untyped-def]
    """An identity provider's `KB-CLI` became an account whose work read in every
    history as the command line's (`kb-cli`): the names the system uses for
    itself are refused, in any letter case, and nothing is recorded."""
    app = make_app(auth_mode="header", trusted_proxies="127.0.0.1")
    client = app.test_client()
    for name in ("kb-cli", "KB-CLI", "Demo-Traffic.p001"):
        sent = {"X-Remote-User": name, "X-Remote-Groups": "admin"}
        refused = client.get("/api/me", headers=sent)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["details"] == {"field": "X-Remote-User", "value": name}
        assert "a name the knowledge base uses for itself" in refused.get_json()["error"]["message"]
        page = client.get("/", headers={**sent, "Accept-Language": "de"})
        assert page.status_code == 400
        assert f"„{name}“ als Ihren Benutzernamen" in page.get_data(as_text=True)
    assert services(app).store.list_users() == []


def people_who_searched(app: Flask, peer: str, *forwarded_for: str) -> list[str]:
    """The person each search counts as, one new browser per X-Forwarded-For."""
    for chain in forwarded_for:
        app.test_client().get(
            "/api/search?q=vpn+drops",
            headers={"X-Forwarded-For": chain},
            environ_base={"REMOTE_ADDR": peer},
        )
    return [event.person for event in services(app).store.search_events()]


def test_people_behind_a_trusted_proxy_of_their_own_are_told_apart(make_app) -> None:  # type: ignore[no-untyped-def]
    # The reverse proxy (10.0.0.5) and a branch office's proxy (198.51.100.7),
    # which adds the office's own addresses, are both trusted.
    app = make_app(trusted_proxies="10.0.0.5,198.51.100.7")
    office = people_who_searched(
        app, "10.0.0.5", "10.1.2.3, 198.51.100.7", "10.1.2.4, 198.51.100.7"
    )
    assert office[0] != office[1]  # two people, not the office proxy twice
    # The same person again, through a load balancer listed as well, is the same person.
    assert people_who_searched(app, "10.0.0.5", "10.1.2.3, 198.51.100.7")[-1] == office[0]


def test_an_address_a_client_forwards_itself_is_never_believed(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(trusted_proxies="10.0.0.5,198.51.100.7")
    # A client at 203.0.113.9 writes the office proxy and a colleague's address into
    # the header; the reverse proxy appends its real address, where the walk stops.
    spoofed, honest = people_who_searched(
        app, "10.0.0.5", "10.1.2.3, 198.51.100.7, 203.0.113.9", "203.0.113.9"
    )
    assert spoofed == honest
    # Straight from an untrusted address, no forwarded address counts at all.
    direct = people_who_searched(app, "192.0.2.7", "10.1.2.3", "10.1.2.4")
    assert direct[-1] == direct[-2]


def test_a_renamed_sso_account_signs_in_under_its_old_name_until_the_proxy_catches_up(
    make_app,  # type: ignore[no-untyped-def]
) -> None:
    """Renamed here but not at the identity provider: the proxy's old name is the
    renamed account, not a new empty one; once the proxy sends the new name,
    the old one is let go and may be someone else's."""
    from kb.accounts.service import rename_user
    from kb.requests.records import Request

    app = make_app(auth_mode="header", trusted_proxies="127.0.0.1")
    store = services(app).store
    client = app.test_client()

    def me(name: str) -> str:
        headers = {"X-Remote-User": name, "X-Remote-Groups": "agent:it"}
        answer = client.get("/api/me", headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return str(answer.get_json()["username"])

    assert me("maria") == "maria"
    filed = store.create_request(Request(requester="maria", query="VPN", department="it"))
    assert rename_user(store, "maria", "maria.k").sso_alias == "maria"
    assert me("maria") == "maria.k" and me("MARIA") == "maria.k"
    assert [u.username for u in store.list_users()] == ["maria.k"]
    assert filed.id is not None and store.get_request(filed.id).requester == "maria.k"
    assert me("maria.k") == "maria.k"  # the provider renamed too
    assert store.aliases() == {}
    assert me("maria") == "maria"  # a new person of the freed name: nothing of maria.k's
    assert store.list_requests(requester="maria") == []


def test_the_proxys_groups_decide_who_administers_even_the_last_one(make_app) -> None:  # type: ignore[no-untyped-def]
    """By design, single sign-on is not held to the last-administrator rule
    (`kb.accounts.last_admin`): the identity provider decides who administers,
    so groups that no longer name `admin` take it from the only holder."""
    app = make_app(auth_mode="header", trusted_proxies="127.0.0.1")
    client, store = app.test_client(), services(app).store
    client.get("/api/me", headers={"X-Remote-User": "root", "X-Remote-Groups": "admin"})
    assert [u.username for u in store.list_users() if u.has_role(Role.ADMIN)] == ["root"]
    me = client.get("/api/me", headers={"X-Remote-User": "root", "X-Remote-Groups": "analyst"})
    assert me.status_code == 200
    assert not any(u.has_role(Role.ADMIN) for u in store.list_users())
