"""Step 5 of a restore, the switch, and its undo, as steps that can be run
again from wherever a killed process left them (`kb.backup.journal`).

The switch: the unpacked content folder takes the place of the one in use
(which goes aside), the backup's snapshot is published (numbered again as the
newest when signed) and pushed to a shared snapshot store. The undo: the
database gets back what it held, the content folder in use comes back, the
snapshot served before is published again and, where the store had taken the
restored snapshot already, the one before is pushed to it again (numbered
above the restored one, so every node takes it). Each step reads the state
from the disk (folders by their inode, `CURRENT`, the store's current
snapshot) rather than from memory, so `kb.backup.restoring` and
`kb.backup.recovery` share them.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from kb.backup import snapshot_part
from kb.backup.folder import DATABASE, BackupReport, Progress, open_store
from kb.backup.journal import Journal, identity, remove, write
from kb.errors import ConfigError
from kb.settings import Settings

logger = logging.getLogger(__name__)


def loaded(settings: Settings, journal: Journal) -> bool:
    """Whether the restore's rows were loaded: its transaction wrote the mark."""
    from kb.backup.database import has_mark

    store = open_store(settings)
    try:
        return has_mark(store.engine, journal.token)
    finally:
        store.close()


def forget(settings: Settings, journal: Journal) -> None:
    """The restore is over: its journal removed, then its mark (a mark left
    behind is never read without its journal)."""
    from kb.backup.database import drop_mark

    remove(settings.index_path)
    try:
        store = open_store(settings)
        try:
            drop_mark(store.engine, journal.token)
        finally:
            store.close()
    except Exception:
        logger.exception("restore: could not remove the mark %s", journal.token)


def forward(
    settings: Settings, journal: Journal, report: BackupReport, progress: Progress
) -> Path | None:
    """The switch, from wherever it stopped; the snapshot now served (None:
    the backup holds no index files)."""
    from indexer import snapshot

    progress(f"putting the content folder {journal.content} in place")
    content_in(journal)
    if journal.target is None:
        return None
    progress(f"publishing index snapshot {journal.target}")
    name = index_in(settings, journal, report)
    served = snapshot.snapshots_dir(settings.index_path) / name
    if snapshot_part.push(settings, served, progress):
        report.notes.append(f"snapshot pushed to the {settings.snapshot_store} snapshot store")
    return served


def content_in(journal: Journal) -> None:
    content, staging = Path(journal.content), Path(journal.staging)
    if identity(content) == journal.staging_id:
        return  # moved in already
    if identity(staging) != journal.staging_id:
        raise ConfigError(
            f"the backup's content folder, unpacked into {staging}, is not there any more"
        )
    if content.exists():
        if any(content.iterdir()):
            content.rename(journal.aside)
        else:
            content.rmdir()
    staging.rename(content)


def index_in(settings: Settings, journal: Journal, report: BackupReport) -> str:
    """The backup's snapshot published, numbered again when signed; its name."""
    from indexer import snapshot, snapshot_order

    index_dir = settings.index_path
    target = snapshot.snapshots_dir(index_dir) / str(journal.target)
    current = snapshot.current_name(index_dir)
    if journal.reissued is not None and current == journal.reissued:
        return current
    if _numbered_again(index_dir, current, journal):  # killed before the journal said so
        journal.reissued = current
        journal.staged.append(str(current))
        write(index_dir, journal)
        return str(current)
    if current != journal.target:
        snapshot.publish(index_dir, target)
    if not journal.signed:
        return target.name
    served = 0
    if journal.served is not None:
        before = snapshot.snapshots_dir(index_dir) / journal.served
        with_sequence = snapshot.read_manifest(before)
        served = snapshot_order.sequence_of(with_sequence)
    reissued = snapshot_part.reissue(settings, target, served, report)
    journal.reissued = reissued.name
    journal.staged.append(reissued.name)
    write(index_dir, journal)
    return reissued.name


def _numbered_again(index_dir: Path, current: str | None, journal: Journal) -> bool:
    """Whether `current` is the backup's snapshot published again by the restore."""
    if current is None or current in (journal.served, journal.target):
        return False
    return _restored_from(index_dir, current) == journal.target


def _restored_from(index_dir: Path, name: str) -> str | None:
    from indexer import snapshot, snapshot_order

    try:
        manifest = snapshot.read_manifest(snapshot.snapshots_dir(index_dir) / name)
    except (OSError, ValueError):
        return None
    found = manifest.get(snapshot_order.RESTORED_FROM)
    return found if isinstance(found, str) else None


def undo(settings: Settings, journal: Journal, loaded: bool) -> list[str]:
    """Put back what the restore changed (the database too when `loaded`);
    what could not be put back, each with why."""
    failed: list[str] = []
    steps: list[tuple[str, Callable[[], None]]] = [
        ("the content folder", lambda: content_out(journal)),
        ("the index", lambda: index_out(settings, journal)),
        ("the snapshot store", lambda: store_out(settings, journal)),
    ]
    if loaded:
        steps.insert(0, ("the database", lambda: database_back(settings, journal)))
    for part, step in steps:
        try:
            step()
        except Exception as exc:
            logger.exception("restore: could not put back %s", part)
            failed.append(f"{part} ({getattr(exc, 'message', None) or exc})")
    return failed


def database_back(settings: Settings, journal: Journal) -> None:
    """The rows the database held: none, or those of the pre-restore backup."""
    from kb.backup.database import clear_database, import_database

    store = open_store(settings)
    try:
        if journal.was_empty:
            clear_database(store.engine)
        elif journal.before_restore is not None:
            import_database(store.engine, Path(journal.before_restore) / DATABASE, replace=True)
    finally:
        store.close()


def content_out(journal: Journal) -> None:
    content, staging, aside = Path(journal.content), Path(journal.staging), Path(journal.aside)
    if identity(content) == journal.staging_id:
        if staging.exists():
            raise ConfigError(f"{staging} is in the way of the restored content folder")
        content.rename(staging)
    if identity(content) is None and journal.content_id is not None:
        if identity(aside) == journal.content_id:
            aside.rename(content)
        elif journal.content_empty:
            content.mkdir()
        else:
            raise ConfigError(f"the content folder in use before is not at {aside}")
    if identity(staging) == journal.staging_id:
        shutil.rmtree(staging)


def index_out(settings: Settings, journal: Journal) -> None:
    """The snapshot served before published again; the restore's removed."""
    from indexer import snapshot

    index_dir = settings.index_path
    current = snapshot.current_name(index_dir)
    strays = list(journal.staged)
    if _numbered_again(index_dir, current, journal):
        strays.append(str(current))  # killed before the journal said so
    if current != journal.served:
        if journal.served is not None:
            snapshot.publish(index_dir, snapshot.snapshots_dir(index_dir) / journal.served)
        else:
            (index_dir / "CURRENT").unlink(missing_ok=True)
    for name in strays:
        shutil.rmtree(snapshot.snapshots_dir(index_dir) / name, ignore_errors=True)


def store_out(settings: Settings, journal: Journal) -> None:
    """Where the shared store took the restored snapshot, the snapshot served
    before pushed again: numbered above the restored one when signed (nodes
    take nothing older), and served here under that name."""
    from indexer import manifest_signature, snapshot, snapshot_order

    now = snapshot_part.store_current(settings)
    if now is None or now not in (journal.target, journal.reissued):
        return
    if journal.served is None:
        raise ConfigError(
            f"the snapshot store names the restored snapshot {now} and no snapshot was served "
            "here before to put back; run `kb index --full`"
        )
    index_dir = settings.index_path
    before = snapshot.snapshots_dir(index_dir) / journal.served
    if manifest_signature.signing_key(settings):
        served = snapshot_order.current_sequence(index_dir)
        before = snapshot_part.renumber(settings, before, served)
    snapshot_part.push(settings, before)
    logger.warning("restore: the snapshot store serves %s again, as %s", journal.served, before)
