"""One publisher at a time: a PostgreSQL advisory lock held for a whole run.

Two indexers publishing into one snapshot store would move `CURRENT` back and
forth and remove each other's files. When the store's database is PostgreSQL,
`kb index` therefore holds a session-level advisory lock on its own connection
from before it reads the current snapshot until it has published: a second
indexer, on any machine, is told who holds it and exits (`IndexLockedError`),
or with `wait` blocks until the first is done. The server releases the lock
when the holder's connection ends, so an indexer killed with SIGKILL never
leaves it behind. Without PostgreSQL (a single machine) the index folder's own
lock (`indexer.snapshot.IndexLock`) is the only one needed.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from kb.errors import IndexLockedError, SnapshotStoreError

logger = logging.getLogger(__name__)

# Fits in 31 bits, so pg_locks shows it as objid with classid 0.
PUBLISH_LOCK_KEY = zlib.crc32(b"spoc-kb snapshot publisher") & 0x7FFFFFFF


def postgres_conninfo(database_url: str) -> str | None:
    """A libpq connection string for a PostgreSQL store URL, None for other
    databases (and for no URL at all)."""
    if not database_url:
        return None
    url = make_url(database_url)
    if not url.drivername.startswith("postgres"):
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _holder(conn: object) -> str:
    row = conn.execute(  # type: ignore[attr-defined]
        "SELECT a.pid, coalesce(host(a.client_addr), 'local socket'), a.application_name,"
        " a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = %s",
        [PUBLISH_LOCK_KEY],
    ).fetchone()
    if row is None:
        return "another indexer"
    return f"{row[2] or 'a client'} (server pid {row[0]}, from {row[1]}, since {row[3]:%H:%M:%S})"


@contextmanager
def publisher_lock(database_url: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the cluster-wide publisher lock (a no-op unless the store is PostgreSQL)."""
    conninfo = postgres_conninfo(database_url)
    if conninfo is None:
        yield
        return
    import psycopg

    try:
        conn = psycopg.connect(conninfo, autocommit=True, application_name="kb index")
    except psycopg.Error as exc:
        raise SnapshotStoreError(
            f"could not reach PostgreSQL to take the publisher lock: {exc}; "
            "check KB_DATABASE_URL and that the server is running"
        ) from exc
    try:
        if wait:
            logger.info("waiting for the snapshot publisher lock")
            conn.execute("SELECT pg_advisory_lock(%s)", [PUBLISH_LOCK_KEY])
        else:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", [PUBLISH_LOCK_KEY]).fetchone()
            if not (got and got[0]):
                raise IndexLockedError(
                    f"{_holder(conn)} is publishing snapshots to this database; only one "
                    "indexer may publish at a time. Wait for it to finish and run again "
                    "(or use `kb index --wait-lock` to wait)"
                )
        yield
    finally:
        conn.close()
