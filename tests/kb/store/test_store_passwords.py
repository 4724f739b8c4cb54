"""Passwords in the store (`kb.store.sql_passwords`), on both backends: an
account's own new password clears `must_change_password`; a temporary one
sets it and is kept in the grant history (never the password); both end the
account's sessions and leave its grants alone."""

from __future__ import annotations

import pytest

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, User, hash_password
from kb.errors import NotFoundError
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


def test_an_account_created_marked_keeps_the_mark(store: Store) -> None:
    user = User(
        username="maria",
        grants=[Grant(role="employee")],
        password_hash=hash_password("temporary one"),
        must_change_password=True,
    )
    store.add_user(user, actor="ada", reason="new colleague")
    store.note_temporary_password("maria", actor="ada", reason="new colleague")
    stored = store.get_user("maria")
    assert stored is not None and stored.must_change_password
    assert [c.kind.value for c in store.grant_changes("maria")] == [
        "granted",
        "temporary_password",
    ]
    assert any(u.must_change_password for u in store.list_users())


def test_an_absent_account_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.change_password("nobody", hash_password("some password"))
    with pytest.raises(NotFoundError):
        store.set_temporary_password("nobody", hash_password("x" * 8), actor="ada", reason="r")
