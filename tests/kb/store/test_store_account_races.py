"""Account changes that race each other, on every backend.

SQLite lets one write transaction run at a time; PostgreSQL lets two run side
by side, each checking a name against what was committed before it began.
Without a lock of their own, an account could be added under a name that a
rename was turning into a former name that very moment, and a second rename
onto a name taken meanwhile failed with the database's message instead of
the product's. Checked before the write's transaction, two administrators
taking each other's role at once both went through, leaving none.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import kb.store.sql_accounts
from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, Role, User
from kb.accounts.roles import revoke_role
from kb.errors import ConflictError
from kb.store.protocols import Store
from tests.store_locks import lock_waiters, write_lock_held

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _while_renaming(store: Store, monkeypatch: pytest.MonkeyPatch, other: Callable[[], Any]) -> Any:
    """Rename bob to robert; while that transaction has changed the account but
    not yet committed, run `other` in a second thread. What `other` raised or
    returned."""
    inside = threading.Event()
    original = kb.store.sql_accounts.move_aliases

    def pausing(*args: Any, **kwargs: Any) -> str:
        made = original(*args, **kwargs)
        inside.set()
        time.sleep(0.5)  # the other change starts meanwhile, and has to wait
        return made

    monkeypatch.setattr(kb.store.sql_accounts, "move_aliases", pausing)
    outcome: list[Any] = []

    def run_other() -> None:
        inside.wait(30)  # the rename's own work comes first, on a loaded machine too
        try:
            outcome.append(other())
        except Exception as exc:  # the outcome is what the test looks at
            outcome.append(exc)

    thread = threading.Thread(target=run_other)
    thread.start()
    store.rename_user("bob", "robert")
    thread.join(30)
    return outcome[0]


def test_no_account_takes_a_name_while_a_rename_makes_it_a_former_name(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_user(User(username="bob", created=T0))  # single sign-on: keeps "bob" as alias
    outcome = _while_renaming(
        store, monkeypatch, lambda: store.add_user(User(username="bob", created=T0))
    )
    assert isinstance(outcome, ConflictError) and outcome.key == "username_is_alias", outcome
    assert [u.username for u in store.list_users()] == ["robert"]
    assert store.alias_of("bob") == "robert"


def test_two_renames_onto_one_name_at_once_refuse_the_second_in_its_words(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("bob", "carl"):
        store.add_user(User(username=name, created=T0))
    outcome = _while_renaming(store, monkeypatch, lambda: store.rename_user("carl", "Robert"))
    assert isinstance(outcome, ConflictError) and outcome.key == "user_exists", outcome
    assert "a user named 'robert' already exists" in str(outcome)
    assert [u.username for u in store.list_users()] == ["carl", "robert"]


def test_two_administrators_taking_each_others_role_at_once_leave_one_of_them_it(
    store: Store, store_url: str
) -> None:
    """Both revokes start while the accounts are locked, so each has read
    whatever it reads before it may write: exactly one goes through, and the
    other is refused as taking the last administrator's role."""
    for name in ("alice", "bob"):
        store.add_user(User(username=name, grants=[Grant(role=Role.ADMIN)], created=T0))
    outcomes: dict[str, Any] = {}

    def revoke(name: str, by: str) -> None:
        try:
            outcomes[name] = revoke_role(store, name, "admin", actor=by, reason="handing over")
        except Exception as exc:  # the outcome is what the test looks at
            outcomes[name] = exc

    threads = [
        threading.Thread(target=revoke, args=("alice", "bob")),
        threading.Thread(target=revoke, args=("bob", "alice")),
    ]
    with lock_waiters(store_url, store.engine, "users") as waiters:
        with write_lock_held(store_url, "users"):
            for thread in threads:
                thread.start()
            waiters.until(2)
        for thread in threads:
            thread.join(60)
    refused = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    assert refused[0].key == "last_admin"
    admins = [u.username for u in store.list_users() if Grant(role=Role.ADMIN) in u.grants]
    assert admins == [refused[0].details["username"]]
    revoked = [c.username for c in store.grant_changes() if c.kind is GrantChangeKind.REVOKED]
    assert revoked == [n for n in ("alice", "bob") if n not in admins]
