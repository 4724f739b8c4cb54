"""`database`: snapshots in the PostgreSQL database of `database_url`.

Each file is stored once under its SHA-256 (`snapshot_files`), cut into parts
of `PART_BYTES` (`snapshot_parts`): bytea values travel whole, so parts bound
what one transfer holds in memory. A file and all its parts are written in one
transaction, so an upload killed halfway leaves nothing behind. Publishing
writes the manifest and moves the one-row pointer `snapshot_current` in one
transaction that also sends `NOTIFY kb_snapshots`; nodes LISTEN on that
channel and hear of a new snapshot within a second of its commit, and poll as
well in case a notification was missed (a listener reconnecting after the
database restarted). The tables come with the store's migrations (0002).

SQLite URLs work too (no notifications, polling only), which serves tests and a
single machine; several machines need PostgreSQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from indexer import snapshot
from kb.errors import SnapshotStoreError
from kb.store.schema import snapshot_current, snapshot_files, snapshot_parts, snapshots

logger = logging.getLogger(__name__)

PART_BYTES = 8 << 20
CHANNEL = "kb_snapshots"
_IN_BATCH = 500


def _now() -> datetime:
    return datetime.now(UTC)


def _published_order(row: Any) -> tuple[str, int]:
    """A snapshot row's place, oldest first: the second in its name, then when
    it was published (two within one second differ only by a random suffix)."""
    name, published = row
    when = published.replace(tzinfo=published.tzinfo or UTC)
    written = int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000
    return snapshot.published_order(str(name), written)


class PostgresListener:
    """A LISTEN connection of its own; reconnects after the server went away."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._conn: Any = None

    def wait(self, timeout: float) -> None:
        import psycopg

        started = time.monotonic()
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
                self._conn.execute(f"LISTEN {CHANNEL}")
            remaining = max(0.0, timeout - (time.monotonic() - started))
            for _ in self._conn.notifies(timeout=remaining, stop_after=1):
                pass
        except psycopg.Error as exc:
            logger.info("snapshot notifications unavailable (%s); polling", exc)
            self.close()
            time.sleep(max(0.0, timeout - (time.monotonic() - started)))

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._conn.close()
            self._conn = None


class DatabaseSnapshotStore:
    """Snapshots in the store's database (see the module docstring)."""

    replicated = True

    def __init__(
        self, engine: Engine, listener: PostgresListener | None = None, notify: bool = False
    ) -> None:
        self.engine = engine
        self.listener = listener
        self.notify = notify
        self.shown = engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _conn(self, what: str, write: bool = False) -> Iterator[Connection]:
        try:
            if write:
                with self.engine.begin() as conn:
                    yield conn
            else:
                with self.engine.connect() as conn:
                    yield conn
        except SQLAlchemyError as exc:
            raise SnapshotStoreError(
                f"snapshot store {self.shown}: could not {what}: "
                f"{getattr(exc, 'orig', None) or exc}; check that the database is reachable"
            ) from exc

    def current(self) -> str | None:
        with self._conn("read the current snapshot") as conn:
            row = conn.execute(
                select(snapshot_current.c.name).where(snapshot_current.c.id == 1)
            ).first()
        return None if row is None else str(row[0])

    def manifest_text(self, name: str) -> str | None:
        with self._conn(f"read the manifest of {name}") as conn:
            row = conn.execute(
                select(snapshots.c.manifest, snapshots.c.manifest_sha256).where(
                    snapshots.c.name == name
                )
            ).first()
        if row is None:
            return None
        manifest, digest = str(row[0]), str(row[1])
        if hashlib.sha256(manifest.encode("utf-8")).hexdigest() != digest:
            raise SnapshotStoreError(
                f"snapshot store {self.shown}: the manifest of {name} does not match its "
                "checksum; publish a new snapshot with `kb index --full`"
            )
        return manifest

    def missing(self, digests: Iterable[str]) -> set[str]:
        wanted = sorted(set(digests))
        found: set[str] = set()
        with self._conn("list stored files") as conn:
            for start in range(0, len(wanted), _IN_BATCH):
                batch = wanted[start : start + _IN_BATCH]
                rows = conn.execute(
                    select(snapshot_files.c.digest).where(snapshot_files.c.digest.in_(batch))
                )
                found.update(str(r[0]) for r in rows)
        return set(wanted) - found

    def upload(self, digest: str, path: Path) -> None:
        size = path.stat().st_size
        parts = max(1, -(-size // PART_BYTES))
        try:
            with self._conn(f"store {path.name}", write=True) as conn, path.open("rb") as fh:
                conn.execute(
                    insert(snapshot_files).values(
                        digest=digest, size=size, parts=parts, created=_now()
                    )
                )
                for part in range(parts):
                    conn.execute(
                        insert(snapshot_parts).values(
                            digest=digest, part=part, data=fh.read(PART_BYTES)
                        )
                    )
        except SnapshotStoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                return  # stored meanwhile by another upload of the same content
            raise

    def download(self, digest: str, target: Path) -> None:
        with self._conn(f"read file {digest[:12]}") as conn, target.open("wb") as out:
            row = conn.execute(
                select(snapshot_files.c.parts).where(snapshot_files.c.digest == digest)
            ).first()
            if row is None:
                raise SnapshotStoreError(
                    f"snapshot store {self.shown}: file {digest} is listed in a manifest but "
                    "not stored; publish again with `kb index`"
                )
            for part in range(int(row[0])):
                data = conn.execute(
                    select(snapshot_parts.c.data).where(
                        snapshot_parts.c.digest == digest, snapshot_parts.c.part == part
                    )
                ).scalar_one_or_none()
                if data is None:
                    raise SnapshotStoreError(
                        f"snapshot store {self.shown}: part {part} of file {digest} is missing"
                    )
                out.write(bytes(data))

    def publish(self, name: str, manifest_text: str) -> None:
        digest = hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()
        now = _now()
        with self._conn(f"publish {name}", write=True) as conn:
            exists = conn.execute(select(snapshots.c.name).where(snapshots.c.name == name)).first()
            if exists is None:
                conn.execute(
                    insert(snapshots).values(
                        name=name, manifest=manifest_text, manifest_sha256=digest, published=now
                    )
                )
            moved = conn.execute(
                update(snapshot_current)
                .where(snapshot_current.c.id == 1)
                .values(name=name, updated=now)
            )
            if moved.rowcount == 0:
                conn.execute(insert(snapshot_current).values(id=1, name=name, updated=now))
            if self.notify:
                conn.execute(
                    text("SELECT pg_notify(:channel, :name)"), {"channel": CHANNEL, "name": name}
                )

    def wait(self, timeout: float) -> None:
        if self.listener is None:
            time.sleep(timeout)
        else:
            self.listener.wait(timeout)

    def remove_unused(self, keep: int) -> int:
        import json

        with self._conn("remove old snapshots", write=True) as conn:
            current = conn.execute(
                select(snapshot_current.c.name).where(snapshot_current.c.id == 1)
            ).scalar_one_or_none()
            rows = conn.execute(select(snapshots.c.name, snapshots.c.published)).all()
            names = [str(name) for name, _ in sorted(rows, key=_published_order)]
            kept = set(names[-max(keep, 1) :]) | ({current} if current else set())
            stale = [n for n in names if n not in kept]
            if stale:
                conn.execute(delete(snapshots).where(snapshots.c.name.in_(stale)))
            needed: set[str] = set()
            for (manifest,) in conn.execute(
                select(snapshots.c.manifest).where(snapshots.c.name.in_(sorted(kept)))
            ):
                for info in (json.loads(manifest).get("files") or {}).values():
                    needed.add(str(info["sha256"]))
            stored = [str(r[0]) for r in conn.execute(select(snapshot_files.c.digest))]
            unused = [d for d in stored if d not in needed]
            for start in range(0, len(unused), _IN_BATCH):
                batch = unused[start : start + _IN_BATCH]
                conn.execute(delete(snapshot_parts).where(snapshot_parts.c.digest.in_(batch)))
                conn.execute(delete(snapshot_files).where(snapshot_files.c.digest.in_(batch)))
        return len(unused)

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        self.engine.dispose()
