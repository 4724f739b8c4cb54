"""Who uses a PostgreSQL database: the `kb serve` nodes and index watchers of
every machine, so that `kb restore` sees them too.

The index folder's in-use lock (`indexer.index_users`) shows only the
processes of one machine. With several nodes on one PostgreSQL database, a
restore on one machine would replace the rows the others are writing
(requests, searches, votes) while they run. So, when the store is
PostgreSQL, each server and watcher also holds a shared session-level
advisory lock on a connection of its own for as long as it runs (`InCluster`),
named by its connection's `application_name` ("kb serve on host-b"), and
`kb restore` takes the lock exclusively without waiting (`sole_in_cluster`):
while any node holds it, the restore is refused, naming each node and the
address it connects from. PostgreSQL drops a session's locks when its
connection ends, so a node killed with SIGKILL never leaves one behind.

A node that cannot reach PostgreSQL when it starts still starts, with a
warning (serving matters more); a restore then does not see it. A node whose
connection to PostgreSQL drops later (a restart, a failover) is not seen
either until it starts again. Without PostgreSQL (SQLite: one machine) the
folder lock is the only one.
"""

from __future__ import annotations

import logging
import os
import socket
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from indexer.snapshot_store.lock import postgres_conninfo
from kb.errors import IndexLockedError, SnapshotStoreError

logger = logging.getLogger(__name__)

# Fits in 31 bits, so pg_locks shows it as objid with classid 0.
USERS_LOCK_KEY = zlib.crc32(b"spoc-kb nodes using the database") & 0x7FFFFFFF


def _connect(conninfo: str, name: str) -> Any:
    import psycopg

    # application_name is at most 63 bytes on the server.
    return psycopg.connect(conninfo, autocommit=True, application_name=name[:63])


class InCluster:
    """Held by a running server or watcher: a shared advisory lock on its own
    PostgreSQL connection (nothing without PostgreSQL)."""

    def __init__(self, database_url: str, role: str) -> None:
        self.conninfo = postgres_conninfo(database_url)
        self.name = f"{role} on {socket.gethostname()}"
        self._conn: Any = None
        self._pid = 0

    def __enter__(self) -> InCluster:
        if self.conninfo is None:
            return self
        import psycopg

        try:
            conn = _connect(self.conninfo, self.name)
            got = conn.execute("SELECT pg_try_advisory_lock_shared(%s)", [USERS_LOCK_KEY])
            if not got.fetchone()[0]:
                logger.warning("a kb restore is running on this database; waiting for it to end")
                conn.execute("SELECT pg_advisory_lock_shared(%s)", [USERS_LOCK_KEY])
        except psycopg.Error as exc:
            logger.warning(
                "could not tell PostgreSQL that %s uses the database (%s): a `kb restore` on "
                "another machine will not see it",
                self.name,
                exc,
            )
            return self
        self._conn, self._pid = conn, os.getpid()
        return self

    def __exit__(self, *exc: object) -> None:
        # A forked worker leaving the block must not end its parent's session.
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None


def users(conn: Any) -> list[str]:
    """Who holds the shared lock now: "kb serve on host-b (from 10.0.0.7)"."""
    rows = conn.execute(
        "SELECT a.application_name, coalesce(host(a.client_addr), 'a local socket')"
        " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = %s"
        " AND l.mode = 'ShareLock' ORDER BY 1, 2",
        [USERS_LOCK_KEY],
    ).fetchall()
    return [f"{name or 'a client'} (from {addr})" for name, addr in rows]


@contextmanager
def sole_in_cluster(database_url: str, override: str) -> Iterator[None]:
    """Hold the database alone (a restore), or raise `IndexLockedError` naming
    the nodes that use it and, in `override`, how to go ahead anyway."""
    conninfo = postgres_conninfo(database_url)
    if conninfo is None:
        yield
        return
    import psycopg

    try:
        conn = _connect(conninfo, f"kb restore on {socket.gethostname()}")
    except psycopg.Error as exc:
        raise SnapshotStoreError(
            f"could not reach PostgreSQL to check who uses it: {exc}; check KB_DATABASE_URL "
            "and that the server is running"
        ) from exc
    try:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", [USERS_LOCK_KEY]).fetchone()
        if not (got and got[0]):
            running = ", ".join(users(conn)) or "a `kb serve` or index watcher"
            raise IndexLockedError(
                f"{running} uses this database; a restore would replace the rows it is "
                "writing. Stop every node's `kb serve` and index watcher first (`systemctl "
                f"stop kb-serve kb-index` on each), restore, and start them again; or {override}"
            )
        yield
    finally:
        conn.close()
