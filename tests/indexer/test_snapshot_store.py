"""Snapshot stores: one contract for every backend, and copying snapshots through them.

Backends under test: the database store on SQLite and on a real PostgreSQL
server, and the s3 store against moto's S3 server (a separate process). The
snapshots are real folders with real manifests (`checksum_files`), made
without the embedding model so that these tests stay fast; building real
indexes through a store is in `test_snapshot_replication.py`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import snapshot
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from indexer.snapshot_store.lock import publisher_lock
from kb.errors import ConfigError, IndexLockedError, SnapshotStoreError
from kb.settings import Settings
from tests.postgres import PostgresServer
from tests.snapshots import FIRST, SECOND, make_snapshot

BACKENDS = [
    pytest.param("database-sqlite", id="database-sqlite"),
    pytest.param("database-postgresql", id="database-postgresql", marks=pytest.mark.postgres),
    pytest.param("s3", id="s3"),
]


@pytest.fixture(params=BACKENDS)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    kind = str(request.param)
    base = {"index_dir": str(tmp_path / "indexer-index")}
    if kind == "database-sqlite":
        yield Settings.load(
            {**base, "snapshot_store": "database", "database_url": f"sqlite:///{tmp_path}/kb.db"},
            environ={},
        )
    elif kind == "database-postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name, url = server.create_database()
        yield Settings.load({**base, "snapshot_store": "database", "database_url": url}, environ={})
        server.drop_database(name)
    else:
        bucket = request.getfixturevalue("s3_bucket")
        endpoint = request.getfixturevalue("s3_endpoint")
        yield Settings.load(
            {
                **base,
                "snapshot_store": "s3",
                "snapshot_s3_bucket": bucket,
                "snapshot_s3_endpoint": endpoint,
                "snapshot_poll_seconds": 0.2,
            },
            environ={},
        )


@pytest.fixture
def store(store_settings: Settings) -> Iterator[SnapshotStore]:
    opened = create_snapshot_store(store_settings)
    yield opened
    opened.close()


def test_the_contract_upload_publish_download_and_forget(
    store: SnapshotStore, tmp_path: Path
) -> None:
    assert store.replicated and store.current() is None
    folder = make_snapshot(tmp_path / "src", "20260101T000000-aaaa", FIRST)
    files = snapshot.read_manifest(folder)[snapshot.FILES]
    digests = {info["sha256"] for info in files.values()}
    assert store.missing(digests) == digests
    for rel, info in files.items():
        store.upload(info["sha256"], folder / rel)
    assert store.missing(digests) == set()
    store.upload(files["meta.db"]["sha256"], folder / "meta.db")  # the same content again: fine
    text = (folder / snapshot.MANIFEST).read_text()
    store.publish(folder.name, text)
    assert store.current() == folder.name
    assert store.manifest_text(folder.name) == text
    assert store.manifest_text("no-such-snapshot") is None
    out = tmp_path / "copy"
    store.download(files["keyword/seg_a"]["sha256"], out)
    assert out.read_bytes() == FIRST["keyword/seg_a"]

    second = make_snapshot(tmp_path / "src", "20260102T000000-bbbb", SECOND)
    sync.push(store, second, keep=1)
    assert store.current() == second.name
    assert store.manifest_text(folder.name) is None  # forgotten: keep=1
    old_meta = files["meta.db"]["sha256"]
    assert store.missing({old_meta}) == {old_meta}  # only the old snapshot needed it
    assert store.missing({files["keyword/seg_a"]["sha256"]}) == set()  # still needed


def test_of_snapshots_published_within_one_second_the_newest_are_kept(
    store: SnapshotStore, tmp_path: Path
) -> None:
    """Names of one second differ only by a random suffix: the store keeps the
    last published, not the ones whose suffix sorts last (as the file store,
    `test_snapshot_garbage.py`)."""
    second = "20261203T034859"
    pushed = []
    for suffix, files in (("ffffffff", FIRST), ("00000000", SECOND), ("88888888", FIRST)):
        folder = make_snapshot(tmp_path / "indexer", f"{second}-{suffix}", files)
        sync.push(store, folder, keep=2)
        pushed.append(folder.name)
    assert store.current() == pushed[2]
    assert store.manifest_text(pushed[0]) is None
    assert store.manifest_text(pushed[1]) is not None


def test_push_and_pull_move_only_what_changed(store: SnapshotStore, tmp_path: Path) -> None:
    indexer_dir, node_dir = tmp_path / "indexer", tmp_path / "node"
    first = make_snapshot(indexer_dir, "20260101T000000-aaaa", FIRST)
    pushed = sync.push(store, first, keep=3)
    assert pushed.transferred == 3
    pulled = sync.pull(store, node_dir)
    assert pulled.snapshot == first.name and pulled.transferred == 3
    assert snapshot.current_name(node_dir) == first.name
    copy = snapshot.snapshots_dir(node_dir) / first.name
    assert {rel: (copy / rel).read_bytes() for rel in FIRST} == FIRST
    assert snapshot.read_manifest(copy) == snapshot.read_manifest(first)

    second = make_snapshot(indexer_dir, "20260102T000000-bbbb", SECOND)
    pushed = sync.push(store, second, keep=3)
    assert (pushed.transferred, pushed.reused) == (2, 2)  # new meta.db and seg_b
    pulled = sync.pull(store, node_dir)
    assert (pulled.transferred, pulled.reused) == (2, 2)
    assert pulled.transferred_bytes == len(SECOND["meta.db"]) + len(SECOND["keyword/seg_b"])
    assert snapshot.current_name(node_dir) == second.name
    assert sync.pull(store, node_dir).snapshot is None  # up to date: nothing to do


def test_a_copy_that_does_not_verify_is_discarded_and_the_old_one_serves(
    store: SnapshotStore, tmp_path: Path
) -> None:
    node_dir = tmp_path / "node"
    first = make_snapshot(tmp_path / "indexer", "20260101T000000-aaaa", FIRST)
    sync.push(store, first, keep=3)
    sync.pull(store, node_dir)
    # A manifest that names, for a new file, content the store holds but with
    # another size: what a node would get from a corrupted or tampered store.
    manifest = snapshot.read_manifest(first)
    files = manifest[snapshot.FILES]
    files["keyword/seg_b"] = {**files["keyword/seg_a"], "size": 3000}
    bad = "20260102T000000-bbbb"
    store.publish(bad, json.dumps(manifest))
    with pytest.raises(SnapshotStoreError, match="does not match its manifest"):
        sync.pull(store, node_dir)
    assert snapshot.current_name(node_dir) == first.name
    assert not (snapshot.snapshots_dir(node_dir) / bad).exists()
    assert snapshot.current_path(node_dir).name == first.name


def test_follower_notices_a_new_snapshot_within_seconds(
    store: SnapshotStore, store_settings: Settings, tmp_path: Path
) -> None:
    node_dir = tmp_path / "node"
    sync.push(store, make_snapshot(tmp_path / "indexer", "20260101T000000-aaaa", FIRST), keep=3)
    follower = sync.SnapshotFollower(
        lambda: create_snapshot_store(store_settings), node_dir, keep=3, poll_seconds=2.0
    )
    follower.round()
    assert snapshot.current_name(node_dir) == "20260101T000000-aaaa"
    follower.start()
    try:
        # Whether the follower waits for news yet or still pulls, it takes the
        # snapshot: at its next round, or when notified. How fast is for the
        # benchmarks; a loaded machine may keep its thread waiting.
        second = make_snapshot(tmp_path / "indexer", "20260102T000000-bbbb", SECOND)
        published = time.monotonic()
        sync.push(store, second, keep=3)
        while snapshot.current_name(node_dir) != second.name:
            assert time.monotonic() - published < 60, "the follower did not pull within 60 s"
            time.sleep(0.05)
    finally:
        follower.stop()


def test_files_store_is_the_index_folder_and_copies_nothing(tmp_path: Path) -> None:
    settings = Settings.load({"index_dir": str(tmp_path / "index")}, environ={})
    store = create_snapshot_store(settings)
    assert not store.replicated and store.current() is None
    folder = make_snapshot(tmp_path / "index", "20260101T000000-aaaa", FIRST)
    assert store.current() == folder.name
    assert sync.push(store, folder, keep=3).transferred == 0
    assert sync.pull(store, tmp_path / "elsewhere").snapshot is None


def test_unknown_store_and_missing_bucket_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="snapshot_store"):
        create_snapshot_store(Settings.load({"snapshot_store": "ftp"}, environ={}))
    with pytest.raises(ConfigError, match="snapshot_s3_bucket"):
        create_snapshot_store(Settings.load({"snapshot_store": "s3"}, environ={}))


@pytest.mark.postgres
def test_one_publisher_at_a_time(postgres_server: PostgresServer) -> None:
    name, url = postgres_server.create_database()
    try:
        with publisher_lock(url):
            with (
                pytest.raises(IndexLockedError, match="kb index.*only one indexer may publish"),
                publisher_lock(url),
            ):
                pass
            waited = threading.Event()

            def second() -> None:
                with publisher_lock(url, wait=True):
                    waited.set()

            thread = threading.Thread(target=second)
            thread.start()
            assert not waited.wait(0.5)  # blocked while the first holds the lock
        thread.join(10)
        assert waited.is_set()
    finally:
        postgres_server.drop_database(name)
