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


def test_a_renamed_account_searches_as_the_same_person(client: FlaskClient, store: Store) -> None:
    """Insights count accounts by the pseudonym of their person key, which a
    rename keeps; a later account given the freed name is another person."""
    from kb.accounts.records import User
    from kb.accounts.service import rename_user
    from tests.support import sign_in_as

    store.add_user(User(username="paula", password_hash="x"))
    sign_in_as(client, "paula")
    client.get("/api/search?q=one")
    rename_user(store, "paula", "paula.k")
    sign_in_as(client, "paula.k")
    client.get("/api/search?q=two")
    store.add_user(User(username="paula"))
    sign_in_as(client, "paula")
    client.get("/api/search?q=three")
    people = {e.query: (e.person, e.signed_in) for e in store.search_events()}
    assert people["one"] == people["two"] and people["one"][1]
    assert people["three"][0] != people["one"][0]
