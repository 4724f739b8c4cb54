"""A `kb restore --while-running` killed half-way under a running node: the
node's snapshot follower finishes or undoes it before it copies a snapshot.

The follower is the one `kb serve` starts (`webapp.server.start_follower`),
its thread kept from starting so that the test runs its rounds itself. The
restore runs in a second process and is killed with SIGKILL after it loaded
the database and switched the content folder, before it published the
backup's snapshot; meanwhile an indexer elsewhere pushed a newer snapshot to
the shared store. Pulling that one first would serve it over the backup's
rows and content folder (and tidy away the backup's unpublished snapshot).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import snapshot, snapshot_order
from indexer.snapshot_store import create_snapshot_store, sync
from kb.backup import journal, snapshot_part
from kb.backup.archive import create_backup
from kb.settings import Settings
from tests.kb.backup.test_backup import fill, place, tables
from tests.kb.backup.test_restore_killed import BACKUP_SNAPSHOT, _killed_at
from tests.postgres import BACKENDS, fresh_database_url
from tests.snapshots import FIRST, SECOND, make_snapshot

SECRET = "a long random value every node shares"
NEWER = {**SECOND, "meta.db": b"meta three" * 1000}


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url(request.param, request, tmp_path)


def _node(tmp_path: Path, url: str) -> tuple[Settings, Path]:
    """A node serving a signed snapshot its store holds, and a backup taken
    while it served an older one (the backup's)."""
    node = place(tmp_path, "node", url).replace(
        snapshot_store="database", secret_key=SECRET, keep_snapshots=1
    )
    fill(node)
    make_snapshot(node.index_path, BACKUP_SNAPSHOT, FIRST, SECRET, sequence=10)
    backup = tmp_path / "backup"
    create_backup(node, backup)
    shutil.rmtree(snapshot.snapshots_dir(node.index_path) / BACKUP_SNAPSHOT)
    served = snapshot_order.next_sequence()
    snapshot_part.push(
        node, make_snapshot(node.index_path, "20260304T090000-bbbb", SECOND, SECRET, served)
    )
    (node.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    return node, backup


def _follower(node: Settings, monkeypatch: pytest.MonkeyPatch) -> sync.SnapshotFollower:
    """The follower `kb serve` starts, without its thread."""
    from webapp.server import start_follower

    monkeypatch.setattr(sync.SnapshotFollower, "start", lambda self: None)
    follower = start_follower(node)
    assert isinstance(follower, sync.SnapshotFollower)
    return follower


def test_the_follower_finishes_a_killed_restore_before_it_pulls(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    node, backup = _node(tmp_path, database_url)
    _killed_at(node, backup, "publish")
    restored_rows = tables(node.database_url)
    assert "Connect with MFA" in (node.content_path / "it" / "vpn.md").read_text()
    assert (snapshot.snapshots_dir(node.index_path) / BACKUP_SNAPSHOT).is_dir()
    # An indexer elsewhere publishes a newer snapshot while the journal is there.
    elsewhere = tmp_path / "indexer"
    newer = snapshot_order.next_sequence(snapshot_order.current_sequence(node.index_path))
    snapshot_part.push(node, make_snapshot(elsewhere, "20260305T090000-cccc", NEWER, SECRET, newer))

    follower = _follower(node, monkeypatch)
    try:
        with caplog.at_level(logging.WARNING, logger="indexer.snapshot_store.sync"):
            follower.round()
    finally:
        follower.stop()

    told = [r.getMessage() for r in caplog.records if "interrupted" in r.getMessage()]
    assert len(told) == 1 and "it is finished now" in told[0], told
    assert not journal.journal_path(node.index_path).exists()
    served = snapshot.current_name(node.index_path)
    folder = snapshot.snapshots_dir(node.index_path) / str(served)
    assert snapshot.read_manifest(folder)["restored_from"] == BACKUP_SNAPSHOT
    assert (folder / "meta.db").read_bytes() == FIRST["meta.db"]
    store = create_snapshot_store(node)
    try:
        assert store.current() == served  # the restore's push won, not the pull
    finally:
        store.close()
    assert tables(node.database_url) == restored_rows
    assert "Connect with MFA" in (node.content_path / "it" / "vpn.md").read_text()


def test_a_follower_that_cannot_recover_pulls_nothing_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    node, _backup = _node(tmp_path, f"sqlite:///{tmp_path / 'kb.db'}")
    served = snapshot.current_name(node.index_path)
    journal.journal_path(node.index_path).write_text("{half a journal", encoding="utf-8")
    newer = snapshot_order.next_sequence(snapshot_order.current_sequence(node.index_path))
    snapshot_part.push(
        node, make_snapshot(tmp_path / "indexer", "20260305T090000-cccc", NEWER, SECRET, newer)
    )

    follower = _follower(node, monkeypatch)
    try:
        with caplog.at_level(logging.ERROR, logger="indexer.snapshot_store.sync"):
            assert follower.round().snapshot is None
    finally:
        follower.stop()

    said = [r.getMessage() for r in caplog.records]
    assert any("records a restore that did not end" in m for m in said), said
    assert snapshot.current_name(node.index_path) == served
    assert journal.journal_path(node.index_path).exists()
