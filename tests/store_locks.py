"""Holding a store's write lock from another connection, as another process's
long writer would (a rollup, a purge, a backup), for tests of what waits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """SQLite's one write lock, or on PostgreSQL a lock on the search table that
    keeps every insert into it waiting, until the block ends."""
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
        holder.execute("LOCK TABLE search_events IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            holder.rollback()
