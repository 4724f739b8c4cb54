"""Opening, migrating, sharing and closing stores; the factory's URL handling."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import kb
from kb.errors import ConfigError, StoreError, StoreUnavailableError
from kb.events import SearchEvent
from kb.requests.records import Request
from kb.settings import Settings
from kb.store.factory import POOL_OVERFLOW, build_engine, create_store, store_from_settings
from kb.store.migrate import alembic_config, current_revisions, head_revisions, upgrade
from kb.store.protocols import Store
from kb.store.schema import metadata
from kb.store.sql import SqlStore

REPO_ROOT = Path(kb.__file__).resolve().parent.parent


def engine_of(store: Store) -> SqlStore:
    assert isinstance(store, SqlStore)
    return store


def test_store_satisfies_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)


def test_new_database_is_at_head_and_upgrading_again_does_nothing(store: Store) -> None:
    engine = engine_of(store).engine
    with engine.connect() as conn:
        assert current_revisions(conn) == head_revisions()
    assert upgrade(engine) is False


def test_a_database_from_a_newer_version_is_refused(store: Store, store_url: str) -> None:
    with engine_of(store).engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="9999"):
        create_store(store_url)


def test_migrations_match_the_schema_the_code_uses(store: Store) -> None:
    with engine_of(store).engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_reopening_keeps_data_and_migrates_nothing(store_url: str) -> None:
    first = create_store(store_url)
    search_id = first.log_search(SearchEvent(query="vpn", answered=True))
    first.close()
    for _ in range(2):
        again = create_store(store_url)
        assert [e.id for e in again.search_events()] == [search_id]
        again.close()


def test_processes_opening_a_new_database_at_once_migrate_it_once(store_url: str) -> None:
    script = (
        "import sys\n"
        "from kb.store.factory import create_store\n"
        "from kb.events import SearchEvent\n"
        "s = create_store(sys.argv[1])\n"
        "s.log_search(SearchEvent(query='from a process', answered=True))\n"
        "s.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, store_url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for proc in procs:
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in outcomes] == [0] * 4, outcomes
    store = create_store(store_url)
    assert len(store.search_events()) == 4
    store.close()


def test_concurrent_writes_from_threads_lose_nothing(store: Store) -> None:
    threads, each = 8, 25
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                store.log_search(SearchEvent(query=f"t{n} q{i}", answered=True))
                if i % 5 == 0:
                    store.create_request(Request(requester=f"u{n}", query="q", department="it"))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(store.search_events()) == threads * each
    assert len({e.id for e in store.search_events()}) == threads * each
    assert len(store.list_requests()) == threads * each // 5


def test_closed_store_refuses_work(store_url: str) -> None:
    store = create_store(store_url)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.search_events()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_uses_wal_busy_timeout_and_foreign_keys(store: Store, store_url: str) -> None:
    assert Path(store_url.removeprefix("sqlite:///")).exists()  # parent folder was created
    with engine_of(store).engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_in_memory_sqlite_works_for_quick_tests() -> None:
    store = create_store("sqlite://")
    store.log_search(SearchEvent(query="vpn", answered=True))
    assert len(store.search_events()) == 1
    store.close()


def test_postgres_urls_use_psycopg_3() -> None:
    for url in ("postgresql://kb:secret@db/kb", "postgres://kb:secret@db/kb"):
        engine, lock_sql = build_engine(url)
        assert engine.url.drivername == "postgresql+psycopg"
        assert lock_sql is not None and "pg_advisory_xact_lock" in lock_sql
        engine.dispose()


@pytest.mark.parametrize("url", ["mysql://kb@db/kb", "not a url", "postgresql+psycopg2://x@y/z"])
def test_unusable_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError, match="sqlite:///FILE"):
        create_store(url)


def test_unreachable_postgres_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="could not open the store"):
        create_store(f"postgresql://kb:secret@/kb?host={tmp_path}&connect_timeout=2")


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_connection_options_of_a_postgresql_url_are_kept(store_url: str) -> None:
    # A schema of its own (options=-csearch_path=spoc) is how a shared server is used.
    engine, _ = build_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA spoc"))
    engine.dispose()
    join = "&" if "?" in store_url else "?"
    store = create_store(f"{store_url}{join}options=-csearch_path%3Dspoc")
    with engine_of(store).engine.connect() as conn:
        assert conn.execute(text("SHOW search_path")).scalar() == "spoc"
        assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
        where = "SELECT table_schema FROM information_schema.tables WHERE table_name = 'requests'"
        assert conn.execute(text(where)).scalars().all() == ["spoc"]
    store.close()


def test_a_read_sees_one_snapshot_across_its_selects(store: Store) -> None:
    """Reads of several selects (the insights pages) must not mix two states: on
    PostgreSQL's default READ COMMITTED each select would see its own moment."""
    sql = engine_of(store)
    count = text("SELECT count(*) FROM requests")
    with sql._read("count requests twice") as conn:
        before = conn.execute(count).scalar()
        store.create_request(Request(requester="ann", query="VPN", department="it"))
        after = conn.execute(count).scalar()
    assert before == after == 0
    with sql._read("count requests again") as conn:
        assert conn.execute(count).scalar() == 1


def test_the_pool_holds_as_many_connections_as_the_setting_says(store_url: str) -> None:
    """kb serve may run 64 threads a worker: the pool is sized by database_pool_size
    (KB_DATABASE_POOL_SIZE), so that many callers each hold a connection at once."""
    settings = Settings.load(environ={"KB_DATABASE_URL": store_url, "KB_DATABASE_POOL_SIZE": "12"})
    store = store_from_settings(settings)
    try:
        engine = engine_of(store).engine
        assert engine.pool.size() == 12  # type: ignore[attr-defined]
        with ExitStack() as held:
            for _ in range(12 + POOL_OVERFLOW):
                held.enter_context(engine.connect())
            assert engine.pool.checkedout() == 12 + POOL_OVERFLOW  # type: ignore[attr-defined]
    finally:
        store.close()
    with pytest.raises(ConfigError, match="database_pool_size must be at most 64"):
        Settings.load(environ={"KB_DATABASE_POOL_SIZE": "65"})
    with pytest.raises(ConfigError, match="database_pool_size must be an integer of at least 1"):
        create_store(store_url, pool_size=0)


def test_the_pool_overflow_and_wait_follow_their_settings(store_url: str) -> None:
    """A database server with few connections to share: database_pool_overflow 0
    keeps each process at database_pool_size, and a caller beyond those hears
    "try again" after database_pool_timeout seconds, not after 30."""
    settings = Settings.load(
        environ={
            "KB_DATABASE_URL": store_url,
            "KB_DATABASE_POOL_SIZE": "1",
            "KB_DATABASE_POOL_OVERFLOW": "0",
            "KB_DATABASE_POOL_TIMEOUT": "1",
        }
    )
    store = store_from_settings(settings)
    try:
        engine = engine_of(store).engine
        with engine.connect():
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError, match="try again"):
                store.create_request(Request(requester="ann", query="VPN", department="it"))
            assert time.monotonic() - started < 20  # 1 s, not 30 (room for a loaded machine)
        store.create_request(Request(requester="ann", query="VPN", department="it"))
    finally:
        store.close()
    with pytest.raises(ConfigError, match="database_pool_overflow must be at least 0"):
        Settings.load(environ={"KB_DATABASE_POOL_OVERFLOW": "-1"})
    with pytest.raises(ConfigError, match="database_pool_timeout must be at most 600"):
        Settings.load(environ={"KB_DATABASE_POOL_TIMEOUT": "601"})
    with pytest.raises(ConfigError, match="database_pool_timeout must be a number of seconds"):
        create_store(store_url, pool_timeout=float("nan"))
    with pytest.raises(ConfigError, match="database_pool_overflow must be an integer"):
        create_store(store_url, pool_overflow=-1)


def test_a_store_from_before_wide_numbers_keeps_its_rows_and_takes_64_bits(
    store_url: str,
) -> None:
    """Migration 0017 widens PostgreSQL's 32-bit numbers in place (SQLite's
    were 64-bit already): what was stored stays, larger numbers fit after."""
    engine, lock_sql = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0016_signed_in_searches")
            conn.execute(
                text("INSERT INTO rate_limits (key, hits, window_end) VALUES ('old', 3, 1e12)")
            )
        assert upgrade(engine, lock_sql) is True
    finally:
        engine.dispose()
    store = create_store(store_url)
    try:
        assert store.hit_count("old")[0] == 3
        assert store.count_hit("old", 60, amount=2**40)[0] == 2**40 + 3
        with engine_of(store).engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        store.close()
