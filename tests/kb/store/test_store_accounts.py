"""Contract: user accounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from kb.accounts.records import Grant, Role, User, hash_password
from kb.errors import ConflictError, NotFoundError
from kb.store.protocols import Store
from kb.store.sql import SqlStore

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def sql(store: Store) -> SqlStore:
    assert isinstance(store, SqlStore)
    return store


def agent(username: str = "bob", department: str | None = "it") -> User:
    return User(
        username=username,
        display_name="Bob Builder",
        grants=[Grant(role=Role.AGENT, department=department), Grant(role=Role.EMPLOYEE)],
        password_hash=hash_password("correct horse"),
        created=T0,
    )


def test_user_round_trip(store: Store) -> None:
    user = agent()
    store.add_user(user)
    stored = store.get_user("bob")
    assert stored == user
    assert stored is not None and stored.check_password("correct horse")
    assert stored.has_role(Role.AGENT, "it") and not stored.has_role(Role.AGENT, "hr")


def test_unknown_user_is_none(store: Store) -> None:
    assert store.get_user("nobody") is None


def test_adding_a_taken_username_conflicts(store: Store) -> None:
    store.add_user(agent())
    with pytest.raises(ConflictError, match="'bob' already exists"):
        store.add_user(agent())


def test_list_users_by_username_in_code_point_order(store: Store, backend: str) -> None:
    """As Python sorts them on both databases: capitals first, `.` before `_`.
    The test server's own collation is byte order, so on PostgreSQL the query
    must also say so itself: a production database in en_US would otherwise
    put "adam" before "Zoe" and "a_b" before "a.b"."""
    names = ("carol", "Zoe", "alice", "a_b", "bob", "a.b", "ab")
    for name in names:
        store.add_user(User(username=name, created=T0))
    sent: list[str] = []
    engine = sql(store).engine
    listener = lambda *args: sent.append(args[2])  # noqa: E731 (the statement's text)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        listed = [u.username for u in store.list_users()]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert listed == sorted(names)
    if backend == "postgresql":
        (query,) = [s for s in sent if "FROM users" in s]
        assert 'ORDER BY (users.username) COLLATE "C"' in query


def test_update_user_replaces_grants_and_password(store: Store) -> None:
    store.add_user(agent())
    changed = replace(
        agent(),
        display_name="Robert",
        grants=[Grant(role=Role.ADMIN)],
        password_hash=None,
    )
    store.update_user(changed)
    stored = store.get_user("bob")
    assert stored == changed
    assert stored is not None and stored.has_role(Role.ADMIN) and not stored.has_role(Role.AGENT)


def test_update_of_unknown_user_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="'ghost'"):
        store.update_user(User(username="ghost"))


def test_update_sign_in_writes_only_what_it_is_given(store: Store) -> None:
    bob = agent()
    store.add_user(bob)
    store.update_sign_in("bob", display_name="Robert")
    assert store.get_user("bob") == replace(bob, display_name="Robert")
    store.update_sign_in("bob", password_hash="scrypt:new")
    store.update_sign_in("bob")  # nothing given: nothing changes
    assert store.get_user("bob") == replace(bob, display_name="Robert", password_hash="scrypt:new")
    store.update_sign_in("bob", drop_password=True)
    assert store.get_user("bob") == replace(bob, display_name="Robert", password_hash=None)
    with pytest.raises(NotFoundError, match="'ghost'"):
        store.update_sign_in("ghost", display_name="Nobody")
    with pytest.raises(NotFoundError, match="'ghost'"):
        store.update_sign_in("ghost")


def test_ending_sessions_only_ever_raises_the_generation(store: Store) -> None:
    store.add_user(agent())
    assert store.get_user("bob").session_generation == 0  # type: ignore[union-attr]
    assert store.end_sessions("bob") == 1
    assert store.end_sessions("bob") == 2
    # Saving a user read before never lowers it.
    store.update_user(replace(agent(), display_name="Robert"))
    stored = store.get_user("bob")
    assert stored is not None and (stored.display_name, stored.session_generation) == (
        "Robert",
        2,
    )
    with pytest.raises(NotFoundError):
        store.end_sessions("nobody")
