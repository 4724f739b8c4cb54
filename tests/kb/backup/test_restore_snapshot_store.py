"""`kb restore` with a shared snapshot store: the push is part of the restore.

A restore that fails after the store took the restored snapshot gives the
store the snapshot it had again, numbered above the restored one, so that a
node that took the restored snapshot meanwhile, and a node started afresh,
serve the one that matches the database again. A push that fails rolls the
restore back: the store never names a snapshot the database does not match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import snapshot, snapshot_order
from indexer.snapshot_store import create_snapshot_store, sync
from kb.backup import snapshot_part
from kb.backup.archive import restore_backup
from kb.backup.restoring import RestoreFailed
from kb.errors import SnapshotStoreError
from kb.settings import Settings
from tests.indexer.test_snapshot_order import SECRET, _backed_up
from tests.kb.backup.test_backup import files, tables
from tests.snapshots import SECOND
from webapp.server import pull_current


def _sequence(settings: Settings, name: str) -> int:
    folder = snapshot.snapshots_dir(settings.index_path) / name
    return snapshot_order.sequence_of(snapshot.read_manifest(folder))


def test_a_restore_interrupted_after_its_push_gives_the_store_its_snapshot_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, backup, _old = _backed_up(tmp_path, SECRET)
    served = snapshot.current_name(source.index_path)
    rows, content = tables(source.database_url), files(source.content_path)
    node = tmp_path / "node"
    store = create_snapshot_store(source)
    push = snapshot_part.push
    pushed: list[str] = []

    def pushed_then_interrupted(settings: Settings, target: Path, progress: object = None) -> bool:
        done = push(settings, target)
        if not pushed:  # the restore's push: a node takes it, then Ctrl-C
            pushed.append(target.name)
            assert sync.pull(store, node, SECRET).snapshot == target.name
            raise KeyboardInterrupt
        return done

    monkeypatch.setattr(snapshot_part, "push", pushed_then_interrupted)
    try:
        assert sync.pull(store, node, SECRET).snapshot == served
        with pytest.raises(RestoreFailed, match="rolled back") as failed:
            restore_backup(source, backup, replace=True)
        assert failed.value.details["rolled_back"] is True
        back = store.current()
        assert back not in (None, served, *pushed)
        assert snapshot.current_name(source.index_path) == back
        manifest = snapshot.read_manifest(snapshot.snapshots_dir(source.index_path) / back)
        assert manifest["restored_from"] == served
        assert manifest["sequence"] > snapshot_order.sequence_of(
            snapshot.read_manifest(snapshot.snapshots_dir(node) / pushed[0])
        )
        # The node that took the restored snapshot takes the one before again,
        # and so does a node started afresh: numbered above the cluster's mark.
        assert sync.pull(store, node, SECRET).snapshot == back
        assert (snapshot.snapshots_dir(node) / back / "meta.db").read_bytes() == SECOND["meta.db"]
        fresh = source.replace(index_dir=str(tmp_path / "fresh-node"))
        pull_current(fresh)
        assert snapshot.current_name(fresh.index_path) == back
        assert tables(source.database_url) == rows
        assert files(source.content_path) == content
    finally:
        store.close()
    assert _sequence(source, back) > _sequence(source, str(served))


def test_a_push_that_fails_rolls_the_restore_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, backup, _old = _backed_up(tmp_path, SECRET)
    served = snapshot.current_name(source.index_path)
    rows, content = tables(source.database_url), files(source.content_path)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise SnapshotStoreError("the snapshot store is unreachable")

    monkeypatch.setattr(sync, "push", unreachable)
    with pytest.raises(RestoreFailed) as failed:
        restore_backup(source, backup, replace=True)
    said = failed.value.message
    assert "the snapshot store is unreachable" in said and "rolled back" in said
    assert tables(source.database_url) == rows
    assert files(source.content_path) == content
    assert snapshot.current_name(source.index_path) == served
    store = create_snapshot_store(source)
    try:
        assert store.current() == served
    finally:
        store.close()
