"""`create_store(url)`: the one place a database URL becomes a `Store`.

Everything that differs between SQLite and PostgreSQL is decided here, once:

* SQLite (`sqlite:///path/to/kb.db`): the parent folder is created; every
  connection gets WAL journaling (readers never block the writer),
  `busy_timeout` 5000 ms (writers queue instead of failing) and foreign keys.
  SQLAlchemy, not the sqlite3 module, emits BEGIN: write transactions start
  with BEGIN IMMEDIATE so two writers cannot both read and then fail to
  upgrade their lock; read-only ones use plain BEGIN. `sqlite://` (memory)
  gives one shared connection, for single-threaded tests only.
* PostgreSQL (`postgresql://user:pass@host/db`): the psycopg 3 driver, a
  pre-ping on checkout (survives server restarts), sessions in UTC (added to
  the URL's own `options`), and an advisory lock around schema upgrades.

The store itself (`SqlStore`) is the same for both.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from kb.errors import ConfigError, KbError, StoreError
from kb.store.migrate import upgrade
from kb.store.protocols import Store
from kb.store.sql import SqlStore
from kb.store.sql_base import READ_ONLY_OPTION, unavailable

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# Any fixed number works; it only has to be the same in every process.
MIGRATION_LOCK_KEY = zlib.crc32(b"spoc-kb store migrations")
_PG_DRIVER = "postgresql+psycopg"
_PG_SCHEMES = ("postgresql", "postgres", _PG_DRIVER)


def create_store(url: str) -> Store:
    """Open the store at `url`, bringing its schema up to date first.

    Raises ConfigError for a URL it cannot use and StoreError when the
    database cannot be reached or migrated.
    """
    engine, lock_sql = build_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        applied = upgrade(engine, lock_sql)
    except KbError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        down = unavailable(exc, f"open the store at {shown}")
        if down is not None:
            raise down from exc
        raise StoreError(
            f"could not open the store at {shown}: {getattr(exc, 'orig', None) or exc}; "
            "check KB_DATABASE_URL and that the database server is running"
        ) from exc
    if applied:
        logger.info("store: schema of %s is now up to date", shown)
    return SqlStore(engine)


def build_engine(url: str) -> tuple[Engine, str | None]:
    """The engine for `url` and the SQL that serialises schema upgrades (if any)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {url!r} is not a URL; use sqlite:///FILE or "
            "postgresql://USER:PASS@HOST/DB (setting database_url / KB_DATABASE_URL)"
        ) from exc
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return _sqlite_engine(parsed), None
    if parsed.drivername in _PG_SCHEMES:
        return _postgres_engine(parsed), f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
    raise ConfigError(
        f"unsupported database URL scheme {parsed.drivername!r}; use sqlite:///FILE or "
        "postgresql://USER:PASS@HOST/DB (setting database_url / KB_DATABASE_URL)"
    )


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = {}
    if memory:
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" hook below emit BEGIN instead of the sqlite3 module.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            # busy_timeout first: switching to WAL may have to wait for another process.
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: URL) -> Engine:
    # Keep the URL's own server options (a schema: options=-csearch_path=spoc);
    # connect_args would replace them. The last -c timezone wins.
    options = url.query.get("options", "")
    options = " ".join([*(options if isinstance(options, tuple) else [options]), "-c timezone=UTC"])
    engine = create_engine(
        url.set(drivername=_PG_DRIVER),
        pool_pre_ping=True,
        connect_args={"options": options.strip()},
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Under READ COMMITTED (the default) each select sees its own moment; a
        # read of several selects (an insights page) would mix two states.
        if conn.get_execution_options().get(READ_ONLY_OPTION, False):
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine
