"""The order of published snapshots, signed into their manifests: no replays.

A signed manifest (`indexer.manifest_signature`) proves who built a snapshot,
not that it is the newest: someone who can write the snapshot store could
point it back at an older signed snapshot, or publish an old signed manifest
under a new name, and every node would switch to it. So each manifest carries
`sequence`: the time it was built in milliseconds since the epoch, or one
above the snapshot the indexer built it after (the local current one, which
before each build is the store's: `IndexBuilder._catch_up` under the
cluster-wide publisher lock) where that is higher, so the order holds across
indexers whose clocks differ and a snapshot store started afresh still
numbers above what the nodes serve. The signature covers it, and a node
with a signing key takes a snapshot from the store only when its sequence is
above the one it serves (`check_newer`).

A deliberate rollback is a new snapshot: `kb restore` publishes the backup's
signed snapshot again under a new name with the next sequence, signed with
the key it was checked with (`reissue`). A snapshot from before sequences
counts as 0, so a node that serves a numbered one refuses it. A node with no
snapshot yet compares with the highest sequence the cluster has published or
served (`indexer.sequence_mark`), and so does every node: a snapshot below it
is refused too, and publishers number above it.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer import manifest_signature, snapshot
from kb.errors import KbError, SnapshotStoreError

if TYPE_CHECKING:
    from indexer.sequence_mark import Mark
    from indexer.snapshot_store.base import SnapshotStore

SEQUENCE = "sequence"  # manifest key: how many snapshots were published up to this one
RESTORED_FROM = "restored_from"  # manifest key: the backup snapshot a restore published again
RESIGNED_FROM = "resigned_from"  # manifest key: the snapshot `kb index` signed with a new key


def sequence_of(manifest: Mapping[str, Any]) -> int:
    """A manifest's sequence; 0 for one from before sequences (or a broken value)."""
    value = manifest.get(SEQUENCE)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def current_sequence(index_dir: Path) -> int:
    """The sequence of the snapshot the index folder serves (0 without one)."""
    name = snapshot.current_name(index_dir)
    if name is None:
        return 0
    try:
        return sequence_of(snapshot.read_manifest(snapshot.snapshots_dir(index_dir) / name))
    except (OSError, ValueError):
        return 0


def store_sequence(store: SnapshotStore) -> int:
    """The sequence of the store's current snapshot (0: none, or unreadable)."""
    try:
        name = store.current()
        text = store.manifest_text(name) if name else None
        return sequence_of(json.loads(text)) if text else 0
    except (KbError, ValueError, AttributeError):
        return 0


def next_sequence(*after: int) -> int:
    """The sequence of a snapshot published now, after snapshots numbered `after`."""
    return max([int(time.time() * 1000), *(n + 1 for n in after)])


def check_newer(manifest_text: str, index_dir: Path, name: str, floor: Mark | None = None) -> None:
    """Raise `SnapshotStoreError` naming snapshot `name` unless its (signed)
    manifest is numbered above the snapshot `index_dir` serves and not below
    `floor`, the highest sequence the cluster recorded (`indexer.sequence_mark`)."""
    have = current_sequence(index_dir)
    if have == 0 and floor is None:
        return
    try:
        incoming = sequence_of(json.loads(manifest_text))
    except (ValueError, AttributeError) as exc:
        raise SnapshotStoreError(f"the manifest of {name} is not valid JSON: {exc}") from exc
    advice = (
        "Check who can write the snapshot store; to go back to an older index on purpose, "
        "use `kb restore`, which publishes it as a new snapshot."
    )
    if have and incoming <= have:
        serving = snapshot.current_name(index_dir)
        raise SnapshotStoreError(
            f"the snapshot store names snapshot {name} (sequence {incoming}), which is not "
            f"newer than the snapshot {serving} this node serves (sequence {have}): an older "
            f"snapshot was published again. {advice} The node serves on"
        )
    if floor is not None and incoming < floor.sequence:
        serving = snapshot.current_name(index_dir)
        raise SnapshotStoreError(
            f"the snapshot store names snapshot {name} (sequence {incoming}), which is older "
            f"than snapshot {floor.name} (sequence {floor.sequence}), the newest this "
            "cluster has published or served (recorded in the database): an older snapshot "
            f"was published again. {advice} "
            + (f"The node serves {serving} on" if serving else "The node has no snapshot yet")
        )


def reissue(
    published: Path, index_dir: Path, sequence: int, secret: str, origin: str = RESTORED_FROM
) -> Path:
    """Publish the snapshot folder `published` (in `index_dir`, trusted: checked
    against `secret`, or built here) again under a new name numbered
    `sequence`, signed with `secret`, its manifest naming it under `origin`;
    the new folder. Files are hard-linked: they never change once written."""
    target = snapshot.new_snapshot_dir(index_dir)
    try:
        shutil.copytree(
            published,
            target,
            dirs_exist_ok=True,
            copy_function=snapshot.link_or_copy,
            ignore=shutil.ignore_patterns(snapshot.MANIFEST, snapshot.MANIFEST + ".tmp"),
        )
        manifest = snapshot.read_manifest(published)
        manifest.pop(manifest_signature.SIGNATURE, None)
        manifest[SEQUENCE] = sequence
        manifest[origin] = published.name
        snapshot.write_manifest(target, manifest, secret)
        snapshot.publish(index_dir, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target
