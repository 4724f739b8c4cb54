"""Contract: usernames are one name in any letter case, and a database that
already holds such twins (from before) migrates and keeps working."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command

from kb.accounts.records import Grant, Role, User
from kb.accounts.service import add_user, case_twins, warn_case_twins
from kb.errors import ConflictError
from kb.store.factory import build_engine, create_store
from kb.store.migrate import alembic_config
from kb.store.protocols import Store
from kb.store.schema import users
from tests.support import run_kb

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
BEFORE_KEYS = "0018_composed_names"


def test_a_username_in_another_letter_case_is_refused_naming_the_account(store: Store) -> None:
    store.add_user(User(username="alice", created=T0))
    for twin in ("Alice", "ALICE", "aLiCe"):
        with pytest.raises(ConflictError, match="'alice' already exists") as caught:
            store.add_user(User(username=twin, grants=[Grant(role=Role.ADMIN)]))
        assert caught.value.details == {"username": twin, "existing": "alice"}
        assert "differ only in letter case" in caught.value.message
    assert [u.username for u in store.list_users()] == ["alice"]


def test_adding_a_role_to_a_twin_name_is_refused_not_given_to_the_account(store: Store) -> None:
    add_user(store, "alice", "employee")
    with pytest.raises(ConflictError, match="'alice' already exists"):
        add_user(store, "Alice", "admin")
    stored = store.get_user("alice")
    assert stored is not None and not stored.has_role(Role.ADMIN)


def test_find_user_matches_any_letter_case_get_user_only_the_exact_name(store: Store) -> None:
    store.add_user(User(username="Maria.K@example.org", created=T0))
    found = store.find_user("maria.k@EXAMPLE.org")
    assert found is not None and found.username == "Maria.K@example.org"
    assert store.get_user("maria.k@example.org") is None
    assert store.find_user("maria") is None


def _store_with_twins(url: str) -> None:
    """A database at the revision before usernames ignored case, holding three
    accounts under one name (the newest first, so order by age is tested)."""
    engine, _ = build_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), BEFORE_KEYS)
            for age, name in enumerate(("ALICE", "alice", "Alice", "bob")):
                created = T0 - timedelta(days=age if name != "bob" else 0)
                conn.execute(
                    users.insert().values(
                        username=name, display_name=name, grants=[], created=created
                    )
                )
    finally:
        engine.dispose()


def test_a_database_with_twins_migrates_keeps_them_and_warns(
    store_url: str, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    _store_with_twins(store_url)
    with caplog.at_level(logging.WARNING):
        store = create_store(store_url)
    try:
        warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("'Alice' and 'alice' differ only in letter case" in m for m in warned)
        assert any("'Alice' and 'ALICE'" in m for m in warned)
        # Nothing merged or renamed: each account is there under its own name.
        assert sorted(u.username for u in store.list_users()) == ["ALICE", "Alice", "alice", "bob"]
        for name in ("ALICE", "Alice", "alice"):
            assert store.get_user(name).username == name  # type: ignore[union-attr]
            assert store.find_user(name).username == name  # type: ignore[union-attr]
        # Another spelling goes to the oldest, which keeps the name.
        assert store.find_user("aLICE").username == "Alice"  # type: ignore[union-attr]
        groups = [[u.username for u in g] for g in case_twins(store.list_users())]
        assert groups == [["Alice", "alice", "ALICE"]]
        caplog.clear()
        assert [[u.username for u in g] for g in warn_case_twins(store)] == groups
        assert "Alice, alice, ALICE differ only in letter case" in caplog.text
        # No fourth one.
        with pytest.raises(ConflictError, match="'Alice' already exists"):
            store.add_user(User(username="aLICE"))
        with pytest.raises(ConflictError, match="'bob' already exists"):
            store.add_user(User(username="BOB"))
    finally:
        store.close()
    checked = run_kb({**env, "KB_DATABASE_URL": store_url}, "users", "check")
    assert checked.exit_code == 1
    assert "Alice, alice, ALICE: differ only in letter case; Alice (the oldest)" in checked.output
    assert "kb users rename TWIN OLDEST --merge" in checked.output


def test_twins_are_resolved_by_renaming_merging_or_removing(store_url: str) -> None:
    _store_with_twins(store_url)
    store = create_store(store_url)
    try:
        with pytest.raises(ConflictError, match="'alice' already exists.*--merge"):
            store.rename_user("ALICE", "alice")
        store.rename_user("Alice", "alice.a")
        # The oldest freed the name: the older twin left without a key holds it now.
        assert store.find_user("aLiCe").username == "alice"  # type: ignore[union-attr]
        with pytest.raises(ConflictError, match="'alice' already exists"):
            store.add_user(User(username="aLICE"))
        store.rename_user("ALICE", "alice", merge=True)
        assert sorted(u.username for u in store.list_users()) == ["alice", "alice.a", "bob"]
        assert case_twins(store.list_users()) == []
        store.remove_user("alice", actor="kb-cli")
        store.add_user(User(username="ALICE"))
        assert store.find_user("alice").username == "ALICE"  # type: ignore[union-attr]
    finally:
        store.close()
