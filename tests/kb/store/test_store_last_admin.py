"""Contract: no account change leaves the organisation without an
administrator, on SQLite and PostgreSQL, two changes at once included.

Removing the last account with the `admin` role, merging it into an
account without the role (a merge carries no roles over), and, while
sign-in is by password, taking the password of the last administrator with
one, are refused in
the transaction that would make the change, as revoking the role is. Read
before that transaction, two administrators removed at the same moment
would each see the other still there, and both would go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, Role, User, hash_password
from kb.errors import ConflictError
from kb.store.protocols import Store
from tests.store_locks import lock_waiters, write_lock_held

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ADMIN = [Grant(role=Role.ADMIN)]


def _accounts(store: Store, **grants: list[Grant]) -> None:
    for name, held in grants.items():
        store.add_user(User(username=name, grants=held, created=T0))


def _admins(store: Store) -> list[str]:
    return [u.username for u in store.list_users() if Grant(role=Role.ADMIN) in u.grants]


def test_the_last_administrator_is_not_removed(store: Store) -> None:
    _accounts(store, alice=ADMIN, bob=[Grant(role=Role.AGENT, department="it")])
    history = store.grant_changes()
    with pytest.raises(ConflictError, match="alice is the last administrator") as refused:
        store.remove_user("alice", actor="kb-cli")
    assert refused.value.key == "last_admin_removed"
    assert refused.value.details == {"username": "alice", "role": "admin"}
    assert _admins(store) == ["alice"] and store.grant_changes() == history
    store.remove_user("bob", actor="kb-cli")  # anyone else goes
    assert [u.username for u in store.list_users()] == ["alice"]


def test_an_administrator_is_removed_while_another_holds_the_role(store: Store) -> None:
    _accounts(store, alice=ADMIN, bob=ADMIN)
    store.remove_user("alice", actor="kb-cli")
    assert _admins(store) == ["bob"]
    with pytest.raises(ConflictError) as refused:
        store.remove_user("bob", actor="kb-cli")
    assert refused.value.key == "last_admin_removed"


def test_the_last_administrator_is_not_merged_into_an_account_without_the_role(
    store: Store,
) -> None:
    _accounts(store, alice=ADMIN, ali=[])
    with pytest.raises(ConflictError, match="ali does not hold the role") as refused:
        store.rename_user("alice", "ali", merge=True)
    assert refused.value.key == "last_admin_merged"
    assert refused.value.details == {"username": "alice", "into": "ali", "role": "admin"}
    assert sorted(u.username for u in store.list_users()) == ["ali", "alice"]
    assert _admins(store) == ["alice"]
    # Given the role first, the account merged into keeps it.
    store.update_user(User(username="ali", grants=ADMIN, created=T0), actor="root")
    assert store.rename_user("alice", "ali", merge=True).now_named == "ali"
    assert _admins(store) == ["ali"]


def test_an_administrator_is_merged_away_while_another_holds_the_role(store: Store) -> None:
    _accounts(store, alice=ADMIN, ali=[], carl=ADMIN)
    store.rename_user("alice", "ali", merge=True)
    assert _admins(store) == ["carl"]
    revoked = [c for c in store.grant_changes() if c.kind is GrantChangeKind.REVOKED]
    assert [(c.username, c.grant) for c in revoked] == [("ali", "admin")]


def _at_once(store: Store, store_url: str, *changes: Callable[[], Any]) -> list[Any]:
    """Start every change while the accounts are locked, so each reads whatever
    it reads after the lock is let go; what each raised or returned."""
    outcomes: list[Any] = [None] * len(changes)

    def run(i: int) -> None:
        try:
            outcomes[i] = changes[i]()
        except Exception as exc:  # the outcome is what the test looks at
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(changes))]
    with lock_waiters(store_url, store.engine, "users") as waiters:
        with write_lock_held(store_url, "users"):
            for thread in threads:
                thread.start()
            waiters.until(len(changes))
        for thread in threads:
            thread.join(60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def test_two_administrators_removed_at_once_leave_one_of_them(store: Store, store_url: str) -> None:
    _accounts(store, alice=ADMIN, bob=ADMIN)
    outcomes = _at_once(
        store,
        store_url,
        lambda: store.remove_user("alice", actor="bob"),
        lambda: store.remove_user("bob", actor="alice"),
    )
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(refused) == 1, outcomes
    assert refused[0].key == "last_admin_removed"
    assert _admins(store) == [refused[0].details["username"]]
    assert [u.username for u in store.list_users()] == _admins(store)


def test_a_merge_and_a_removal_at_once_leave_an_administrator(store: Store, store_url: str) -> None:
    _accounts(store, alice=ADMIN, ali=[], carl=ADMIN)
    outcomes = _at_once(
        store,
        store_url,
        lambda: store.rename_user("alice", "ali", merge=True),
        lambda: store.remove_user("carl", actor="alice"),
    )
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(refused) == 1, outcomes
    assert refused[0].key in {"last_admin_merged", "last_admin_removed"}
    assert len(_admins(store)) == 1


def test_the_last_administrator_with_a_password_keeps_it_while_sign_in_is_by_password(
    store: Store,
) -> None:
    """Single sign-on only for the last administrator who signs in with a
    password would leave nobody able to sign in to manage accounts."""
    with_password = hash_password("alice password")
    store.add_user(User(username="alice", grants=ADMIN, password_hash=with_password))
    _accounts(store, sso=ADMIN, bob=[Grant(role=Role.AGENT, department="it")])
    store.update_sign_in("bob", password_hash=hash_password("bob password"))
    with pytest.raises(ConflictError, match="last administrator who signs in") as refused:
        store.update_sign_in("alice", drop_password=True, password_sign_in=True)
    assert refused.value.key == "last_admin_password"
    assert refused.value.details == {"username": "alice", "role": "admin"}
    assert (store.get_user("alice") or User(username="x")).password_hash == with_password
    store.update_sign_in("bob", drop_password=True, password_sign_in=True)  # no administrator
    store.update_sign_in("sso", drop_password=True, password_sign_in=True)  # has none already
    carl = hash_password("carl password")
    store.add_user(User(username="carl", grants=ADMIN, password_hash=carl))
    store.update_sign_in("alice", drop_password=True, password_sign_in=True)
    assert [u.username for u in store.list_users() if u.password_hash] == ["carl"]
    with pytest.raises(ConflictError):
        store.update_sign_in("carl", drop_password=True, password_sign_in=True)
    # Behind single sign-on (no password sign-in) the identity provider decides.
    store.update_sign_in("carl", drop_password=True)
    assert not any(u.password_hash for u in store.list_users())


def test_two_administrators_dropping_their_passwords_at_once_leave_one_of_them_one(
    store: Store, store_url: str
) -> None:
    for name in ("alice", "bob"):
        store.add_user(User(username=name, grants=ADMIN, password_hash=hash_password(name * 4)))
    outcomes = _at_once(
        store,
        store_url,
        lambda: store.update_sign_in("alice", drop_password=True, password_sign_in=True),
        lambda: store.update_sign_in("bob", drop_password=True, password_sign_in=True),
    )
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(refused) == 1, outcomes
    assert refused[0].key == "last_admin_password"
    kept = [u.username for u in store.list_users() if u.password_hash is not None]
    assert kept == [refused[0].details["username"]]
