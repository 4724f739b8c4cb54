"""The pseudonymous visitor id: a signed cookie, replaced when forged."""

from __future__ import annotations

from flask.testing import FlaskClient

from kb.store.protocols import Store


def test_the_pseudonymous_id_is_a_signed_cookie(client: FlaskClient, store: Store) -> None:
    from itsdangerous import URLSafeSerializer

    client.get("/")
    cookie = client.get_cookie("kb_uid")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    client.get("/api/search?q=one")
    client.get("/api/search?q=two")
    users = {e.user for e in store.search_events()}
    assert len(users) == 1
    signed = URLSafeSerializer("test-secret", salt="kb-pseudonymous-user")
    assert signed.loads(cookie.value) == users.pop()


def test_a_forged_cookie_gets_a_fresh_id(client: FlaskClient, store: Store) -> None:
    client.set_cookie("kb_uid", "someone-else")
    client.get("/api/search?q=one")
    [event] = store.search_events()
    assert event.user and event.user != "someone-else"
