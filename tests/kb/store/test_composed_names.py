"""Migration 0018: department and article ids an older version stored in
decomposed form (NFD, from folder names made on macOS) are rewritten in the
composed form (NFC) every lookup uses; twins already stored in composed form
are joined with a warning, never silently, and version histories of both
forms are left apart."""

from __future__ import annotations

import json
import logging
import unicodedata

import pytest
from alembic import command
from sqlalchemy import text

from kb.accounts.records import Grant, Role, User
from kb.authoring.records import ArticleVersion
from kb.events import SearchEvent
from kb.requests.records import Request
from kb.store.migrate import alembic_config, upgrade
from kb.store.protocols import Store
from kb.store.sql import SqlStore
from kb.store.sql_versions import SqlVersions

COMPOSED = unicodedata.normalize("NFC", "büro")
DECOMPOSED = unicodedata.normalize("NFD", "büro")
BEFORE = "0017_wide_numbers"


def _sql(store: Store, statement: str, **values: object) -> None:
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        conn.execute(text(statement), values)


def _as_before(store: Store, revision: str = BEFORE) -> None:
    """The database as the version before stored it: at `revision` (the later
    revisions undone, so that upgrading runs them all again)."""
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def test_decomposed_ids_are_composed_and_twins_are_named(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    assert DECOMPOSED != COMPOSED
    old = store.create_request(Request(requester="emma", query="Printer jam", department="x"))
    twin = store.create_request(Request(requester="olga", query="Desk lamp", department="x"))
    lone = store.create_request(Request(requester="emma", query="Locker", department="y"))
    _sql(store, "UPDATE requests SET department = :d WHERE id = :i", d=DECOMPOSED, i=old.id)
    _sql(store, "UPDATE requests SET department = :d WHERE id = :i", d=COMPOSED, i=twin.id)
    other = unicodedata.normalize("NFD", "küche")
    _sql(store, "UPDATE requests SET department = :d WHERE id = :i", d=other, i=lone.id)
    store.log_search(SearchEvent(query="drucker", answered=False, department="x"))
    _sql(store, "UPDATE search_events SET department = :d", d=DECOMPOSED)
    assert isinstance(store, SqlStore)
    store.add_user(User(username="berta", grants=[Grant(role=Role.AGENT, department="x")]))
    grants = [{"department": d, "role": "agent"} for d in (DECOMPOSED, COMPOSED)]
    _sql(store, "UPDATE users SET grants = :g", g=json.dumps(grants, ensure_ascii=False))
    for article_id in (f"{DECOMPOSED}/a.md", f"{DECOMPOSED}/b.md", f"{COMPOSED}/b.md"):
        SqlVersions(store.engine).add_version(
            ArticleVersion(
                article_id="x/a.md",
                number=1,
                text="t",
                author="a",
                action="create",
                status="published",
            )  # fmt: skip
        )
        _sql(store, "UPDATE article_versions SET article_id = :a WHERE article_id = 'x/a.md'",
             a=article_id)  # fmt: skip
    _as_before(store)

    with caplog.at_level(logging.WARNING):
        assert isinstance(store, SqlStore) and upgrade(store.engine) is True

    queue = store.list_requests(department=COMPOSED)
    assert sorted(r.id for r in queue) == sorted([old.id, twin.id])
    assert [r.id for r in store.list_requests(department="küche")] == [lone.id]
    berta = store.get_user("berta")
    assert berta is not None and berta.grants == [Grant(role=Role.AGENT, department=COMPOSED)]
    assert isinstance(store, SqlStore)
    with store.engine.connect() as conn:
        departments = conn.execute(text("SELECT department FROM search_events")).scalars()
        assert list(departments) == [COMPOSED]
        ids = conn.execute(text("SELECT article_id FROM article_versions")).scalars()
        assert sorted(ids) == sorted([f"{COMPOSED}/a.md", f"{DECOMPOSED}/b.md", f"{COMPOSED}/b.md"])
    warned = _migration_warnings(caplog)
    assert len(warned) == 3, warned
    assert any(m.startswith("requests.department: 1 row(s)") and "joined the 1" in m
               for m in warned)  # fmt: skip
    assert any(m.startswith("users: berta") for m in warned)
    assert any(m.startswith("article_versions:") and "b.md" in m for m in warned)


def test_a_store_without_decomposed_ids_is_left_as_it_was(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    made = store.create_request(Request(requester="emma", query="Printer", department="it"))
    _as_before(store)
    with caplog.at_level(logging.WARNING):
        assert isinstance(store, SqlStore) and upgrade(store.engine) is True
    assert store.get_request(made.id or 0).department == "it"
    assert _migration_warnings(caplog) == []


def _migration_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the migrations warned of, beside the notice that an upgrade runs
    (`kb.store.migrate`, tested in test_migration_notice.py)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and not r.getMessage().startswith("store: upgrading")
    ]
