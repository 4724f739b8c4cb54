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

Both pool their connections: `pool_size` kept open (setting
`database_pool_size`), `pool_overflow` more while all are busy (setting
`database_pool_overflow`), and a caller waits up to `pool_timeout` seconds
beyond those (setting `database_pool_timeout`) before it hears "try again";
`store_from_settings` passes all three.

Both refuse text with a NUL character alike (PostgreSQL cannot store one), and
neither puts the values of a failed statement into its error or the log (they
hold password hashes and what people wrote).

The store itself (`SqlStore`) is the same for both.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from kb.errors import ConfigError, KbError, StoreError, ValidationError
from kb.sqlite_wal import enable_wal
from kb.store.migrate import upgrade
from kb.store.protocols import Store
from kb.store.sql import SqlStore
from kb.store.sql_base import BRIEF_WAIT_OPTION, READ_ONLY_OPTION, first_line, unavailable

if TYPE_CHECKING:
    from kb.store_settings import StoreSettings

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# The busy timeout of a write that must not hold a search up (`BRIEF_WAIT_OPTION`).
SQLITE_BRIEF_BUSY_MS = 200
DEFAULT_POOL_SIZE = 5
POOL_OVERFLOW = 10
POOL_TIMEOUT_S = 30.0
# Any fixed number works; it only has to be the same in every process.
MIGRATION_LOCK_KEY = zlib.crc32(b"spoc-kb store migrations")
_PG_DRIVER = "postgresql+psycopg"
_PG_SCHEMES = ("postgresql", "postgres", _PG_DRIVER)
_INSUFFICIENT_PRIVILEGE = "42501"
_SETTING = "setting database_url / KB_DATABASE_URL"
# What a running server answers when it turns this URL away for good: waiting
# will not help, the setting (or the server's accounts) must change. Servers
# that speak another language are read as "not available", the reason logged.
_REFUSALS = (
    "does not exist",  # database or role
    "password authentication failed",
    "no pg_hba.conf entry",
    "permission denied for database",
    "is not permitted to log in",
    "unable to open database file",  # SQLite: a folder, or no rights on the file
    "readonly database",
)


def store_from_settings(settings: StoreSettings) -> Store:
    """The store of the settings `database_url` and `database_pool_*`."""
    return create_store(
        settings.database_url,
        pool_size=settings.database_pool_size,
        pool_overflow=settings.database_pool_overflow,
        pool_timeout=settings.database_pool_timeout,
    )


def create_store(
    url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    pool_overflow: int = POOL_OVERFLOW,
    pool_timeout: float = POOL_TIMEOUT_S,
) -> Store:
    """Open the store at `url`, bringing its schema up to date first.

    Raises ConfigError for a URL it cannot use and StoreError when the
    database cannot be reached or migrated.
    """
    engine, lock_sql = build_engine(
        url, pool_size=pool_size, pool_overflow=pool_overflow, pool_timeout=pool_timeout
    )
    shown = engine.url.render_as_string(hide_password=True)
    try:
        applied = upgrade(engine, lock_sql)
    except KbError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        refused = _refused(exc, engine.url)
        if refused is not None:
            raise refused from exc
        # At start a wrong host or port looks the same as a server restarting:
        # name what to check when waiting does not cure it.
        hint = f" (if it persists: is the database server running where {_SETTING} says?)"
        down = unavailable(exc, f"open the store at {shown}", hint)
        if down is not None:
            raise down from exc
        raise StoreError(
            f"could not open the store at {shown}: {first_line(exc)}; "
            f"check {_SETTING} and that the database server is running"
        ) from exc
    if applied:
        logger.info("store: schema of %s is now up to date", shown)
    return SqlStore(engine)


def build_engine(
    url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    pool_overflow: int = POOL_OVERFLOW,
    pool_timeout: float = POOL_TIMEOUT_S,
) -> tuple[Engine, str | None]:
    """The engine for `url` and the SQL that serialises schema upgrades (if any)."""
    pool = _pool_options(pool_size, pool_overflow, pool_timeout)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        raise ConfigError(
            f"database URL {_masked(url)!r} is not a URL; use sqlite:///FILE or "
            f"postgresql://USER:PASS@HOST/DB ({_SETTING})"
        ) from None
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return _refusing_nul(_sqlite_engine(parsed, pool)), None
    if parsed.drivername in _PG_SCHEMES:
        lock_sql = f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
        return _refusing_nul(_postgres_engine(parsed, pool)), lock_sql
    raise ConfigError(
        f"unsupported database URL scheme {parsed.drivername!r}; use sqlite:///FILE or "
        f"postgresql://USER:PASS@HOST/DB ({_SETTING})"
    )


def _pool_options(size: int, overflow: int, timeout: float) -> dict[str, float]:
    """The pool's SQLAlchemy options; a `ConfigError` naming a value it cannot use."""
    for name, value, least in (("size", size, 1), ("overflow", overflow, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(
                f"database_pool_{name} must be an integer of at least {least}, got {value!r}"
            )
    number = not isinstance(timeout, bool) and isinstance(timeout, int | float)
    if not number or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(
            f"database_pool_timeout must be a number of seconds above 0, got {timeout!r}"
        )
    return {"pool_size": size, "max_overflow": overflow, "pool_timeout": float(timeout)}


def _sqlite_engine(url: URL, pool: dict[str, float]) -> Engine:
    memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = dict(pool)
    if memory:
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        assert url.database is not None
        folder = Path(url.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot make the folder {str(folder)!r} of the store's file: "
                f"{exc.strerror or exc}; name a file in a writable folder ({_SETTING})"
            ) from None
    engine = create_engine(url, hide_parameters=True, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" hook below emit BEGIN instead of the sqlite3 module.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            # busy_timeout first: switching to WAL may have to wait for another process.
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not memory:
                enable_wal(cursor, SQLITE_BUSY_TIMEOUT_MS / 1000)
                cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(READ_ONLY_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        # Set on each write: the pooled connection may last have served a brief one.
        brief = options.get(BRIEF_WAIT_OPTION, False)
        wait = (
            min(SQLITE_BRIEF_BUSY_MS, SQLITE_BUSY_TIMEOUT_MS) if brief else SQLITE_BUSY_TIMEOUT_MS
        )
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait}")
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: URL, pool: dict[str, float]) -> Engine:
    # Keep the URL's own server options (a schema: options=-csearch_path=spoc);
    # connect_args would replace them. The last -c timezone wins.
    options = url.query.get("options", "")
    options = " ".join([*(options if isinstance(options, tuple) else [options]), "-c timezone=UTC"])
    engine = create_engine(
        url.set(drivername=_PG_DRIVER),
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"options": options.strip()},
        **pool,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Under READ COMMITTED (the default) each select sees its own moment; a
        # read of several selects (an insights page) would mix two states.
        if conn.get_execution_options().get(READ_ONLY_OPTION, False):
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine


def _refusing_nul(engine: Engine) -> Engine:
    """`engine`, refusing text with a NUL character on every backend alike.

    PostgreSQL cannot store one (its driver refuses it, a 500 and a traceback);
    SQLite stored it, and a SQLite store holding one could not move to PostgreSQL.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _check(
        conn: Connection, cursor: Any, sql: str, params: Any, context: Any, many: bool
    ) -> None:
        for row in params if many else (params,):
            values = row.values() if isinstance(row, Mapping) else row or ()
            if any(isinstance(value, str) and "\x00" in value for value in values):
                raise ValidationError(
                    "a text holds a NUL character (\\u0000), which the database cannot "
                    "store; remove it and save again",
                    details={"reason": "nul"},
                    key="nul_text",
                )

    return engine


def _masked(url: str) -> str:
    """`url` with whatever may be a password (everything before the host) hidden."""
    scheme, sep, rest = url.rpartition("://")
    if "@" not in rest:
        return url
    return f"{scheme}{sep}***@{rest.rpartition('@')[2]}"


def _refused(exc: SQLAlchemyError, url: URL) -> ConfigError | None:
    """A `ConfigError` naming the setting when the server turned the URL away for
    good (no such database or user, a wrong password, no right to create the
    store's tables); None when it may simply be down."""
    reason = first_line(exc)
    shown = url.render_as_string(hide_password=True)
    if isinstance(exc, OperationalError) and any(r in reason for r in _REFUSALS):
        if url.get_backend_name() == "sqlite":
            return ConfigError(
                f"cannot open the store's file at {shown}: {reason}; name a file this user "
                f"may write, in a folder it may write ({_SETTING})"
            )
        said = reason.partition("FATAL:")[2].strip() or reason
        return ConfigError(
            f"the database server refused the store at {shown}: {said}; check the user, "
            f"password and database name ({_SETTING})"
        )
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
        return ConfigError(
            f"the database user {url.username or '(default)'} may not create the store's "
            f"tables at {shown}: {reason}; give it a database or schema of its own (GRANT "
            f"CREATE ON SCHEMA), or name a user that has one ({_SETTING})"
        )
    return None
