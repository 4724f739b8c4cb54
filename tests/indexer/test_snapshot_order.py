"""Replays: an older signed snapshot published again is refused by the nodes.

A signature proves who built a snapshot, not that it is the newest: without
the signed sequence, someone who can write the snapshot store could point it
at an older signed snapshot (or publish an old manifest under a new name) and
every node would switch to it. A node with no snapshot yet compares with the
highest sequence the cluster recorded in its database. `kb restore` goes back
on purpose by publishing the backup's snapshot again, numbered as the newest.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer import manifest_signature, snapshot, snapshot_order
from indexer.build import IndexBuilder
from indexer.sequence_mark import Mark, SequenceMark, open_mark
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from kb.backup.archive import create_backup, restore_backup
from kb.errors import SnapshotStoreError
from kb.settings import Settings
from tests.kb.backup.test_backup import fill, place
from tests.postgres import BACKENDS, fresh_database_url
from tests.snapshots import FIRST, SECOND, make_snapshot
from tests.support import HashingEmbedder
from webapp.server import pull_current

SECRET = "a long random value every node shares"


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


def _two_published(store: SnapshotStore, tmp_path: Path, node: Path) -> tuple[Path, Path]:
    """Snapshots numbered 10 and 20 pushed in turn; the node serves the second."""
    indexer = tmp_path / "indexer"
    old = make_snapshot(indexer, "20260101T000000-aaaa", FIRST, SECRET, sequence=10)
    sync.push(store, old, keep=5)
    assert sync.pull(store, node, SECRET).snapshot == old.name
    new = make_snapshot(indexer, "20260102T000000-bbbb", SECOND, SECRET, sequence=20)
    sync.push(store, new, keep=5)
    assert sync.pull(store, node, SECRET).snapshot == new.name
    return old, new


def test_a_node_refuses_an_older_signed_snapshot_published_under_a_new_name(
    store: SnapshotStore, tmp_path: Path
) -> None:
    node = tmp_path / "node"
    old, new = _two_published(store, tmp_path, node)
    replay = "20260103T000000-cccc"  # sorts as the newest; its manifest is old's, signed
    store.publish(replay, (old / snapshot.MANIFEST).read_text(encoding="utf-8"))
    with pytest.raises(SnapshotStoreError, match=f"names snapshot {replay} \\(sequence 10\\)"):
        sync.pull(store, node, SECRET)
    assert snapshot.current_name(node) == new.name
    assert not (snapshot.snapshots_dir(node) / replay).exists()
    # Without a key there is nothing to trust the number by: taken, as before.
    assert sync.pull(store, tmp_path / "unkeyed", "").snapshot == replay


def test_a_node_refuses_the_same_sequence_and_a_snapshot_without_one(
    store: SnapshotStore, tmp_path: Path
) -> None:
    node = tmp_path / "node"
    _, new = _two_published(store, tmp_path, node)
    twin = make_snapshot(tmp_path / "other", "20260104T000000-dddd", FIRST, SECRET, sequence=20)
    sync.push(store, twin, keep=5)
    with pytest.raises(SnapshotStoreError, match="not newer than the snapshot"):
        sync.pull(store, node, SECRET)
    legacy = make_snapshot(tmp_path / "older-version", "20260105T000000-eeee", FIRST, SECRET)
    sync.push(store, legacy, keep=5)
    with pytest.raises(SnapshotStoreError, match="sequence 0"):
        sync.pull(store, node, SECRET)
    assert snapshot.current_name(node) == new.name
    # A node with no snapshot yet has nothing to compare with.
    assert sync.pull(store, tmp_path / "new-node", SECRET).snapshot == legacy.name


def test_an_edited_sequence_breaks_the_signature(store: SnapshotStore, tmp_path: Path) -> None:
    node = tmp_path / "node"
    old, _ = _two_published(store, tmp_path, node)
    manifest = snapshot.read_manifest(old)
    manifest["sequence"] = 99
    store.publish("20260106T000000-ffff", json.dumps(manifest))
    with pytest.raises(SnapshotStoreError, match="does not match its signature"):
        sync.pull(store, node, SECRET)


def test_sequences_follow_the_clock_and_the_snapshot_before() -> None:
    now = snapshot_order.next_sequence()
    assert now > 1_700_000_000_000  # milliseconds since the epoch
    far_ahead = now + 10**9  # an indexer whose clock ran ahead published it
    assert snapshot_order.next_sequence(far_ahead, 5) == far_ahead + 1
    assert snapshot_order.sequence_of({"sequence": True}) == 0
    assert snapshot_order.sequence_of({"sequence": "12"}) == 0
    assert snapshot_order.sequence_of({"sequence": -3}) == 0


def test_each_build_is_numbered_above_the_one_before(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    first = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    numbered = snapshot_order.current_sequence(tiny_settings.index_path)
    assert first.published and numbered > 0
    vpn = tiny_settings.content_path / "it" / "vpn-setup.md"
    vpn.write_text(vpn.read_text() + "\n## Tokens\nHardware tokens are retired.\n")
    second = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    assert second.published and second.snapshot != first.snapshot
    assert snapshot_order.current_sequence(tiny_settings.index_path) > numbered
    full = IndexBuilder(tiny_settings, embedder=hashing_embedder).run(full=True)
    assert full.published  # a full build starts from nothing, but still counts on
    assert snapshot_order.current_sequence(tiny_settings.index_path) > numbered


def _backed_up(tmp_path: Path, secret: str) -> tuple[Settings, Path, Path]:
    """A source with a snapshot numbered 10 in its backup, then one numbered
    far ahead published to the store (as an indexer with a fast clock would)."""
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'source.db'}")
    source = source.replace(snapshot_store="database", secret_key=secret)
    fill(source)
    shutil.rmtree(snapshot.snapshots_dir(source.index_path))
    old = make_snapshot(source.index_path, "20260303T090000-aaaa", FIRST, secret, sequence=10)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    ahead = snapshot_order.next_sequence() + 10**9
    new = make_snapshot(source.index_path, "20260304T090000-bbbb", SECOND, secret, sequence=ahead)
    store = create_snapshot_store(source)
    mark = open_mark(source)  # None without a key
    try:
        sync.push(store, new, keep=5, mark=mark)
    finally:
        store.close()
        if mark is not None:
            mark.close()
    return source, backup, old


def test_a_restore_publishes_the_backup_s_snapshot_again_as_the_newest(tmp_path: Path) -> None:
    source, backup, old = _backed_up(tmp_path, SECRET)
    node = tmp_path / "node"
    store = create_snapshot_store(source)
    try:
        pulled = sync.pull(store, node, SECRET).snapshot
        served = snapshot_order.current_sequence(node)
        report = restore_backup(source, backup, replace=True)
        assert report.snapshot and report.snapshot != old.name
        assert any("published again as" in note for note in report.notes)
        restored = snapshot.snapshots_dir(source.index_path) / report.snapshot
        manifest = snapshot.read_manifest(restored)
        assert manifest["restored_from"] == old.name and manifest["sequence"] > served
        text = (restored / snapshot.MANIFEST).read_text(encoding="utf-8")
        manifest_signature.check(text, SECRET, restored.name)
        assert (restored / "meta.db").read_bytes() == FIRST["meta.db"]
        assert store.current() == report.snapshot
        assert sync.pull(store, node, SECRET).snapshot == report.snapshot != pulled
        assert (snapshot.snapshots_dir(node) / report.snapshot / "meta.db").read_bytes() == (
            FIRST["meta.db"]
        )
        # A node started afresh after the restore takes the restored snapshot:
        # it is numbered above what the cluster recorded before.
        fresh = source.replace(index_dir=str(tmp_path / "fresh-node"))
        pull_current(fresh)
        assert snapshot.current_name(fresh.index_path) == report.snapshot
    finally:
        store.close()


def test_an_unsigned_backup_snapshot_is_not_signed_by_the_restore(tmp_path: Path) -> None:
    source, backup, old = _backed_up(tmp_path, "")
    keyed = source.replace(secret_key=SECRET)
    report = restore_backup(keyed, backup, replace=True)
    assert report.snapshot == old.name  # published as it was: the nodes will refuse it
    assert any("is not signed" in note for note in report.notes)
    manifest = snapshot.read_manifest(snapshot.snapshots_dir(keyed.index_path) / old.name)
    assert manifest_signature.SIGNATURE not in manifest


@pytest.fixture
def shared(tiny_settings: Settings, tmp_path: Path) -> Settings:
    """The tiny content indexed into a shared (`database`) store, signed."""
    return tiny_settings.replace(
        snapshot_store="database",
        database_url=f"sqlite:///{tmp_path / 'cluster.db'}",
        secret_key=SECRET,
    )


def test_a_changed_secret_key_is_signed_in_by_the_next_index_run(
    shared: Settings, hashing_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    first = IndexBuilder(shared, embedder=hashing_embedder).run()
    again = IndexBuilder(shared, embedder=hashing_embedder).run()
    assert first.published and not again.published  # same key: nothing to do
    rekeyed = shared.replace(secret_key="the key every node has now")
    node = tmp_path / "node"
    store = create_snapshot_store(rekeyed)
    try:
        with pytest.raises(SnapshotStoreError, match="does not match its signature"):
            sync.pull(store, node, rekeyed.secret_key)
        report = IndexBuilder(rekeyed, embedder=hashing_embedder).run()
        assert report.published and report.snapshot != first.snapshot
        assert report.added == report.updated == report.removed == 0
        manifest = snapshot.read_manifest(snapshot.current_path(rekeyed.index_path))
        assert manifest["resigned_from"] == first.snapshot
        assert store.current() == report.snapshot
        assert sync.pull(store, node, rekeyed.secret_key).snapshot == report.snapshot
    finally:
        store.close()


def test_a_new_node_refuses_a_snapshot_older_than_the_cluster_has_served(
    store: SnapshotStore, tmp_path: Path
) -> None:
    mark = SequenceMark.open(f"sqlite:///{tmp_path}/kb.db")  # the store's database
    try:
        indexer = tmp_path / "indexer"
        old = make_snapshot(indexer, "20260101T000000-aaaa", FIRST, SECRET, sequence=10)
        sync.push(store, old, keep=5, mark=mark)
        new = make_snapshot(indexer, "20260102T000000-bbbb", SECOND, SECRET, sequence=20)
        sync.push(store, new, keep=5, mark=mark)
        assert mark.highest() == Mark(20, new.name)
        node = tmp_path / "node"
        assert sync.pull(store, node, SECRET, mark).snapshot == new.name
        replay = "20260103T000000-cccc"
        store.publish(replay, (old / snapshot.MANIFEST).read_text(encoding="utf-8"))
        both = f"names snapshot {replay} \\(sequence 10\\), which is older than snapshot {new.name} \\(sequence 20\\)"
        with pytest.raises(SnapshotStoreError, match=both):
            sync.pull(store, tmp_path / "new-node", SECRET, mark)
        assert snapshot.current_name(tmp_path / "new-node") is None
        shutil.rmtree(node)  # a node whose local copy was wiped
        with pytest.raises(SnapshotStoreError, match="The node has no snapshot yet"):
            sync.pull(store, node, SECRET, mark)
        assert not (snapshot.snapshots_dir(node) / replay).exists()
        assert mark.highest() == Mark(20, new.name)  # a refused snapshot records nothing
    finally:
        mark.close()


def test_a_node_started_afresh_compares_with_what_the_cluster_recorded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Through `kb serve`'s own first pull: refused, then the newest is taken."""
    node = place(tmp_path, "node", f"sqlite:///{tmp_path / 'cluster.db'}")
    node = node.replace(snapshot_store="database", secret_key=SECRET)
    store = create_snapshot_store(node)
    mark = open_mark(node)
    assert mark is not None
    try:
        indexer = tmp_path / "indexer"
        old = make_snapshot(indexer, "20260101T000000-aaaa", FIRST, SECRET, sequence=10)
        new = make_snapshot(indexer, "20260102T000000-bbbb", SECOND, SECRET, sequence=20)
        sync.push(store, old, keep=5, mark=mark)
        sync.push(store, new, keep=5, mark=mark)
        store.publish("20260103T000000-cccc", (old / snapshot.MANIFEST).read_text("utf-8"))
        pull_current(node)
        assert snapshot.current_name(node.index_path) is None
        assert f"older than snapshot {new.name} (sequence 20)" in caplog.text
        store.publish(new.name, (new / snapshot.MANIFEST).read_text("utf-8"))
        pull_current(node)
        assert snapshot.current_name(node.index_path) == new.name
    finally:
        store.close()
        mark.close()


def test_the_first_node_of_a_cluster_takes_what_the_store_names_and_records_it(
    store: SnapshotStore, tmp_path: Path
) -> None:
    mark = SequenceMark.open(f"sqlite:///{tmp_path}/kb.db")
    try:
        first = make_snapshot(tmp_path / "indexer", "20260101T000000-aaaa", FIRST, SECRET, 10)
        sync.push(store, first, keep=5)  # published before the mark was kept
        assert mark.highest() is None
        assert sync.pull(store, tmp_path / "node", SECRET, mark).snapshot == first.name
        assert mark.highest() == Mark(10, first.name)
        mark.raise_to(5, "older")  # the mark only rises
        assert mark.highest() == Mark(10, first.name)
    finally:
        mark.close()


def test_a_build_is_numbered_above_what_the_cluster_recorded(
    shared: Settings, hashing_embedder: HashingEmbedder
) -> None:
    ahead = snapshot_order.next_sequence() + 10**9  # a node served one from a fast clock
    mark = SequenceMark.open(shared.database_url)
    try:
        mark.raise_to(ahead, "20260101T000000-aaaa")
        report = IndexBuilder(shared, embedder=hashing_embedder).run()
        assert report.published
        assert snapshot_order.current_sequence(shared.index_path) == ahead + 1
        assert mark.highest() == Mark(ahead + 1, str(report.snapshot))
    finally:
        mark.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    (tmp_path / "var").mkdir()
    yield from fresh_database_url(str(request.param), request, tmp_path)


def test_the_mark_keeps_the_highest_of_racing_records(database_url: str) -> None:
    marks = [SequenceMark.open(database_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: marks[n % 4].raise_to(n, f"snapshot-{n}"), range(1, 41)))
        assert all(mark.highest() == Mark(40, "snapshot-40") for mark in marks)
    finally:
        for mark in marks:
            mark.close()
