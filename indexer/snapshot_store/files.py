"""`files`: the index folder itself is the snapshot store (the default).

This is the single-machine set-up: `kb index` publishes into the index folder
and `kb serve` reads the same folder, so there is nothing to copy. The store
only answers what is current; uploading and downloading are never asked of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from indexer import snapshot


class FileSnapshotStore:
    """The local index folder, seen through the `SnapshotStore` protocol."""

    replicated = False

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def current(self) -> str | None:
        return snapshot.current_name(self.index_dir)

    def manifest_text(self, name: str) -> str | None:
        path = snapshot.snapshots_dir(self.index_dir) / name / snapshot.MANIFEST
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def missing(self, digests: Iterable[str]) -> set[str]:
        return set()

    def upload(self, digest: str, path: Path) -> None:
        raise RuntimeError("the files snapshot store is the index folder; nothing is uploaded")

    def download(self, digest: str, target: Path) -> None:
        raise RuntimeError("the files snapshot store is the index folder; nothing is downloaded")

    def publish(self, name: str, manifest_text: str) -> None:
        """Nothing to do: `IndexBuilder` has already switched `CURRENT`."""

    def wait(self, timeout: float) -> None:
        time.sleep(timeout)

    def remove_unused(self, keep: int) -> int:
        return 0  # the indexer's own garbage collection keeps the folder tidy

    def close(self) -> None:
        pass
