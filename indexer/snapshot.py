"""Snapshots on disk: written whole, then published by switching a pointer.

Layout of the index folder:

    CURRENT              name of the published snapshot (replaced atomically)
    .lock                held by the one `kb index` run allowed at a time
    embeddings.db        the embedding cache (outlives snapshots)
    insights/            what the web workers share per snapshot (`kb.insights.near_duplicates`)
    snapshots/<name>/    manifest.json, meta.db, vectors.faiss, keyword/

A snapshot without `manifest.json` is incomplete (a build died while writing
it); it is never published and the next run removes it. Readers only ever open
the snapshot CURRENT names, so a crash at any point leaves the old one serving.

The manifest lists every other file of the snapshot with its size and SHA-256
(`files`), so that a copy on another machine can be verified file by file and
files that did not change between snapshots are recognised and never copied
twice (see `indexer.snapshot_store`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.manifest_signature import sign
from kb.errors import IndexLockedError, IndexNotFoundError

MANIFEST = "manifest.json"
FORMAT = 1
FILES = "files"  # manifest key: relative path -> {"sha256": ..., "size": ...}
_HASH_BLOCK = 1 << 20


def snapshots_dir(index_dir: Path) -> Path:
    return index_dir / "snapshots"


def current_name(index_dir: Path) -> str | None:
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def current_path(index_dir: Path) -> Path:
    name = current_name(index_dir)
    if name is None or not (snapshots_dir(index_dir) / name / MANIFEST).is_file():
        raise IndexNotFoundError(
            f"no index has been published in {index_dir} yet; run `kb index` first"
        )
    return snapshots_dir(index_dir) / name


def new_snapshot_dir(index_dir: Path) -> Path:
    name = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    path = snapshots_dir(index_dir) / name
    path.mkdir(parents=True)
    return path


def link_or_copy(src: str, dst: str) -> None:
    """Hard-link `src` to `dst` (snapshot files never change once written), or
    copy it where links are not possible."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(snapshot: Path, manifest: dict[str, Any], secret: str = "") -> None:
    """Write the manifest, signed with `secret` when one is given
    (`indexer.manifest_signature`)."""
    tmp = snapshot / (MANIFEST + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(sign({"format": FORMAT, **manifest}, secret), fh, indent=2, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, snapshot / MANIFEST)


def read_manifest(snapshot: Path) -> dict[str, Any]:
    return dict(json.loads((snapshot / MANIFEST).read_text(encoding="utf-8")))


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def checksum_files(snapshot: Path, previous: Path | None = None) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file of a snapshot (the manifest's `files`).

    A file hard-linked from `previous` (an unchanged keyword segment) is the
    same inode as there, so its checksum is taken from the previous manifest
    instead of reading it again: at 100,000 passages most of the keyword
    index is shared between two incremental snapshots."""
    known: dict[tuple[int, int], dict[str, Any]] = {}
    if previous is not None:
        try:
            old = read_manifest(previous).get(FILES) or {}
        except (OSError, ValueError):
            old = {}
        for rel, info in old.items():
            try:
                st = os.stat(previous / rel)
            except OSError:
                continue
            known[(st.st_dev, st.st_ino)] = info
    files: dict[str, dict[str, Any]] = {}
    for root, _dirs, names in os.walk(snapshot):
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(snapshot).as_posix()
            if rel in (MANIFEST, MANIFEST + ".tmp"):
                continue
            st = path.stat()
            info = known.get((st.st_dev, st.st_ino))
            if info is None or int(info.get("size", -1)) != st.st_size:
                info = {"sha256": file_digest(path), "size": st.st_size}
            files[rel] = {"sha256": str(info["sha256"]), "size": int(info["size"])}
    return dict(sorted(files.items()))


def local_files(index_dir: Path) -> dict[str, Path]:
    """SHA-256 -> a file of a complete local snapshot with that content, from
    the manifests (files whose size no longer matches are left out)."""
    found: dict[str, Path] = {}
    base = snapshots_dir(index_dir)
    if not base.is_dir():
        return found
    for folder in sorted(base.iterdir(), reverse=True):
        try:
            files = read_manifest(folder).get(FILES) or {}
        except (OSError, ValueError):
            continue
        for rel, info in files.items():
            path = folder / rel
            digest = str(info.get("sha256", ""))
            if digest in found:
                continue
            try:
                if path.stat().st_size == int(info.get("size", -1)):
                    found[digest] = path
            except OSError:
                continue
    return found


def publish(index_dir: Path, snapshot: Path) -> None:
    """Point CURRENT at a complete snapshot; atomic on POSIX file systems."""
    if not (snapshot / MANIFEST).is_file():
        raise RuntimeError(f"refusing to publish incomplete snapshot {snapshot.name}")
    for root, _dirs, files in os.walk(snapshot):
        for name in files:
            path = os.path.join(root, name)
            if os.stat(path).st_nlink > 1:
                continue  # shared with an older snapshot: already on disk
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(snapshot)
    tmp = index_dir / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(snapshot.name + "\n", encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    _fsync_dir(index_dir)


def published_order(name: str, written_ns: int) -> tuple[str, int]:
    """Oldest first: by the second in the snapshot's name, then (two runs within
    one second, whose names differ only by a random suffix) by when it was
    written, in nanoseconds since the epoch. Every snapshot store orders so."""
    return name.split("-", 1)[0], written_ns


def _published_order(path: Path) -> tuple[str, int]:
    try:
        written = (path / MANIFEST).stat().st_mtime_ns
    except OSError:
        written = 0
    return published_order(path.name, written)


def collect_garbage(index_dir: Path, keep: int) -> list[str]:
    """Remove incomplete snapshots and all but the newest `keep` published ones.

    Older snapshots are kept a while so that readers still holding them finish
    their searches; on POSIX an open file outlives its deletion anyway."""
    base = snapshots_dir(index_dir)
    if not base.is_dir():
        return []
    current = current_name(index_dir)
    complete = sorted((p for p in base.iterdir() if (p / MANIFEST).is_file()), key=_published_order)
    removed = []
    for path in base.iterdir():
        if path.name == current:
            continue
        stale = not (path / MANIFEST).is_file() or path not in complete[-max(keep, 1) :]
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for tmp in index_dir.glob("CURRENT.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


@dataclass
class IndexLock:
    """An exclusive, non-blocking lock on the index folder (released on exit or crash)."""

    index_dir: Path
    _fd: int | None = None

    def __enter__(self) -> IndexLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        path = self.index_dir / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise IndexLockedError(
                f"another `kb index` run (pid {holder}) is updating {self.index_dir}; "
                "wait for it to finish and run again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
