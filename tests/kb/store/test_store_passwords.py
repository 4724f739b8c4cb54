"""Passwords in the store (`kb.store.sql_passwords`), on both backends: an
account's own new password clears `must_change_password`; a temporary one
sets it; both are kept in the grant history (never the password), end the
account's sessions and leave its grants alone. An account created with a
temporary password is written with its history rows in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.passwords import create_account
from kb.accounts.records import Grant, User, hash_password
from kb.errors import NotFoundError, StoreError
from kb.store import sql_accounts
from kb.store.protocols import Store

AGENT_IT = Grant(role="agent", department="it")


@pytest.fixture
def ivan(store: Store) -> User:
    store.add_user(
        User(username="ivan", grants=[AGENT_IT], password_hash=hash_password("first password")),
        actor="ada",
        reason="joins IT",
    )
    found = store.get_user("ivan")
    assert found is not None and not found.must_change_password
    return found


def test_a_temporary_password_marks_the_account_and_is_kept_in_the_history(
    store: Store, ivan: User
) -> None:
    given = store.set_temporary_password(
        "ivan", hash_password("temporary one"), actor="ada", reason="forgot it"
    )
    stored = store.get_user("ivan")
    assert stored == given
    assert stored.must_change_password and stored.check_password("temporary one")
    assert stored.session_generation == ivan.session_generation + 1
    assert stored.grants == [AGENT_IT]
    last = store.grant_changes("ivan")[-1]
    assert (last.kind, last.role, last.actor, last.reason) == (
        GrantChangeKind.TEMPORARY_PASSWORD,
        None,
        "ada",
        "forgot it",
    )
    assert last.as_dict()["role"] is None and "temporary one" not in str(last.as_dict())


def test_the_own_password_clears_the_mark_and_ends_sessions(store: Store, ivan: User) -> None:
    store.set_temporary_password("ivan", hash_password("temporary one"), actor="ada", reason="r")
    before = store.get_user("ivan")
    assert before is not None
    changed = store.change_password("ivan", hash_password("my own password"))
    stored = store.get_user("ivan")
    assert stored == changed
    assert not stored.must_change_password and stored.check_password("my own password")
    assert stored.session_generation == before.session_generation + 1
    kinds = [c.kind for c in store.grant_changes("ivan")]
    assert kinds.count(GrantChangeKind.TEMPORARY_PASSWORD) == 1  # the own one is not
    own = store.grant_changes("ivan")[-1]
    assert (own.kind, own.role, own.actor, own.reason) == (
        GrantChangeKind.PASSWORD_CHANGED,
        None,
        "ivan",
        "",
    )
    assert own.ts is not None and own.label == "ivan changed their password"
    assert "my own password" not in str(own.as_dict())


def test_an_account_created_marked_keeps_the_mark(store: Store) -> None:
    user = User(
        username="maria",
        grants=[Grant(role="employee")],
        password_hash=hash_password("temporary one"),
        must_change_password=True,
    )
    store.add_user(user, actor="ada", reason="new colleague")
    stored = store.get_user("maria")
    assert stored is not None and stored.must_change_password
    assert [(c.kind.value, c.actor, c.reason) for c in store.grant_changes("maria")] == [
        ("granted", "ada", "new colleague"),
        ("temporary_password", "ada", "new colleague"),
    ]
    assert any(u.must_change_password for u in store.list_users())


def test_a_failed_history_row_leaves_no_account_behind(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account and its history rows are one transaction: when the write of
    the temporary password's row fails, after the account and its grant were
    written, neither the account nor any row is kept."""
    written = sql_accounts.record_changes

    def failing(conn: Connection, changes: Sequence[GrantChange]) -> None:
        written(conn, [c for c in changes if c.role is not None])  # the grant: written
        if any(c.kind is GrantChangeKind.TEMPORARY_PASSWORD for c in changes):
            raise OperationalError("INSERT INTO grant_changes", {}, Exception("disk full"))

    monkeypatch.setattr(sql_accounts, "record_changes", failing)
    user = User(
        username="maria",
        grants=[Grant(role="employee")],
        password_hash=hash_password("temporary one"),
        must_change_password=True,
    )
    with pytest.raises(StoreError, match="could not add a user"):
        create_account(store, "maria", "employee", actor="ada", reason="new colleague")
    with pytest.raises(StoreError):
        store.add_user(user, actor="ada", reason="new colleague")
    assert store.get_user("maria") is None and store.find_user("MARIA") is None
    assert store.grant_changes() == []
    monkeypatch.undo()  # the name was never taken: the account is made now
    given = create_account(store, "maria", "employee", actor="ada", reason="new colleague")
    assert store.get_user("maria") == given.user and given.user.must_change_password
    assert [c.kind.value for c in store.grant_changes("maria")] == [
        "granted",
        "temporary_password",
    ]


def test_an_absent_account_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.change_password("nobody", hash_password("some password"))
    with pytest.raises(NotFoundError):
        store.set_temporary_password("nobody", hash_password("x" * 8), actor="ada", reason="r")
