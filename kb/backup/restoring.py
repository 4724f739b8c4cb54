"""Taking a backup folder apart again (`kb restore`): all of it, or none of it.

The steps, in this order, under the index folder's lock:

1. check every part against its checksum (and the snapshot's signature);
   finish or undo a restore that was killed before (`kb.backup.recovery`);
2. prepare the files: unpack the content folder beside the one in use
   (`<name>.restoring`), add the attached files kept as files
   (`kb.backup.attachment_part`) and copy the snapshot into the index
   folder, unpublished;
3. keep what `--replace` is about to delete (`backup.before-restore-<time>`,
   beside the content folder), and write the journal (`kb.backup.journal`);
4. load the database, in one transaction that writes the journal's mark;
5. switch (`kb.backup.switching`): the content folder in use goes aside
   (`<name>.before-restore-<time>`) and the unpacked one takes its place, the
   snapshot is published (numbered again as the newest when it is signed)
   and pushed to a shared snapshot store; then the journal is removed.

What fails in steps 1 to 4 changes nothing the product uses (the prepared
files are removed; the database's transaction is rolled back). What fails in
step 5 is rolled back (`RestoreFailed` says so): the database gets back what
it held (loaded again from step 3's backup, or emptied when it was empty),
the content folder and the published snapshot go back as they were, and a
snapshot store that took the restored snapshot gets the one before again.
Should that fail as well, the error says what is where, and the journal
stays for the next start to try again. A restore killed anywhere (SIGKILL, a
power cut) is finished or undone by the next `kb restore`, `kb index` or
`kb serve`, through its journal. Last, of the folders set aside by restores
(step 3's backups and step 5's content folders) only the newest `keep` of
each kind stay.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

from kb.backup import attachment_part, snapshot_part, switching
from kb.backup import journal as journal_file
from kb.backup.folder import (
    CONTENT,
    DATABASE,
    SNAPSHOT,
    BackupReport,
    Progress,
    create_backup,
    open_store,
    read_info,
)
from kb.backup.journal import SWITCHING, UNDOING, Journal, RestoreFailed, identity
from kb.backup.recovery import finish_interrupted
from kb.backup.set_aside import BEFORE, KEEP, free_name, prune
from kb.errors import IndexLockedError
from kb.settings import Settings

logger = logging.getLogger(__name__)

RESTORING = ".restoring"  # the backup's content folder, unpacked beside the one in use


def restore(
    settings: Settings,
    source: Path,
    replace: bool,
    progress: Progress,
    while_running: bool,
    keep: int = KEEP,
) -> BackupReport:
    """`kb.backup.archive.restore_backup`: the steps of the module docstring."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    if while_running:
        return _restore(settings, source, replace, progress, keep)
    with _alone(settings, "restore anyway with `kb restore --while-running`"):
        return _restore(settings, source, replace, progress, keep)


@contextmanager
def _alone(settings: Settings, anyway: str) -> Iterator[None]:
    """Hold the index folder and (PostgreSQL) the database alone, or raise
    `IndexLockedError` naming everything that runs: both are asked before the
    refusal, so a server on this machine does not hide the nodes elsewhere."""
    from indexer.cluster_users import sole_in_cluster
    from indexer.index_users import sole_user

    refused: list[IndexLockedError] = []
    with ExitStack() as held:
        for hold in (
            lambda: sole_user(settings.index_path, anyway),
            lambda: sole_in_cluster(settings.database_url, anyway),
        ):
            try:
                held.enter_context(hold())
            except IndexLockedError as exc:
                refused.append(exc)
        if len(refused) == 1:
            raise refused[0]
        if refused:
            here, there = (list(exc.details.get("running") or []) for exc in refused)
            raise IndexLockedError(
                f"{', '.join(here) or 'a `kb serve` or index watcher'} on this machine "
                f"(using the index folder {settings.index_path}) and "
                f"{', '.join(there) or 'a node'} using this database are running; a restore "
                "under them would be indexed, overwritten or written over while it happens. "
                "Stop them all first (`systemctl stop kb-serve kb-index` on each machine), "
                f"restore, and start them again; or {anyway}",
                details={"running": here + there},
            )
        yield


def _restore(
    settings: Settings, source: Path, replace: bool, progress: Progress, keep: int
) -> BackupReport:
    from indexer import snapshot

    started = time.perf_counter()
    progress(f"checking the backup {source}")
    info = read_info(source)
    report = BackupReport(folder=str(source))
    snap = info.get("snapshot") or None
    signed = False
    if snap:
        snapshot_part.verify(source / SNAPSHOT / snap["name"], bool(snap["files_included"]))
        signed = snapshot_part.check_signature(settings, source / SNAPSHOT / snap["name"], report)
    copy = source / SNAPSHOT / snap["name"] if snap and snap["files_included"] else None

    # The index lock first, before anything changes: an indexer at work now
    # would otherwise stop the restore half-way, or index the content folder
    # while it is swapped. The journal is written and removed under it.
    with snapshot.IndexLock(settings.index_path):
        report.notes += finish_interrupted(settings)
        journal = _prepare_and_load(
            settings, source, (copy, info), replace, signed, report, progress
        )
        try:
            served = switching.forward(settings, journal, report, progress)
            if served is not None:
                report.snapshot = served.name
                report.snapshot_files = len(
                    snapshot.read_manifest(served).get(snapshot.FILES) or {}
                )
        except BaseException as exc:  # Ctrl-C as well: never left half-switched
            _roll_back(settings, journal, report, exc)
        switching.forget(settings, journal)
    if journal.content_id is not None and not journal.content_empty:
        report.notes.append(f"the content folder that was there is kept as {journal.aside}")
    if journal.target is None:
        report.notes.append("no index files in the backup: run `kb index --full` now")
    prune(settings.content_path, keep, report)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _prepare_and_load(
    settings: Settings,
    source: Path,
    parts: tuple[Path | None, dict[str, Any]],
    replace: bool,
    signed: bool,
    report: BackupReport,
    progress: Progress,
) -> Journal:
    """Steps 2 to 4: the files prepared beside the ones in use, what `--replace`
    deletes kept, the journal written, the database loaded with the journal's
    mark. `parts`: the backup's snapshot copy (None: no index files) and its
    description. A failure removes what was prepared, unless the database
    was loaded after all (the switch is undone then) or nobody can tell (the
    journal stays for the next start to decide)."""
    staged: list[Path] = []
    journal = None
    try:
        journal = _prepare(settings, source, parts, replace, signed, staged, report, progress)
        _load(settings, source, replace, journal, report, progress)
        return journal
    except BaseException as exc:
        if journal is None:
            _remove(settings.content_path.with_name(settings.content_path.name + RESTORING))
            _remove(*staged)
            raise
        try:
            loaded = switching.loaded(settings, journal)
        except Exception:  # the journal stays: the next start tells and decides
            logger.exception("restore: cannot tell whether the database was loaded")
            raise exc from None
        if loaded:  # the commit went through and its answer was lost
            _roll_back(settings, journal, report, exc)
        switching.undo(settings, journal, loaded=False)
        switching.forget(settings, journal)
        raise


def _prepare(
    settings: Settings,
    source: Path,
    parts: tuple[Path | None, dict[str, Any]],
    replace: bool,
    signed: bool,
    staged: list[Path],
    report: BackupReport,
    progress: Progress,
) -> Journal:
    """The content folder unpacked, the attached files added, the snapshot
    copied into the index folder, what `--replace` deletes kept; the journal
    saying all that, on the disk."""
    from indexer import snapshot
    from kb.backup.database import holds_data

    copy, info = parts
    content, index_dir = settings.content_path, settings.index_path
    staging = content.with_name(content.name + RESTORING)
    progress(f"unpacking the content folder into {staging}")
    report.content_files = _unpack_content(source / CONTENT, staging)
    attached = info.get("attachments")
    if attached is not None:
        progress(f"adding the attached files to {settings.attachment_dir}")
    attachment_part.add(settings, source, attached, report)
    target = None
    if copy is not None:
        target, added = snapshot_part.stage(copy, index_dir)
        staged += [target] if added else []
    store = open_store(settings)
    try:
        was_empty = not holds_data(store.engine)
    finally:
        store.close()
    if replace and not was_empty:
        _keep_what_is_replaced(settings, report, progress)
    in_use = content.is_dir()
    journal = Journal(
        source=str(source),
        content=str(content),
        staging=str(staging),
        staging_id=identity(staging) or [],
        aside=str(free_name(content.with_name(f"{content.name}.{BEFORE}"))),
        content_id=identity(content) if in_use else None,
        content_empty=in_use and not any(content.iterdir()),
        served=snapshot.current_name(index_dir),
        target=None if target is None else target.name,
        staged=[path.name for path in staged],
        signed=signed,
        was_empty=was_empty,
        before_restore=report.before_restore,
        store_before=snapshot_part.store_current(settings),
    )
    journal_file.write(index_dir, journal)
    return journal


def _load(
    settings: Settings,
    source: Path,
    replace: bool,
    journal: Journal,
    report: BackupReport,
    progress: Progress,
) -> None:
    """Step 4: the rows loaded in one transaction, which writes the journal's mark."""
    from kb.backup.database import import_database

    progress("restoring the database")
    store = open_store(settings)
    try:
        report.rows = import_database(
            store.engine, source / DATABASE, replace=replace, mark=journal.token
        )
    finally:
        store.close()
    journal.phase = SWITCHING
    journal_file.write(settings.index_path, journal)


def _unpack_content(archive: Path, staging: Path) -> int:
    import tarfile

    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        # The "data" filter refuses absolute paths, .. and links out of the folder.
        tar.extractall(staging, members=members, filter="data")
    return sum(1 for m in members if m.isfile())


def _roll_back(
    settings: Settings, journal: Journal, report: BackupReport, exc: BaseException
) -> NoReturn:
    """Put the database, the content folder, the published snapshot and the
    snapshot store back as they were, then raise `RestoreFailed` saying what
    failed and what was done. What cannot be put back now is tried again by
    the next start (the journal stays)."""
    what = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    kept = report.before_restore
    journal.phase = UNDOING
    with suppress(OSError):
        journal_file.write(settings.index_path, journal)
    failed = switching.undo(settings, journal, loaded=True)
    where = f"; what the database and content folder held is kept in {kept}" if kept else ""
    if not failed:
        switching.forget(settings, journal)
        raise RestoreFailed(
            f"the restore failed after the database was loaded ({what}); it was rolled back: "
            f"the database, the content folder and the index are as they were before{where}",
            details={"rolled_back": True, "before_restore": kept},
        ) from exc
    back = f"`kb restore --replace {kept}` brings them back" if kept else "check them"
    raise RestoreFailed(
        f"the restore failed after the database was loaded ({what}), and putting back "
        f"{', '.join(failed)} failed too: the installation is part restored{where}; the next "
        "`kb restore`, `kb index` or `kb serve` tries to put it back again, or "
        f"{back}",
        details={"rolled_back": False, "before_restore": kept},
    ) from exc


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _keep_what_is_replaced(settings: Settings, report: BackupReport, progress: Progress) -> None:
    """Back up the rows `--replace` is about to delete (and the content folder,
    without the index) beside the content folder, so a restore of the wrong
    backup loses nothing: `kb restore --replace` of it brings them back."""
    aside = free_name(settings.content_path.with_name(f"backup.{BEFORE}"))
    progress(f"keeping what the database holds in {aside}")
    settings.content_path.mkdir(parents=True, exist_ok=True)  # a backup needs one
    create_backup(settings, aside, include_index=False)
    report.before_restore = str(aside)
    report.notes.append(
        f"the rows the database held are kept in {aside} (with the content folder); "
        f"`kb restore --replace {aside}` brings them back"
    )
