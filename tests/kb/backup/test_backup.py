"""`kb backup` and `kb restore` round trips on SQLite and PostgreSQL.

A knowledge base with accounts, a request with its task and history, events,
a queued notification, an attached file, a rate-limit counter and the
insights rollups of a day, a content folder and a published snapshot is
backed up, restored into an empty database and empty folders, and compared
table by table and file by file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from indexer import snapshot
from kb.accounts.service import add_user
from kb.backup.archive import create_backup, restore_backup
from kb.backup.database import data_tables
from kb.errors import ConfigError, ConflictError, StoreError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent
from kb.insights.store import insights_store
from kb.notify.outbox import OutboxMessage
from kb.requests.records import Request, RequestTask
from kb.settings import Settings
from kb.store.factory import create_store
from tests.postgres import PostgresServer
from tests.snapshots import FIRST, make_snapshot
from tests.support import run_kb

T0 = datetime(2026, 3, 3, 9, 0, 0, 123456, tzinfo=UTC)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def new_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """A factory of URLs of fresh, empty databases of the backend under test."""
    made: list[str] = []
    count = [0]

    def make() -> str:
        count[0] += 1
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'db{count[0]}' / 'kb.db'}"
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name, url = server.create_database()
        made.append(name)
        return url

    yield make
    for name in made:
        request.getfixturevalue("postgres_server").drop_database(name)


def place(tmp_path: Path, name: str, url: str) -> Settings:
    root = tmp_path / name
    return Settings.load(
        {
            "database_url": url,
            "content_dir": str(root / "content"),
            "index_dir": str(root / "index"),
        },
        environ={},
    )


def fill(settings: Settings) -> None:
    store = create_store(settings.database_url)
    try:
        add_user(store, "emma", "employee", password="emma-secret-1")
        add_user(store, "ivan", "agent", "it")
        search_id = store.log_search(SearchEvent(query="vpn broken", answered=False, ts=T0))
        store.log_click(ClickEvent(search_id=search_id, article_id="it/vpn.md", rank=1, ts=T0))
        store.create_request(
            Request(
                requester="emma",
                query="VPN does not connect",
                department="it",
                created=T0,
                updated=T0,
                search_id=search_id,
            ),
            tasks=[RequestTask(department="it", title="Check VPN")],
            idempotency_key="emma:form-1",
        )
        store.enqueue(
            OutboxMessage(
                topic="request.created",
                target="email:it@example.org",
                payload={"id": 1},
                created=T0,
            )
        )
        feedback = "Schritt 3 fehlt – ß ✓"
        store.log_feedback(
            FeedbackEvent(article_id="it/vpn.md", helpful=False, comment=feedback, ts=T0)
        )
        blob = b"\x00\xffan attached file"
        store.put_blob(hashlib.sha256(blob).hexdigest(), blob)
        store.count_hit("LIMITER/search/10.0.0.1", 60.0, now=T0.timestamp())
        assert insights_store(store).refresh() == [T0.date()]  # rollups: rows keyed by day
    finally:
        store.close()
    content = settings.content_path
    (content / "it").mkdir(parents=True)
    (content / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nConnect with MFA.\n")
    (content / "_glossary.yml").write_text("groups:\n  - [PTO, vacation]\n")
    make_snapshot(settings.index_path, "20260303T090000-aaaa", FIRST)


def tables(url: str) -> dict[str, list[dict[str, object]]]:
    store = create_store(url)
    try:
        with store.engine.connect() as conn:  # type: ignore[attr-defined]
            return {
                t.name: [
                    dict(r)
                    for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()
                ]
                for t in data_tables()
            }
    finally:
        store.close()


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_round_trip_restores_every_row_file_and_the_snapshot(new_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = place(tmp_path, "source", new_url())
    fill(source)
    backup = tmp_path / "backup"
    made = create_backup(source, backup)
    assert made.rows["requests"] == 1 and made.content_files == 2 and made.snapshot_files == 3

    target = place(tmp_path, "target", new_url())
    restored = restore_backup(target, backup)
    assert restored.rows == made.rows
    assert tables(target.database_url) == tables(source.database_url)
    assert files(target.content_path) == files(source.content_path)
    assert snapshot.current_name(target.index_path) == "20260303T090000-aaaa"
    assert files(snapshot.current_path(target.index_path)) == files(
        snapshot.current_path(source.index_path)
    )
    # New rows continue after the restored ids (sequences were moved on).
    store = create_store(target.database_url)
    try:
        again = store.create_request(
            Request(requester="emma", query="printer", department="it", created=T0, updated=T0)
        )
        assert again.id == 2
    finally:
        store.close()


def test_restore_refuses_a_database_with_data_and_damaged_backups(new_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = place(tmp_path, "source", new_url())
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    with pytest.raises(ConflictError, match="already holds data.*--replace") as refused:
        restore_backup(source, backup)
    assert "enthält bereits Daten (in " in refused.value.message_in("de")
    assert "requests (1 row)," in str(refused.value) and "users (2 rows)" in str(refused.value)
    before = tables(source.database_url)
    assert restore_backup(source, backup, replace=True).rows["users"] == 2
    assert tables(source.database_url) == before

    damaged = tmp_path / "damaged"
    create_backup(source, damaged)
    data = bytearray((damaged / "content.tar.gz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / "content.tar.gz").write_bytes(bytes(data))
    target = place(tmp_path, "target", new_url())
    with pytest.raises(ConfigError, match="does not match the checksum"):
        restore_backup(target, damaged)
    assert not target.content_path.exists()  # nothing was touched
    with pytest.raises(ConfigError, match="not empty"):
        create_backup(source, damaged)


def test_two_restores_within_one_second_keep_both_content_folders(new_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = place(tmp_path, "source", new_url())
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    first = restore_backup(source, backup, replace=True)
    second = restore_backup(source, backup, replace=True)  # the same second, as a script would
    kept = sorted(source.content_path.parent.glob("content.before-restore-*"))
    assert len(kept) == 2, (first.notes, second.notes)
    assert all((k / "it").is_dir() for k in kept)


def test_a_replacing_restore_keeps_the_rows_it_deletes_in_a_backup(new_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = place(tmp_path, "source", new_url())
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    store = create_store(source.database_url)
    try:
        add_user(store, "zoe", "employee")  # recorded after the backup
    finally:
        store.close()
    before = tables(source.database_url)

    report = restore_backup(source, backup, replace=True)
    assert "zoe" not in {u["username"] for u in tables(source.database_url)["users"]}
    kept = [n for n in report.notes if "the rows the database held are kept in" in n]
    assert kept, report.notes
    aside = next(source.content_path.parent.glob("backup.before-restore-*"))
    assert f"kb restore --replace {aside}" in kept[0]

    restore_backup(source, aside, replace=True)
    assert tables(source.database_url) == before


def test_a_backup_is_readable_by_its_owner_alone_whatever_the_umask(tmp_path: Path) -> None:
    """A backup holds password hashes, every request with its internal notes and
    the attached files; under the common umask 022 its folder and files were
    readable by every account of the machine, as were those a replacing restore
    keeps beside the content folder."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'kb.db'}")
    fill(source)
    was = os.umask(0o022)
    try:
        create_backup(source, tmp_path / "backups" / "hourly")
        restore_backup(source, tmp_path / "backups" / "hourly", replace=True)
    finally:
        os.umask(was)
    aside = next(source.content_path.parent.glob("backup.before-restore-*"))
    for folder in (tmp_path / "backups" / "hourly", aside):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o755  # the operator's


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'kb.db'}")
    fill(source)
    create_backup(source, tmp_path / "backup", include_index=False)
    name, url = postgres_server.create_database()
    try:
        target = place(tmp_path, "target", url)
        report = restore_backup(target, tmp_path / "backup")
        assert tables(url) == tables(source.database_url)
        assert any("kb index --full" in note for note in report.notes)
        store = create_store(url)  # and the moved store goes on working
        try:
            later = T0 + timedelta(days=1)
            assert store.log_search(SearchEvent(query="vpn", answered=False, ts=later)) == 2
            assert insights_store(store).refresh() == [later.date()]
        finally:
            store.close()
    finally:
        postgres_server.drop_database(name)


def test_text_with_a_nul_character_stops_the_restore_and_changes_nothing(  # type: ignore[no-untyped-def]
    new_url, tmp_path: Path
) -> None:
    """An old SQLite store may hold a NUL character, which PostgreSQL cannot store
    and which no store writes any more: the restore names the table and how to
    clean it, and leaves the database and folders as they were."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'old.db'}")
    fill(source)
    with sqlite3.connect(tmp_path / "old.db") as old:  # as an older version wrote it
        old.execute("UPDATE feedback_events SET comment = 'a' || char(0) || 'b'")
    create_backup(source, tmp_path / "backup", include_index=False)
    target = place(tmp_path, "target", new_url())
    with pytest.raises(StoreError, match=r"table feedback_events holds text with a NUL.*replace"):
        restore_backup(target, tmp_path / "backup")
    assert not any(tables(target.database_url).values())
    assert not target.content_path.exists()


def test_a_backup_from_before_username_keys_restores_with_them(  # type: ignore[no-untyped-def]
    new_url, tmp_path: Path
) -> None:
    """Usernames are unique in any letter case by a key on each user row; a
    backup from before the key restores with it, so `Emma` is still refused."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'old.db'}")
    fill(source)
    with sqlite3.connect(tmp_path / "old.db") as old:  # as an older version wrote it
        old.execute("UPDATE users SET username_key = NULL")
    create_backup(source, tmp_path / "backup", include_index=False)
    target = place(tmp_path, "target", new_url())
    restore_backup(target, tmp_path / "backup")
    keys = {u["username"]: u["username_key"] for u in tables(target.database_url)["users"]}
    assert keys == {"emma": "emma", "ivan": "ivan"}
    store = create_store(target.database_url)
    try:
        with pytest.raises(ConflictError, match="'emma' already exists"):
            add_user(store, "Emma", "admin")
    finally:
        store.close()


def test_a_backup_from_before_folded_request_text_restores_it(  # type: ignore[no-untyped-def]
    new_url, tmp_path: Path
) -> None:
    """A queue's search reads each request's folded text; a backup from before
    it was stored restores with it, so the requests are still found."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'old.db'}")
    fill(source)
    with sqlite3.connect(tmp_path / "old.db") as old:  # as an older version wrote it
        old.execute("UPDATE requests SET search_text = ''")
    create_backup(source, tmp_path / "backup", include_index=False)
    target = place(tmp_path, "target", new_url())
    restore_backup(target, tmp_path / "backup")
    rows = tables(target.database_url)["requests"]
    assert rows and all(r["search_text"] for r in rows)
    store = create_store(target.database_url)
    try:
        (first, *_) = rows
        word = first["query"].split()[0]
        assert first["id"] in [r.id for r in store.search_requests([word.upper()], None)]
    finally:
        store.close()


def test_a_backup_from_before_files_were_folded_alike_restores_them(  # type: ignore[no-untyped-def]
    new_url, tmp_path: Path
) -> None:
    """A file an older version folded (umlauts only spelled out) is folded
    again on restore, so "uberweisung" finds "Überweisung" there too."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'old.db'}")
    fill(source)
    with sqlite3.connect(tmp_path / "old.db") as old:  # as an older version wrote it
        old.execute(
            "INSERT INTO request_attachments (request_id, name, kind, size, sha256, "
            "uploaded_by, created, visible_to_requester, text, text_problem, search_text) "
            "VALUES (1, 'scan.pdf', 'pdf', 1, ?, 'emma', ?, 1, 'Überweisung', '', "
            "'scan pdf ueberweisung')",
            ("0" * 64, T0.isoformat()),
        )
    create_backup(source, tmp_path / "backup", include_index=False)
    target = place(tmp_path, "target", new_url())
    restore_backup(target, tmp_path / "backup")
    store = create_store(target.database_url)
    try:
        assert [a.name for a in store.search_attachments(["uberweisung"], None)] == ["scan.pdf"]
    finally:
        store.close()


def test_the_commands(tmp_path: Path) -> None:
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'a.db'}")
    fill(source)
    env = {"KB_SETTINGS": "/dev/null"}
    args = [
        "--set",
        f"database_url={source.database_url}",
        "--set",
        f"content_dir={source.content_dir}",
        "--set",
        f"index_dir={source.index_dir}",
    ]
    done = run_kb(env, *args, "backup", str(tmp_path / "b"))
    assert done.exit_code == 0, done.output
    assert "backed up" in done.output and "2 content files" in done.output
    with gzip.open(tmp_path / "b" / "database.jsonl.gz", "rt") as dump:
        lines = dump.read().splitlines()
    assert any('"table": "requests"' in line for line in lines)
    done = run_kb(env, *args, "restore", str(tmp_path / "b"))
    assert done.exit_code != 0 and "--replace" in done.output
