"""Signed snapshot manifests: what a node refuses, and what goes unnoticed
without a key.

Someone who can write the snapshot store can replace a file and edit the
manifest's checksums to match: without `secret_key` every node copies that
snapshot (each file matches its manifest). With it, the indexer signs each
manifest and a node refuses one that was edited or carries no signature,
naming the snapshot, and keeps serving the one it has; so does `kb restore`
for an edited signed snapshot in a backup.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer import manifest_signature, snapshot
from indexer.snapshot_store import SnapshotStore, sync
from kb.backup.archive import create_backup, restore_backup
from kb.errors import ConfigError, SnapshotStoreError
from tests.kb.backup.test_backup import fill, place
from tests.snapshots import FIRST, make_snapshot

SECRET = "a long random value every node shares"


def _tampered(store: SnapshotStore, signed: Path, keep_signature: bool) -> str:
    """What a writer of the store can do without the key: a new meta.db and a
    manifest whose checksums match it, published as a new snapshot."""
    meta = signed.parent / "evil-meta.db"
    meta.write_bytes(b"answers pointing elsewhere")
    digest = snapshot.file_digest(meta)
    store.upload(digest, meta)
    manifest = snapshot.read_manifest(signed)
    manifest[snapshot.FILES]["meta.db"] = {"sha256": digest, "size": meta.stat().st_size}
    if not keep_signature:
        del manifest[manifest_signature.SIGNATURE]
    name = "20260102T000000-evil"
    store.publish(name, json.dumps(manifest))
    return name


def test_a_signed_manifest_verifies_and_an_edit_or_another_key_does_not(tmp_path: Path) -> None:
    folder = make_snapshot(tmp_path / "index", "20260101T000000-aaaa", FIRST, SECRET)
    text = (folder / snapshot.MANIFEST).read_text(encoding="utf-8")
    manifest_signature.check(text, SECRET, folder.name)
    with pytest.raises(SnapshotStoreError, match="20260101T000000-aaaa does not match its sig"):
        manifest_signature.check(text, "another key", folder.name)
    edited = text.replace('"articles": 1', '"articles": 2')
    with pytest.raises(SnapshotStoreError, match="changed after the indexer signed it"):
        manifest_signature.check(edited, SECRET, folder.name)
    manifest_signature.check(edited, "", folder.name)  # without a key nothing is checked
    unsigned = make_snapshot(tmp_path / "plain", "20260101T000000-bbbb", FIRST)
    assert manifest_signature.SIGNATURE not in snapshot.read_manifest(unsigned)
    plain_text = (unsigned / snapshot.MANIFEST).read_text(encoding="utf-8")
    with pytest.raises(SnapshotStoreError, match="20260101T000000-bbbb is not signed"):
        manifest_signature.check(plain_text, SECRET, unsigned.name)


@pytest.mark.parametrize("keep_signature", [True, False], ids=["edited", "signature-removed"])
def test_a_node_refuses_a_tampered_snapshot_and_serves_on(
    store: SnapshotStore, tmp_path: Path, keep_signature: bool
) -> None:
    node = tmp_path / "node"
    signed = make_snapshot(tmp_path / "indexer", "20260101T000000-aaaa", FIRST, SECRET)
    sync.push(store, signed, keep=3)
    assert sync.pull(store, node, SECRET).snapshot == signed.name
    bad = _tampered(store, signed, keep_signature)
    with pytest.raises(SnapshotStoreError, match=f"manifest of snapshot {bad}"):
        sync.pull(store, node, SECRET)
    assert snapshot.current_name(node) == signed.name
    assert not (snapshot.snapshots_dir(node) / bad).exists()
    # What is not detected without a key: the node copies and serves it.
    elsewhere = tmp_path / "unkeyed-node"
    assert sync.pull(store, elsewhere).snapshot == bad


def test_a_restore_refuses_an_edited_signed_snapshot(tmp_path: Path) -> None:
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'source.db'}")
    source = source.replace(snapshot_store="database", secret_key=SECRET)
    fill(source)
    shutil.rmtree(snapshot.snapshots_dir(source.index_path))
    make_snapshot(source.index_path, "20260303T090000-aaaa", FIRST, SECRET)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    copy = backup / "snapshot" / "20260303T090000-aaaa"
    (copy / "meta.db").write_bytes(b"edited")
    manifest = snapshot.read_manifest(copy)
    manifest[snapshot.FILES]["meta.db"] = {
        "sha256": snapshot.file_digest(copy / "meta.db"),
        "size": 6,
    }
    (copy / snapshot.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ConfigError, match="in the backup, the manifest of snapshot 2026030"):
        restore_backup(source, backup, replace=True)
