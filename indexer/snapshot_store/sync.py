"""Copying snapshots between an index folder and a snapshot store.

`push` (the indexer, after it published locally): upload the files the store
lacks, then publish the manifest, which moves the store's current snapshot.
`pull` (every `kb serve` node, and an indexer on a new machine): copy the
store's current snapshot into the local index folder and switch the local
`CURRENT` to it only when every file is there and verified. Files already in
any complete local snapshot (same SHA-256 and size) are hard-linked instead of
downloaded, so a new snapshot costs only the files that changed: an
incremental build shares most of its keyword segments with the one before.

A pull that fails anywhere (store unreachable, a checksum that does not match,
a full disk) removes its partial copy and raises; the local `CURRENT` still
names the old snapshot, so the node serves on and the follower tries again.

With a `SequenceMark` (`indexer.sequence_mark`: signed snapshots), a push and
a pull raise the cluster's highest sequence to the snapshot's, and a pull
refuses a snapshot numbered below it.

A `kb restore --while-running` killed half-way leaves its journal in the index
folder; a running server's follower finishes or undoes it (`recover`, under
the same lock) before it copies, publishes or tidies anything, so it never
serves a pulled snapshot over a half-switched content folder and database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from indexer import manifest_signature, snapshot, snapshot_order
from indexer.sequence_mark import SequenceMark
from indexer.snapshot_store.base import SnapshotStore, Transfer
from kb.errors import IndexLockedError, KbError, SnapshotStoreError

logger = logging.getLogger(__name__)


def _manifest_files(manifest_text: str, where: str) -> dict[str, dict[str, object]]:
    try:
        files = json.loads(manifest_text).get(snapshot.FILES)
    except (ValueError, AttributeError) as exc:
        raise SnapshotStoreError(f"the manifest of {where} is not valid JSON: {exc}") from exc
    if not isinstance(files, dict) or not files:
        raise SnapshotStoreError(
            f"the manifest of {where} lists no files with checksums (it was built by an older "
            "version); run `kb index --full` to publish a snapshot that can be copied"
        )
    return files


def push(
    store: SnapshotStore, snapshot_dir: Path, keep: int, mark: SequenceMark | None = None
) -> Transfer:
    """Upload what the store lacks of a complete local snapshot and make it
    current; then raise `mark` to its sequence."""
    name = snapshot_dir.name
    manifest_text = (snapshot_dir / snapshot.MANIFEST).read_text(encoding="utf-8")
    files = _manifest_files(manifest_text, name)
    report = Transfer(snapshot=name, files=len(files))
    if not store.replicated:
        return report
    missing = store.missing(str(info["sha256"]) for info in files.values())
    for rel, info in files.items():
        digest = str(info["sha256"])
        if digest not in missing:
            report.reused += 1
            continue
        store.upload(digest, snapshot_dir / rel)
        missing.discard(digest)
        report.transferred += 1
        report.transferred_bytes += int(str(info["size"]))
    store.publish(name, manifest_text)
    if mark is not None:
        mark.record(snapshot_order.sequence_of(json.loads(manifest_text)), name)
    removed = store.remove_unused(keep)
    logger.info(
        "snapshot %s pushed: %d of %d files uploaded (%d bytes), %d unused files removed",
        name,
        report.transferred,
        report.files,
        report.transferred_bytes,
        removed,
    )
    return report


def pull(
    store: SnapshotStore, index_dir: Path, secret: str = "", mark: SequenceMark | None = None
) -> Transfer:
    """Make the store's current snapshot the local current one (see the module
    docstring); `Transfer.snapshot` is None when there was nothing to do. With
    `secret`, a manifest not signed with it, or numbered no higher than the
    snapshot served here or below `mark` (a replay), is refused before
    anything is copied; once it is served, `mark` is raised to it."""
    report = Transfer()
    if not store.replicated:
        return report
    name = store.current()
    if name is None or name == snapshot.current_name(index_dir):
        return report
    if "/" in name or name.startswith("."):
        raise SnapshotStoreError(f"the snapshot store names an invalid snapshot {name!r}")
    manifest_text = store.manifest_text(name)
    if manifest_text is None:
        raise SnapshotStoreError(f"the snapshot store's current snapshot {name} has no manifest")
    manifest_signature.check(manifest_text, secret, name)
    if secret:  # only a signed sequence can be trusted (`indexer.snapshot_order`)
        floor = mark.highest() if mark is not None else None
        snapshot_order.check_newer(manifest_text, index_dir, name, floor)
    files = _manifest_files(manifest_text, name)
    local = snapshot.local_files(index_dir)
    target = snapshot.snapshots_dir(index_dir) / name
    shutil.rmtree(target, ignore_errors=True)  # a copy that died before its manifest
    target.mkdir(parents=True)
    report.snapshot, report.files = name, len(files)
    try:
        for rel, info in files.items():
            _fetch_file(store, name, target, rel, info, local, report)
        tmp = target / (snapshot.MANIFEST + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(manifest_text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target / snapshot.MANIFEST)
        snapshot.publish(index_dir, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    if secret and mark is not None:
        mark.record(snapshot_order.sequence_of(json.loads(manifest_text)), name)
    logger.info(
        "snapshot %s pulled: %d of %d files downloaded (%d bytes), %d reused",
        name,
        report.transferred,
        report.files,
        report.transferred_bytes,
        report.reused,
    )
    return report


def _fetch_file(
    store: SnapshotStore,
    name: str,
    target: Path,
    rel: str,
    info: dict[str, object],
    local: dict[str, Path],
    report: Transfer,
) -> None:
    """One file of snapshot `name` into `target`: linked from a local file with the
    same digest and size, else downloaded and checked against the manifest."""
    dest = target / rel
    if target.resolve() not in dest.resolve().parents:
        raise SnapshotStoreError(f"the manifest of {name} names a file outside it: {rel}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest, size = str(info["sha256"]), int(str(info["size"]))
    source = local.get(digest)
    if source is not None and source.stat().st_size == size:
        snapshot.link_or_copy(str(source), str(dest))
        report.reused += 1
        return
    partial = dest.with_name(dest.name + ".part")
    store.download(digest, partial)
    got_size = partial.stat().st_size
    if got_size != size or snapshot.file_digest(partial) != digest:
        raise SnapshotStoreError(
            f"{rel} of snapshot {name} does not match its manifest (size {got_size}, "
            f"expected {size}, or a different SHA-256); the old snapshot stays"
        )
    os.replace(partial, dest)
    report.transferred += 1
    report.transferred_bytes += size


Recover = Callable[[], list[str]]
"""A killed restore finished or undone, under the index folder's lock; what was
done, for the log (`kb.backup.recovery.finish_interrupted`)."""


def pull_locked(
    store: SnapshotStore,
    index_dir: Path,
    keep: int,
    secret: str = "",
    mark: SequenceMark | None = None,
    recover: Recover | None = None,
) -> Transfer:
    """`pull` under the index folder's lock, then tidy the folder. When the lock is
    held (a local `kb index`, a restore or another pull is writing), nothing is
    done now. With `recover`, a restore killed half-way is finished or undone
    first; when that fails it raises, and nothing is pulled."""
    try:
        with snapshot.IndexLock(index_dir):
            for note in recover() if recover is not None else []:
                logger.warning("%s", note)
            report = pull(store, index_dir, secret, mark)
            if report.snapshot:
                snapshot.collect_garbage(index_dir, keep)
            return report
    except IndexLockedError:
        return Transfer()


class SnapshotFollower:
    """Keeps a node's index folder at the store's current snapshot, in a thread.

    Each round pulls (nothing when up to date), then waits for a notification
    or `poll_seconds`. The store is opened on the first round and again after
    it could not be opened (a node may start while the database is down).
    Failures are logged (once per distinct message) and the node keeps the
    snapshot it has. `open_mark` opens the cluster's sequence mark with the
    store (None: none, without `secret`); `recover` runs before each pull, under
    its lock (`pull_locked`)."""

    def __init__(
        self,
        open_store: Callable[[], SnapshotStore],
        index_dir: Path,
        keep: int,
        poll_seconds: float,
        secret: str = "",
        open_mark: Callable[[], SequenceMark | None] | None = None,
        recover: Recover | None = None,
    ) -> None:
        self.open_store = open_store
        self.recover = recover
        self.open_mark = open_mark
        self.secret = secret
        self.store: SnapshotStore | None = None
        self.mark: SequenceMark | None = None
        self.index_dir = index_dir
        self.keep = keep
        self.poll_seconds = poll_seconds
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_error = ""
        # One round at a time: the thread's and a caller's (the first one at
        # start-up) would both open a store, and both log a failure once
        # "once per distinct message" was checked by neither.
        self._round_lock = threading.Lock()

    def round(self) -> Transfer:
        with self._round_lock:
            return self._round()

    def _round(self) -> Transfer:
        try:
            if self.store is None:
                self.store = self.open_store()
            if self.mark is None and self.open_mark is not None:
                self.mark = self.open_mark()
            report = pull_locked(
                self.store, self.index_dir, self.keep, self.secret, self.mark, self.recover
            )
        except KbError as exc:
            self._failed(exc.message)
            return Transfer()
        except OSError as exc:
            self._failed(f"could not write the snapshot copy: {exc}")
            return Transfer()
        if self._last_error:
            logger.warning("snapshot store reachable again")
            self._last_error = ""
        return report

    def _failed(self, message: str) -> None:
        if message != self._last_error:
            logger.error("snapshot follower: %s; serving the snapshot this node has", message)
        self._last_error = message

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.round()
            if self.stop_event.is_set():
                break
            if self.store is None:
                self.stop_event.wait(self.poll_seconds)
            else:
                self.store.wait(self.poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="kb-snapshot-follower", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.store is not None:
            self.store.close()
        if self.mark is not None:
            self.mark.close()
