"""Passwords in the store (`kb.store.sql_passwords`), on both backends: an
account's own new password clears `must_change_password`; a temporary one
sets it; both are kept in the grant history (never the password), end the
account's sessions and leave its grants alone. An account created with a
temporary password is written with its history rows in one transaction, and
so is a password an administrator sets or removes (`kb.accounts.service.
set_password`, `update_sign_in(change=...)`) with its row."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.exc import OperationalError

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.passwords import create_account, set_password
from kb.accounts.records import Grant, User, hash_password
from kb.errors import NotFoundError, StoreError
from kb.store import sql_account_grants, sql_accounts
from kb.store.protocols import Store
from kb.store.schema import grant_changes
from kb.store.sql import SqlStore

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


def _stored_rows(store: Store) -> str:
    """Every column of every grant history row as stored, as one text."""
    assert isinstance(store, SqlStore)
    with store.engine.connect() as conn:
        return repr(conn.execute(select(grant_changes)).all())


def test_a_password_an_administrator_sets_is_kept_by_whom_and_why_never_itself(
    store: Store, ivan: User
) -> None:
    """`set_password` changed how an account signs in and left no row: an
    audit could not tell who set whose password, or when."""
    before = len(store.grant_changes("ivan"))
    set_password(store, "ivan", "chosen by ada", actor="ada", reason="locked out")
    stored = store.get_user("ivan")
    assert stored is not None and stored.check_password("chosen by ada")
    assert stored.password_hash is not None
    set_password(store, "ivan", None, actor="root", password_sign_in=False)
    rows = store.grant_changes("ivan")[before:]
    assert [(c.kind, c.username, c.role, c.actor, c.reason) for c in rows] == [
        (GrantChangeKind.PASSWORD_SET, "ivan", None, "ada", "locked out"),
        (GrantChangeKind.PASSWORD_REMOVED, "ivan", None, "root", ""),
    ]
    assert all(c.ts is not None for c in rows)
    assert store.get_user("ivan").grants == [AGENT_IT]  # type: ignore[union-attr]
    everything = _stored_rows(store) + str([c.as_dict() for c in rows])
    for secret in ("chosen by ada", stored.password_hash, stored.password_hash.split("$")[-1]):
        assert secret not in everything


def test_a_failed_history_row_leaves_the_password_as_it_was(
    store: Store, ivan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The password and its row are one transaction: when the row cannot be
    written, the old password still signs in and no row is kept."""

    def failing(conn: Connection, changes: Sequence[GrantChange]) -> None:
        raise OperationalError("INSERT INTO grant_changes", {}, Exception("disk full"))

    monkeypatch.setattr(sql_account_grants, "record_changes", failing)
    before = store.grant_changes("ivan")
    with pytest.raises(StoreError):
        set_password(store, "ivan", "never kept", actor="ada", reason="r")
    with pytest.raises(StoreError):
        set_password(store, "ivan", None, actor="ada", password_sign_in=False)
    stored = store.get_user("ivan")
    assert stored is not None and stored.check_password("first password")
    assert store.grant_changes("ivan") == before


def test_setting_the_password_of_an_absent_account_keeps_no_row(store: Store) -> None:
    with pytest.raises(NotFoundError):
        set_password(store, "nobody", "some password", actor="ada")
    change = GrantChange("nobody", None, "", actor="ada", kind=GrantChangeKind.PASSWORD_SET)
    with pytest.raises(NotFoundError):
        store.update_sign_in("nobody", password_hash=hash_password("x" * 8), change=change)
    assert store.grant_changes("nobody") == []


def test_removing_a_password_the_account_does_not_have_changes_nothing(
    store: Store, ivan: User
) -> None:
    """A second `--sso-only` recorded a `password_removed` row for a password
    already gone, and ended the account's sessions for nothing."""
    set_password(store, "ivan", None, actor="ada", password_sign_in=False)
    before = store.get_user("ivan")
    rows = store.grant_changes("ivan")
    again = set_password(store, "ivan", None, actor="ada", password_sign_in=False)
    assert again.password_hash is None and store.grant_changes("ivan") == rows
    after = store.get_user("ivan")
    assert before is not None and after is not None
    assert after.session_generation == before.session_generation
