"""Contract: a database written by an old version is upgraded release by release.

A fresh database runs every migration in one transaction on empty tables;
an installation upgraded over the months runs each one on its own, on the
rows the versions before it wrote. This walks that road once per backend:
rows written at the first revision, then every revision committed by itself,
then the store opened and read through its own records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, insert, inspect

from kb.accounts.records import Grant, Role, User
from kb.catalogue.triggers import fold
from kb.events import SearchEvent
from kb.requests.records import Request
from kb.store.factory import build_engine, create_store
from kb.store.migrate import alembic_config, current_revisions, head_revisions
from kb.store.schema import metadata
from kb.store.sql import SqlStore

T0 = datetime(2025, 11, 28, 9, 0, tzinfo=UTC)


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def _write_first_version_rows(engine: Engine) -> dict[str, int]:
    """What version 0001 stored: accounts (two differing only in letter case,
    created at the same moment), a request with a task and its history, a
    search with a click and a vote, a queued notification."""
    with engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)

        def add(name: str, **values: object) -> int:
            table: Table = tables.tables[name]
            result = conn.execute(insert(table).values(**values))
            key = result.inserted_primary_key
            return int(key[0]) if key and isinstance(key[0], int) else 0

        grants = json.dumps([{"role": "agent", "department": "it"}])
        for name in ("alice", "Alice", "bob"):
            add("users", username=name, display_name=name.title(), grants=grants, created=T0)
        search = add("search_events", ts=T0, query="VPN drops", query_norm="vpn drops",
                     lang="en", filters="{}", answered=False, confidence=0.2,
                     department="it", department_confidence=0.9, result_ids='["it/vpn"]',
                     latency_ms=12.5, user_id="u1", page=1)  # fmt: skip
        add("click_events", search_id=search, article_id="it/vpn", rank=1, user_id="u1", ts=T0)
        add("feedback_events", article_id="it/vpn", helpful=True, comment="ok",
            search_id=search, user_id="u1", ts=T0)  # fmt: skip
        request = add("requests", requester="bob", query="VPN drops", description="hourly",
                      department="it", assignee="alice", status="in_progress", priority="normal",
                      created=T0, updated=T0, linked_articles="[]", search_id=search,
                      suggestions_shown=True, went_on_anyway=False, idempotency_key="k-1",
                      version=2)  # fmt: skip
        add("request_tasks", request_id=request, task_no=1, department="it", title="Check",
            status="open", depends_on="[]", version=1)  # fmt: skip
        add("request_entries", request_id=request, ts=T0, actor="bob", kind="created",
            message="", data="{}", visible_to_requester=True)  # fmt: skip
        add("outbox", topic="request.created", target="email:bob@example.org",
            payload='{"id": 1}', attempts=0, created=T0, next_attempt_at=T0)  # fmt: skip
    return {"search": search, "request": request}


def test_each_release_upgrades_the_rows_of_the_ones_before(store_url: str) -> None:
    engine, _ = build_engine(store_url)
    try:
        revisions = _revisions()
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revisions[0])
        ids = _write_first_version_rows(engine)
        for revision in revisions[1:]:
            with engine.begin() as conn:
                command.upgrade(alembic_config(conn), revision)
                assert current_revisions(conn) == {revision}
    finally:
        engine.dispose()
    store = create_store(store_url)
    try:
        assert isinstance(store, SqlStore)
        with store.engine.connect() as conn:
            assert current_revisions(conn) == head_revisions()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        # the twin that sorts first by code point keeps the name's key on both
        assert [u.username for u in store.list_users()] == ["Alice", "alice", "bob"]
        found = store.find_user("ALICE")
        assert found is not None and found.username == "Alice"
        alice = store.get_user("alice")
        assert alice is not None and alice.has_role(Role.AGENT, "it")
        request = store.get_request(ids["request"])
        assert (request.requester, request.assignee, request.version) == ("bob", "alice", 2)
        assert [t.title for t in store.tasks(ids["request"])] == ["Check"]
        assert [e.kind for e in store.entries(ids["request"])] == ["created"]
        (search,) = store.search_events()
        assert (search.id, search.query, search.ts) == (ids["search"], "VPN drops", T0)
        assert [c.rank for c in store.click_events()] == [1]
        assert [f.helpful for f in store.feedback_events()] == [True]
        assert [m.topic for m in store.due_messages(T0)] == ["request.created"]
        # new rows continue after the old ones, and the old names stay taken
        again = store.create_request(Request(requester="bob", query="q", department="it"))
        assert again.id is not None and again.id > ids["request"]
        assert store.log_search(SearchEvent(query="x", answered=True)) > ids["search"]
        store.add_user(User(username="carol", created=T0))
    finally:
        store.close()


def test_the_grant_moves_from_before_0028_stay_moves(store_url: str) -> None:
    """0028 adds which change each grant-history row is: those written before
    were all moves (`kb requests move-department --move-grants`); going back
    drops the rows a move did not write, which the old table cannot tell apart."""
    from kb.accounts.grant_history import GrantChangeKind

    def write(conn: Connection, tables: MetaData) -> None:
        conn.execute(
            insert(tables.tables["grant_changes"]).values(
                username="ivan",
                role="agent",
                from_department="it",
                to_department="it2",
                actor="kb-cli",
                reason="Renamed.",
                ts=T0,
            )  # fmt: skip
        )

    _upgrade_over(store_url, "0027_snapshot_sequence", write)
    store = create_store(store_url)
    try:
        [moved] = store.grant_changes("ivan")
        assert (moved.kind, moved.label) == (GrantChangeKind.MOVED, "ivan agent:it → agent:it2")
        store.add_user(User(username="ivan", created=T0, grants=[Grant(role="analyst")]))
        assert [c.kind for c in store.grant_changes("ivan")][-1] is GrantChangeKind.GRANTED
    finally:
        store.close()
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0027_snapshot_sequence")
            rows = conn.exec_driver_sql("SELECT username, role FROM grant_changes").all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [("ivan", "agent")]


def test_the_watchers_from_before_0034_who_added_themselves_are_self_watchers(
    store_url: str,
) -> None:
    """ian watched the request himself, otto was added by its requester, ines
    watched herself and was then made a watcher by a merge of her duplicate."""
    made: list[int] = []

    def write(conn: Connection, tables: MetaData) -> None:
        entries = tables.tables["request_entries"]
        request = _old_request(conn, tables, watchers='["ian", "otto", "ines"]')
        made.append(request)
        for actor, kind, data in (
            ("ian", "watchers", {"added": "ian"}),
            ("emma", "watchers", {"added": "otto"}),
            ("ines", "watchers", {"added": "ines"}),
            ("ian", "merged", {"from": 7, "requester": "ines"}),
        ):
            values = {"actor": actor, "kind": kind, "data": json.dumps(data), "message": ""}
            conn.execute(
                insert(entries).values(
                    request_id=request, ts=T0, visible_to_requester=False, **values
                )
            )

    _upgrade_over(store_url, "0033_must_change_password", write)
    store = create_store(store_url)
    try:
        upgraded = store.get_request(made[0])
        assert (upgraded.watchers, upgraded.self_watchers) == (["ian", "otto", "ines"], ["ian"])
    finally:
        store.close()


def test_the_requests_from_before_0035_are_found_by_their_folded_words(store_url: str) -> None:
    """0035 folds the question and description of the requests already stored,
    so the queue's search finds them without case or accents; undoing it keeps
    their histories (no table is copied on SQLite)."""
    made: list[int] = []

    def write(conn: Connection, tables: MetaData) -> None:
        entries = tables.tables["request_entries"]
        for query, description in (("Neues BÜRO", "Café"), ("Printer", ""), ("", "")):
            request = _old_request(conn, tables, query=query, description=description)
            made.append(request)
            created = {"actor": "emma", "kind": "created", "data": "{}", "message": ""}
            conn.execute(
                insert(entries).values(
                    request_id=request, ts=T0, visible_to_requester=True, **created
                )
            )

    _upgrade_over(store_url, "0034_self_watchers", write)
    store = create_store(store_url)
    try:
        assert [r.id for r in store.search_requests(["buro", "cafe"], None)] == [made[0]]
        assert [r.id for r in store.search_requests(["buero"], None)] == [made[0]]
        assert [r.id for r in store.search_requests(["PRINTER"], None)] == [made[1]]
    finally:
        store.close()
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0034_self_watchers")
            kept = conn.exec_driver_sql("SELECT count(*) FROM request_entries").scalar()
            columns = {c["name"] for c in inspect(conn).get_columns("requests")}
    finally:
        engine.dispose()
    assert kept == 3 and "search_text" not in columns


def test_the_files_from_before_0036_are_found_however_an_umlaut_is_typed(
    store_url: str,
) -> None:
    """0036 folds the files already stored again, as the requests' words are:
    "uberweisung" finds "Überweisung" too; a downgrade folds them the old way."""
    made: list[int] = []

    def write(conn: Connection, tables: MetaData) -> None:
        request = _old_request(conn, tables)
        for name, text in (("scan.pdf", "Überweisung März"), ("Café.txt", "tray 2")):
            old = fold(f"{name} {text}")  # as versions before 0036 folded them
            file = {"name": name, "text": text, "search_text": old, "kind": "txt", "size": 1}
            inserted = conn.execute(
                insert(tables.tables["request_attachments"]).values(
                    request_id=request, sha256="0" * 64, uploaded_by="emma", created=T0,
                    visible_to_requester=True, text_problem="", **file,
                )
            )  # fmt: skip
            made.append(int(inserted.inserted_primary_key[0]))

    _upgrade_over(store_url, "0035_request_search_text", write)
    store = create_store(store_url)
    try:
        assert [a.id for a in store.search_attachments(["uberweisung", "marz"], None)] == made[:1]
        assert [a.id for a in store.search_attachments(["ueberweisung"], None)] == made[:1]
        assert [a.id for a in store.search_attachments(["cafe"], None)] == made[1:]
    finally:
        store.close()
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0035_request_search_text")
            texts = conn.exec_driver_sql(
                "SELECT search_text FROM request_attachments ORDER BY id"
            ).scalars()
            assert list(texts) == ["scan pdf ueberweisung maerz", "café txt tray 2"]
    finally:
        engine.dispose()


def test_the_internal_files_from_before_0038_are_found_where_their_notes_are_shared(
    store_url: str,
) -> None:
    """0038 gives each internal file stored before the departments its note was
    shared with: IT finds IT's file on HR's request, not HR's own."""
    made: list[int] = []

    def write(conn: Connection, tables: MetaData) -> None:
        t = tables.tables
        request = _old_request(conn, tables, department="hr")
        conn.execute(
            insert(t["request_tasks"]).values(
                request_id=request, task_no=1, department="it", title="Laptop", status="open",
                depends_on="[]", version=1,
            )
        )  # fmt: skip
        for data, name in (({"shared_with": ["it"]}, "laptop quote.txt"), ({}, "laptop pay.txt")):
            entry = conn.execute(
                insert(t["request_entries"]).values(
                    request_id=request, ts=T0, actor="ian", kind="comment", message="",
                    data=json.dumps(data), visible_to_requester=False,
                )
            ).inserted_primary_key[0]  # fmt: skip
            inserted = conn.execute(
                insert(t["request_attachments"]).values(
                    request_id=request, entry_id=entry, name=name, kind="txt", size=1,
                    sha256="0" * 64, uploaded_by="ian", created=T0, visible_to_requester=False,
                    text="", text_problem="", search_text=f"{name}\n",
                )
            )  # fmt: skip
            made.append(int(inserted.inserted_primary_key[0]))

    _upgrade_over(store_url, "0037_idempotent_answers", write)
    store = create_store(store_url)
    try:
        assert [a.id for a in store.search_attachments(["laptop"], ["it"])] == made[:1]
        assert len(store.search_attachments(["laptop"], ["hr"])) == 2
    finally:
        store.close()


def _old_request(conn: Connection, tables: MetaData, **values: object) -> int:
    """A request as versions before 0035 wrote it, with `values` in place of
    the defaults; its id."""
    defaults = {
        "requester": "emma", "query": "VPN drops", "description": "", "department": "it",
        "status": "new", "priority": "normal", "created": T0, "updated": T0,
        "linked_articles": "[]", "suggestions_shown": False, "went_on_anyway": False,
        "fields": "{}", "rating_comment": "", "watchers": "[]", "version": 1,
    }  # fmt: skip
    inserted = conn.execute(insert(tables.tables["requests"]).values({**defaults, **values}))
    return int(inserted.inserted_primary_key[0])


def _upgrade_over(
    store_url: str, revision: str, write: Callable[[Connection, MetaData], None]
) -> None:
    """Migrate a new database to `revision`, `write` rows as that version would,
    then upgrade it to the newest, in one transaction."""
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
            tables = MetaData()
            tables.reflect(conn)
            write(conn, tables)
            command.upgrade(alembic_config(conn), "head")
    finally:
        engine.dispose()
