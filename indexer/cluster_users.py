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
warning (serving matters more). Its connection may also drop later (a
restart of PostgreSQL, a failover, a backend ended by an administrator), and
its lock goes with it. So a watchdog thread checks the connection every
`cluster_check_seconds` (5 s), and when it is gone (or never came) connects again
and takes the lock again, waiting twice as long after each failure (up to
`cluster_max_backoff_seconds`, 60 s; both settings, `kb.store_settings`);
it logs when the lock is lost and when it is held again. Until then a restore
does not see the node: the window is the check interval plus the time
PostgreSQL takes to come back. A restore that began meanwhile holds the lock
alone; the node logs that and takes its lock once the restore ends. Without
PostgreSQL (SQLite: one machine) the folder lock is the only one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from indexer.snapshot_store.lock import postgres_conninfo
from kb.errors import IndexLockedError, SnapshotStoreError
from kb.settings import Settings
from kb.store_settings import CLUSTER_CHECK_SECONDS, CLUSTER_MAX_BACKOFF_SECONDS

logger = logging.getLogger(__name__)

# Fits in 31 bits, so pg_locks shows it as objid with classid 0.
USERS_LOCK_KEY = zlib.crc32(b"spoc-kb nodes using the database") & 0x7FFFFFFF


def _connect(conninfo: str, name: str) -> Any:
    import psycopg

    # application_name is at most 63 bytes on the server. The keepalives and
    # the TCP timeout end a connection to a server that went silent (a
    # failover, a cut network) within about half a minute, not hours, so that
    # the watchdog's check fails instead of hanging.
    return psycopg.connect(
        conninfo,
        autocommit=True,
        application_name=name[:63],
        connect_timeout=10,
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
        tcp_user_timeout=30_000,
    )


class InCluster:
    """Held by a running server or watcher: a shared advisory lock on its own
    PostgreSQL connection, kept by a watchdog thread (nothing without PostgreSQL)."""

    def __init__(
        self,
        database_url: str,
        role: str,
        check_seconds: float = CLUSTER_CHECK_SECONDS,
        max_backoff: float = CLUSTER_MAX_BACKOFF_SECONDS,
    ) -> None:
        if not 0 < check_seconds <= max_backoff:
            raise ValueError(
                f"the cluster lock's check interval ({check_seconds!r} s) must be above 0 and "
                f"at most its longest backoff ({max_backoff!r} s)"
            )
        self.conninfo = postgres_conninfo(database_url)
        self.name = f"{role} on {socket.gethostname()}"
        self.check_seconds = check_seconds
        self.max_backoff = max_backoff
        self._conn: Any = None
        self._pid = 0
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    @classmethod
    def of(cls, settings: Settings, role: str) -> InCluster:
        """The lock of a node with `settings` (its database and watchdog timing)."""
        return cls(
            settings.database_url,
            role,
            check_seconds=settings.cluster_check_seconds,
            max_backoff=settings.cluster_max_backoff_seconds,
        )

    def __enter__(self) -> InCluster:
        if self.conninfo is None:
            return self
        import psycopg

        self._pid = os.getpid()
        try:
            self._conn = self._take(wait=True)
        except psycopg.Error as exc:
            logger.warning(
                "could not tell PostgreSQL that %s uses the database (%s): a `kb restore` on "
                "another machine will not see it until PostgreSQL is reachable; trying again",
                self.name,
                exc,
            )
        self._stop.clear()
        self._watchdog = threading.Thread(target=self._watch, name="kb-cluster-lock", daemon=True)
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # A forked worker leaving the block must not end its parent's session.
        if self._pid != os.getpid():
            self._conn = None
            return
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join(15)  # at most one connection attempt in progress
            self._watchdog = None
        self._close()

    @property
    def holding(self) -> bool:
        """Whether the lock is held now, as far as this process knows."""
        return self._conn is not None

    def _take(self, wait: bool) -> Any:
        """A new connection holding the shared lock; with `wait`, waiting for a
        restore to end; without, None while one runs. Raises `psycopg.Error`."""
        conn = _connect(str(self.conninfo), self.name)
        try:
            got = conn.execute("SELECT pg_try_advisory_lock_shared(%s)", [USERS_LOCK_KEY])
            if got.fetchone()[0]:
                return conn
            if not wait:
                conn.close()
                return None
            logger.warning("a kb restore is running on this database; waiting for it to end")
            conn.execute("SELECT pg_advisory_lock_shared(%s)", [USERS_LOCK_KEY])
            return conn
        except BaseException:
            conn.close()
            raise

    def _alive(self) -> bool:
        import psycopg

        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
            return True
        except psycopg.Error as exc:
            logger.warning(
                "%s lost its PostgreSQL connection (%s), and with it the lock that shows "
                "`kb restore` this node uses the database; connecting again",
                self.name,
                exc,
            )
            self._close()
            return False

    def _retake(self) -> bool:
        """One attempt to connect and take the lock again; whether it is held."""
        import psycopg

        try:
            conn = self._take(wait=False)
        except psycopg.Error as exc:
            logger.info("%s: PostgreSQL not reachable yet (%s)", self.name, exc)
            return False
        if conn is None:
            logger.warning(
                "a kb restore is running on this database while %s serves (it began while "
                "the node's connection was down); the node takes its lock once it ends",
                self.name,
            )
            return False
        self._conn = conn
        logger.warning(
            "%s holds its PostgreSQL lock again: `kb restore` sees this node again", self.name
        )
        return True

    def _watch(self) -> None:
        """Check the connection every `check_seconds`; when it is gone, take the
        lock again, waiting twice as long after each failure."""
        wait = self.check_seconds
        while not self._stop.wait(wait):
            if self._alive() or self._retake():
                wait = self.check_seconds
            else:
                wait = min(wait * 2, self.max_backoff)

    def _close(self) -> None:
        import psycopg

        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:  # closing a connection that is already broken
                logger.debug("closing %s's broken connection failed", self.name)


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
            found = users(conn)
            running = ", ".join(found) or "a `kb serve` or index watcher"
            uses, it = ("use", "they are") if len(found) > 1 else ("uses", "it is")
            raise IndexLockedError(
                f"{running} {uses} this database; a restore would replace the rows {it} "
                "writing. Stop every node's `kb serve` and index watcher first (`systemctl "
                f"stop kb-serve kb-index` on each), restore, and start them again; or {override}",
                details={"running": found, "where": "database"},
            )
        yield
    finally:
        conn.close()
