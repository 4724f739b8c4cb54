"""Holding a store's write lock from another connection, as another process's
long writer would (a rollup, a purge, a backup), for tests of what waits, and
counting the store's transactions that wait for it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def write_lock_held(url: str, table: str = "search_events") -> Iterator[None]:
    """SQLite's one write lock, or on PostgreSQL a lock on `table` that keeps
    every write of it (and every SELECT … FOR UPDATE) waiting, until the block
    ends; plain reads go on."""
    if url.startswith("sqlite:///"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"))
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import psycopg

    with psycopg.connect(url) as holder:
        holder.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            holder.rollback()


class LockWaiters:
    """How many of the store's transactions wait for what `write_lock_held`
    holds: on SQLite, the writes that asked for the write lock (BEGIN
    IMMEDIATE) since this began counting; on PostgreSQL, the requests for a
    lock on `table` not granted."""

    def __init__(self, url: str, engine: Engine, table: str) -> None:
        self.url, self.engine, self.table = url, engine, table
        self.begun = 0

    def count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            self.begun += 1

    def waiting(self) -> int:
        if self.url.startswith("sqlite:///"):
            return self.begun
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass"
            row = conn.execute(query, (self.table,)).fetchone()
        return int(row[0]) if row else 0

    def until(self, count: int, timeout: float = 60.0) -> None:
        """Return once `count` transactions wait; fail the test after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.waiting() < count:
            assert time.monotonic() < deadline, f"{count} waiting not seen in {timeout} s"
            time.sleep(0.02)


@contextmanager
def lock_waiters(url: str, engine: Engine, table: str) -> Iterator[LockWaiters]:
    """A `LockWaiters` for the store on `engine` at `url`, counting while the
    block runs."""
    waiters = LockWaiters(url, engine, table)
    event.listen(engine, "before_cursor_execute", waiters.count)
    try:
        yield waiters
    finally:
        event.remove(engine, "before_cursor_execute", waiters.count)
