"""Snapshot stores: how a published index reaches every web node.

`create_snapshot_store(settings)` gives the configured `SnapshotStore`
(`files`, `database` or `s3`); `sync.push` and `sync.pull` copy snapshots
between it and an index folder; `sync.SnapshotFollower` keeps a node current;
`lock.publisher_lock` lets one indexer publish at a time. See docs/deploy.md.
"""

from indexer.snapshot_store.base import SnapshotStore, Transfer
from indexer.snapshot_store.factory import create_snapshot_store

__all__ = ["SnapshotStore", "Transfer", "create_snapshot_store"]
