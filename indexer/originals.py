"""The original files of documents and the pictures of articles, kept with the snapshots.

Serving never reads the content folder, so each snapshot holds the original
bytes of its documents (for download) and of the pictures its Markdown
articles show (`kb.content.article_images`) under `originals/<sha256>`. They are written once into
a content-addressed store beside the snapshots (`<index>/originals/`) and
hard-linked into every snapshot that has them, so an unchanged PDF costs one
copy on disk however many snapshots are kept; a stored file whose only link
is the store's own belongs to no snapshot any more and is removed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

DIR = "originals"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class OriginalStore:
    """`<index>/originals/`: original bytes by SHA-256."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / DIR
        self.path.mkdir(parents=True, exist_ok=True)

    def put(self, digest: str, data: bytes) -> None:
        target = self.path / digest
        if target.exists():
            return
        tmp = self.path / f".{digest}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)

    def collect_garbage(self) -> int:
        """Remove stored files no snapshot links to; returns how many."""
        removed = 0
        for entry in os.scandir(self.path):
            if _SHA256.match(entry.name) and entry.stat().st_nlink <= 1:
                os.unlink(entry.path)
                removed += 1
        return removed


def link_into(index_dir: Path, target: Path, previous: Path | None, digests: Iterable[str]) -> None:
    """Give snapshot `target` the originals `digests` (from the store, or the previous snapshot)."""
    store = OriginalStore(index_dir)
    folder = target / DIR
    folder.mkdir(exist_ok=True)
    for digest in set(digests):
        if not _SHA256.match(digest):
            continue
        for source in (store.path / digest, previous / DIR / digest if previous else None):
            if source is not None and source.exists():
                try:
                    os.link(source, folder / digest)
                except OSError:
                    shutil.copy2(source, folder / digest)
                break
    store.collect_garbage()


def original_path(snapshot_dir: Path, digest: str) -> Path | None:
    """Where a snapshot keeps the original with this digest, or None."""
    if not _SHA256.match(digest):
        return None
    path = snapshot_dir / DIR / digest
    return path if path.is_file() else None
