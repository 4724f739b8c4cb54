"""The `SnapshotStore` protocol: where published snapshots live for every node.

A snapshot store holds files by their SHA-256 (a file that did not change
between two snapshots is stored once), one manifest per published snapshot
(the snapshot's `manifest.json`, which lists its files with size and SHA-256),
and a pointer to the current snapshot that moves atomically. The indexer
pushes into it (`indexer.snapshot_store.sync.push`); every `kb serve` node
pulls from it into its own index folder (`sync.pull`) and switches its local
`CURRENT` only once a copy is complete and verified.

Backends (chosen once, in `create_snapshot_store`, by the setting
`snapshot_store`):

* `files` (default): the index folder is the store. Nothing is copied; this is
  the single-machine set-up, where the indexer and `kb serve` share a folder.
* `database`: the PostgreSQL database of `database_url`; nodes hear of a new
  snapshot through LISTEN/NOTIFY at once and also poll.
* `s3`: an S3-compatible object store (bucket, prefix, endpoint settings);
  nodes poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


@runtime_checkable
class SnapshotStore(Protocol):
    """Content-addressed files, manifests and a current-snapshot pointer."""

    #: Whether snapshots are copied between machines (False for `files`).
    replicated: bool

    def current(self) -> str | None:
        """Name of the current snapshot, None when nothing was published yet."""
        ...

    def manifest_text(self, name: str) -> str | None:
        """The manifest of a published snapshot, exactly as it was pushed."""
        ...

    def missing(self, digests: Iterable[str]) -> set[str]:
        """Which of these SHA-256 digests the store does not hold yet."""
        ...

    def upload(self, digest: str, path: Path) -> None:
        """Store the file at `path` under its digest; all of it or nothing."""
        ...

    def download(self, digest: str, target: Path) -> None:
        """Write the file stored under `digest` to `target` (the caller verifies it)."""
        ...

    def publish(self, name: str, manifest_text: str) -> None:
        """Record the manifest and make `name` current, atomically; every file
        it lists must have been uploaded before."""
        ...

    def wait(self, timeout: float) -> None:
        """Block up to `timeout` seconds, returning early when a snapshot is
        published (where the backend can tell)."""
        ...

    def remove_unused(self, keep: int) -> int:
        """Forget all but the newest `keep` snapshots (never the current one)
        and the files none of the kept ones needs; returns files removed."""
        ...

    def close(self) -> None: ...


@dataclass
class Transfer:
    """What one push or pull moved, for logs and tests."""

    snapshot: str | None = None
    files: int = 0
    transferred: int = 0
    transferred_bytes: int = 0
    reused: int = 0
