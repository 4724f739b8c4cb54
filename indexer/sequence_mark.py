"""The highest snapshot sequence the cluster has seen, kept in the shared database.

A node with `secret_key` takes a snapshot from the store only when its signed
`sequence` is above the one it serves (`indexer.snapshot_order`). A node with
no snapshot yet (a new one, or one whose index folder was wiped) has nothing
of its own to compare with, so someone who can write the snapshot store could
replay an old signed snapshot to it. So every indexer and `kb restore` that
publishes, and every node that takes a snapshot, raises one row in the
store's database (`snapshot_sequence`: the sequence and the snapshot's name;
SQLite or PostgreSQL, as `database_url` says), and a node refuses a snapshot
numbered below it, naming both. Publishers number new snapshots above it, so
a deliberate `kb restore` (published again as the newest) is taken; with
nothing recorded yet (the first start of a cluster) a node takes what the
store names, as before.

The mark only ever rises, and backups leave it out (`schema.INDEX_TABLES`),
so a restore never lowers it. It guards against someone who can write the
snapshot store (the bucket, or the snapshot tables) but not this row: with
the `database` store on one database, someone who can write every table can
lower the mark as well. Only signed sequences count: without `secret_key`
there is no mark (`open_mark` gives None).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from indexer.manifest_signature import signing_key
from kb.errors import SnapshotStoreError
from kb.settings import Settings
from kb.store.schema import snapshot_sequence

logger = logging.getLogger(__name__)

_ROW = 1


@dataclass(frozen=True)
class Mark:
    """The highest sequence recorded, and the snapshot that carried it."""

    sequence: int
    name: str

    def __post_init__(self) -> None:
        if self.sequence <= 0:
            raise ValueError(f"a sequence mark must be above 0, not {self.sequence}")


class SequenceMark:
    """The `snapshot_sequence` row of one database (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.shown = engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, database_url: str) -> SequenceMark:
        """The mark of `database_url`, its tables brought to the code's head."""
        from kb.store.factory import build_engine
        from kb.store.migrate import upgrade

        engine, lock_sql = build_engine(database_url, pool_size=1, pool_overflow=1)
        try:
            upgrade(engine, lock_sql)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise SnapshotStoreError(
                f"could not open {engine.url.render_as_string()} to read the highest snapshot "
                f"sequence: {getattr(exc, 'orig', None) or exc}; check KB_DATABASE_URL"
            ) from exc
        return cls(engine)

    def _failed(self, what: str, exc: SQLAlchemyError) -> SnapshotStoreError:
        return SnapshotStoreError(
            f"{self.shown}: could not {what} the highest snapshot sequence: "
            f"{getattr(exc, 'orig', None) or exc}; check that the database is reachable"
        )

    def highest(self) -> Mark | None:
        """The mark, None while nothing was recorded."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(snapshot_sequence.c.sequence, snapshot_sequence.c.name).where(
                        snapshot_sequence.c.id == _ROW
                    )
                ).first()
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc
        if row is None or int(row[0]) <= 0:
            return None
        return Mark(int(row[0]), str(row[1]))

    def raise_to(self, sequence: int, name: str) -> None:
        """Record snapshot `name`'s `sequence` unless a higher one is recorded."""
        if sequence <= 0:
            return
        values = {"sequence": sequence, "name": name, "updated": datetime.now(UTC)}
        for _ in range(2):  # two first records at once: one inserts, the other updates
            try:
                with self.engine.begin() as conn:
                    moved = conn.execute(
                        update(snapshot_sequence)
                        .where(
                            snapshot_sequence.c.id == _ROW,
                            snapshot_sequence.c.sequence < sequence,
                        )
                        .values(**values)
                    )
                    if moved.rowcount:
                        return
                    exists = conn.execute(
                        select(snapshot_sequence.c.id).where(snapshot_sequence.c.id == _ROW)
                    ).first()
                    if exists is None:
                        conn.execute(insert(snapshot_sequence).values(id=_ROW, **values))
                    return
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                raise self._failed("record", exc) from exc

    def record(self, sequence: int, name: str) -> None:
        """`raise_to`, logging instead of raising when the database cannot be
        written: the snapshot is published or served all the same."""
        try:
            self.raise_to(sequence, name)
        except SnapshotStoreError as exc:
            logger.warning(
                "%s; a node without a snapshot cannot tell %s from an older one replayed",
                exc.message,
                name,
            )

    def close(self) -> None:
        self.engine.dispose()


def open_mark(settings: Settings) -> SequenceMark | None:
    """The cluster's mark when sequences are signed (a shared snapshot store
    and `secret_key`), else None."""
    if not signing_key(settings):
        return None
    return SequenceMark.open(settings.database_url)
