"""`create_snapshot_store(settings)`: the one place the setting snapshot_store
becomes a `SnapshotStore` (see `indexer.snapshot_store.base`)."""

from __future__ import annotations

from indexer.snapshot_store.base import SnapshotStore
from kb.errors import ConfigError
from kb.settings import Settings

KINDS = ("files", "database", "s3")


def create_snapshot_store(settings: Settings) -> SnapshotStore:
    kind = settings.snapshot_store
    if kind == "files":
        from indexer.snapshot_store.files import FileSnapshotStore

        return FileSnapshotStore(settings.index_path)
    if kind == "database":
        return _database_store(settings.database_url)
    if kind == "s3":
        from indexer.snapshot_store.s3 import S3SnapshotStore

        return S3SnapshotStore.connect(
            settings.snapshot_s3_bucket,
            settings.snapshot_s3_prefix,
            settings.snapshot_s3_endpoint,
            settings.snapshot_s3_region,
            settings.snapshot_poll_seconds,
        )
    raise ConfigError(
        f"unknown snapshot_store {settings.snapshot_store!r}; use one of {', '.join(KINDS)} "
        "(setting snapshot_store / KB_SNAPSHOT_STORE)"
    )


def _database_store(database_url: str) -> SnapshotStore:
    from sqlalchemy.exc import SQLAlchemyError

    from indexer.snapshot_store.database import DatabaseSnapshotStore, PostgresListener
    from indexer.snapshot_store.lock import postgres_conninfo
    from kb.errors import StoreError
    from kb.store.factory import build_engine
    from kb.store.migrate import upgrade

    engine, lock_sql = build_engine(database_url)
    try:
        upgrade(engine, lock_sql)  # the snapshot tables come with the store's migrations
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"could not open the snapshot store in {engine.url.render_as_string()}: "
            f"{getattr(exc, 'orig', None) or exc}; check KB_DATABASE_URL"
        ) from exc
    conninfo = postgres_conninfo(database_url)
    listener = PostgresListener(conninfo) if conninfo else None
    return DatabaseSnapshotStore(engine, listener, notify=conninfo is not None)
