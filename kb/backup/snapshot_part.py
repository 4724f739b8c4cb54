"""The index snapshot part of a backup: checked against its manifest and
signature before a restore changes anything, copied into the index folder
before the database is loaded (published once it is),
numbered again as the newest when it is signed (so every node takes it), and
pushed to a shared snapshot store (`kb.backup.restoring` and
`kb.backup.switching` run the steps)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import ConfigError, KbError
from kb.settings import Settings

if TYPE_CHECKING:
    from kb.backup.folder import BackupReport


def stage(copy: Path, index_dir: Path) -> tuple[Path, bool]:
    """The backup's snapshot copied into `index_dir` (whose lock the caller
    holds), not yet published; whether it was copied (False: a snapshot of
    that name is there already, and must stay when the restore is undone)."""
    from indexer import snapshot

    target = snapshot.snapshots_dir(index_dir) / copy.name
    if (target / snapshot.MANIFEST).is_file():
        return target, False
    shutil.rmtree(target, ignore_errors=True)
    try:
        shutil.copytree(copy, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target, True


def reissue(settings: Settings, published: Path, served: int, report: BackupReport) -> Path:
    """The backup's signed snapshot published again as the newest (`renumber`):
    nodes take a snapshot from the store only when it is numbered above theirs
    and not below the cluster's mark (`indexer.snapshot_order`,
    `indexer.sequence_mark`), and the backup's is older."""
    target = renumber(settings, published, served)
    report.notes.append(
        f"the backup's snapshot {published.name} is published again as {target.name}, "
        "numbered as the newest, so that every node takes it"
    )
    return target


def renumber(settings: Settings, published: Path, served: int) -> Path:
    """`published` (in the index folder) published again under a new name,
    numbered above `served` (the sequence of the snapshot served here before),
    the store's and the highest the cluster recorded, signed with the key."""
    from indexer import manifest_signature, snapshot_order
    from indexer.sequence_mark import open_mark
    from indexer.snapshot_store import create_snapshot_store

    store = create_snapshot_store(settings)
    try:
        in_store = snapshot_order.store_sequence(store)
    finally:
        store.close()
    mark = open_mark(settings)
    try:
        recorded = mark.highest() if mark is not None else None
    finally:
        if mark is not None:
            mark.close()
    sequence = snapshot_order.next_sequence(served, in_store, recorded.sequence if recorded else 0)
    secret = manifest_signature.signing_key(settings)
    return snapshot_order.reissue(published, settings.index_path, sequence, secret)


def verify(folder: Path, with_files: bool) -> None:
    from indexer import snapshot

    try:
        files = snapshot.read_manifest(folder).get(snapshot.FILES) or {}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the backup's snapshot manifest in {folder} is unreadable: {exc}"
        ) from None
    if not with_files:
        return
    for rel, meta in files.items():
        path = folder / rel
        if not path.is_file() or snapshot.file_digest(path) != meta["sha256"]:
            raise ConfigError(
                f"{path} is missing or does not match the snapshot's manifest; the backup is "
                "damaged, use another one"
            )


def check_signature(settings: Settings, folder: Path, report: BackupReport) -> bool:
    """With a shared snapshot store, a signed snapshot must match its signature;
    an unsigned one (from before signatures, or before secret_key was set) is
    restored, but the nodes will not take it from the store. Whether the
    snapshot is signed with the key (and so may be published again)."""
    from indexer import manifest_signature, snapshot

    secret = manifest_signature.signing_key(settings)
    if not secret:
        return False
    text = (folder / snapshot.MANIFEST).read_text(encoding="utf-8")
    if manifest_signature.SIGNATURE not in json.loads(text):
        report.notes.append(
            f"the backup's snapshot {folder.name} is not signed, so the nodes will not take "
            "it from the snapshot store: run `kb index --full` now"
        )
        return False
    try:
        manifest_signature.check(text, secret, folder.name)
    except KbError as exc:
        raise ConfigError(f"in the backup, {exc.message}; use another backup") from None
    return True


def store_current(settings: Settings) -> str | None:
    """The shared snapshot store's current snapshot (None: none, or no shared store)."""
    from indexer.snapshot_store import create_snapshot_store

    store = create_snapshot_store(settings)
    try:
        return store.current() if store.replicated else None
    finally:
        store.close()


def push(settings: Settings, target: Path, progress: Callable[[str], None] | None = None) -> bool:
    """`target` made the shared snapshot store's current snapshot; whether there
    is a shared store. Raises when the store cannot take it: a restore is
    rolled back then (`kb.backup.switching`)."""
    from indexer.sequence_mark import open_mark
    from indexer.snapshot_store import create_snapshot_store, sync
    from indexer.snapshot_store.lock import publisher_lock

    store = create_snapshot_store(settings)
    mark = None
    try:
        if not store.replicated:
            return False
        if progress is not None:
            progress(
                f"pushing snapshot {target.name} to the {settings.snapshot_store} snapshot store"
            )
        mark = open_mark(settings)
        with publisher_lock(settings.database_url, wait=True):
            sync.push(store, target, settings.keep_snapshots, mark)
        return True
    finally:
        store.close()
        if mark is not None:
            mark.close()
