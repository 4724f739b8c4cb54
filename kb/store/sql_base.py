"""Transactions and error translation shared by the SQL store's parts.

Why one SQLAlchemy Core implementation for both SQLite and PostgreSQL: the
queries the app needs are plain inserts, updates and indexed selects, which
Core renders correctly for either dialect. Keeping a single implementation
means one set of queries to review and one contract test suite that proves
both databases behave the same. What does differ (connection setup, SQLite's
locking, PostgreSQL's driver and migration lock) is decided once, in
`kb.store.factory`, and never tested for here.

Parts of the store (events, users, requests, outbox) are mixins over
`SqlBase`, which gives them `_write` (one transaction, committed or rolled
back as a whole) and `_read`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine
from sqlalchemy.exc import (
    DisconnectionError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from kb.errors import ConflictError, KbError, StoreError, StoreUnavailableError

logger = logging.getLogger(__name__)

# Execution option set on read-only connections. The SQLite engine's "begin"
# hook reads it: writers take the write lock up front (BEGIN IMMEDIATE), readers
# do not (plain BEGIN), so reads never wait for writes under WAL.
READ_ONLY_OPTION = "kb_store_read_only"
# Execution option of a write that would rather fail than wait long for the
# lock (`_write(brief=True)`): SQLite's "begin" hook gives it a short busy
# timeout. A search's rate-limit count is one: an answer must not wait seconds
# while another writer holds the lock, and a count that fails lets the call through.
BRIEF_WAIT_OPTION = "kb_store_brief_wait"


class SqlBase:
    """An engine plus the transaction helpers every part of the store uses."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._closed = False

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance scripts only)."""
        return self._engine

    def close(self) -> None:
        self._closed = True
        self._engine.dispose()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store has been closed; open a new one with create_store()")

    @contextmanager
    def _write(self, what: str, *, brief: bool = False) -> Iterator[Connection]:
        """One transaction for a write; any error rolls all of it back.

        A constraint violation becomes ConflictError (callers turn it into a
        more precise error where they expect one); any other database failure
        becomes StoreError naming `what` was being done. With `brief`, the
        write waits for another writer's lock only briefly (`BRIEF_WAIT_OPTION`)
        before it is a `StoreUnavailableError`.
        """
        self._check_open()
        try:
            with self._engine.connect() as conn:
                if brief:
                    conn.execution_options(**{BRIEF_WAIT_OPTION: True})
                with conn.begin():
                    yield conn
        except KbError:
            raise
        except IntegrityError as exc:
            # The first line only: PostgreSQL's next ones quote the row's values.
            raise ConflictError(
                f"could not {what}: it conflicts with what is stored ({first_line(exc)})",
                key="store_conflict",
            ) from exc
        except SQLAlchemyError as exc:
            down = unavailable(exc, what)
            if down is not None:
                raise down from exc
            logger.exception("store: could not %s", what)
            raise StoreError(
                f"could not {what}: {first_line(exc)}; check that the "
                "database named by KB_DATABASE_URL is reachable and writable"
            ) from exc

    @contextmanager
    def _read(self, what: str) -> Iterator[Connection]:
        """A read-only transaction: one consistent snapshot for several selects
        (REPEATABLE READ, READ ONLY on PostgreSQL; under WAL, SQLite's plain BEGIN
        fixes the snapshot at the first select)."""
        self._check_open()
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{READ_ONLY_OPTION: True})
                yield conn
        except KbError:
            raise
        except SQLAlchemyError as exc:
            down = unavailable(exc, what)
            if down is not None:
                raise down from exc
            logger.exception("store: could not %s", what)
            raise StoreError(
                f"could not {what}: {first_line(exc)}; check that the "
                "database named by KB_DATABASE_URL is reachable"
            ) from exc


def first_line(exc: SQLAlchemyError) -> str:
    """The driver's message, without the SQL, detail and position lines after it."""
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


def unavailable(exc: SQLAlchemyError, what: str, hint: str = "") -> StoreUnavailableError | None:
    """A `StoreUnavailableError` when `exc` means the database cannot be reached
    or is busy (connection refused or cut, server restarting, lock timeout,
    every pooled connection in use): nothing was written and the caller may
    try again shortly; `hint` is added to the message. None otherwise, also for the "operational" errors that
    trying again cannot cure (a key too long for its index, a missing table).
    The driver's own text (socket paths, host names) goes to the log only."""
    if not isinstance(exc, OperationalError | DisconnectionError | PoolTimeoutError):
        return None
    if not _passes(getattr(exc, "orig", None)):
        return None
    reason = first_line(exc)
    logger.warning("store: could not %s: %s", what, reason)
    return StoreUnavailableError(
        f"could not {what}: the database is not available right now; nothing was saved, "
        f"try again in a few seconds{hint}"
    )


# PostgreSQL's error classes that pass: connection exception, transaction
# rollback (serialization failure, deadlock), insufficient resources (too many
# connections), lock not available, query cancelled, server shutting down or
# starting up. Others of its OperationalError (program limit exceeded) do not.
_PASSING_STATES = ("08", "40", "53", "55P03", "57014", "57P")
# SQLite's: another connection holds the lock past busy_timeout.
_PASSING_SQLITE = ("SQLITE_BUSY", "SQLITE_LOCKED")


def _passes(orig: BaseException | None) -> bool:
    """Whether the driver's error `orig` is one that waiting may cure."""
    state = getattr(orig, "sqlstate", None)
    if state:
        return str(state).startswith(_PASSING_STATES)
    name = getattr(orig, "sqlite_errorname", None)
    if name:
        return str(name).startswith(_PASSING_SQLITE)
    return True  # no code: the connection itself failed (refused, cut, timed out)


def check_limit(limit: int | None, offset: int = 0) -> None:
    """Refuse negative or non-integer limits and offsets."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be an integer >= 0 or None, got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be an integer >= 0, got {offset!r}")


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key the database gave the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise StoreError("the database did not report the id of the new row")
    return int(key[0])
