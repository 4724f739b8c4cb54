"""The index snapshot part of a backup: checked against its manifest and
signature before a restore changes anything, copied into the index folder
before the database is loaded (published once it is),
numbered again as the newest when it is signed (so every node takes it), and
pushed to a shared snapshot store (`kb.backup.restoring` runs the steps)."""

from __future__ import annotations

import json
import shutil
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
    """The backup's signed snapshot published again as the newest (above `served`,
    the sequence of the snapshot served here before, the store's and the
    highest the cluster recorded): nodes take a snapshot from the store only
    when it is numbered above theirs and not below that mark
    (`indexer.snapshot_order`, `indexer.sequence_mark`), and the backup's is older."""
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
    target = snapshot_order.reissue(published, settings.index_path, sequence, secret)
    report.notes.append(
        f"the backup's snapshot {published.name} is published again as {target.name}, "
        "numbered as the newest, so that every node takes it"
    )
    return target


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


def push(settings: Settings, target: Path, report: BackupReport) -> None:
    from indexer.sequence_mark import open_mark
    from indexer.snapshot_store import create_snapshot_store, sync
    from indexer.snapshot_store.lock import publisher_lock

    store = create_snapshot_store(settings)
    mark = None
    try:
        if not store.replicated:
            return
        mark = open_mark(settings)
        with publisher_lock(settings.database_url, wait=True):
            sync.push(store, target, settings.keep_snapshots, mark)
        report.notes.append(f"snapshot pushed to the {settings.snapshot_store} snapshot store")
    except KbError as exc:
        report.notes.append(f"could not push the snapshot to the snapshot store: {exc.message}")
    finally:
        store.close()
        if mark is not None:
            mark.close()
