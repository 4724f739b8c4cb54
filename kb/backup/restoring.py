"""Taking a backup folder apart again (`kb restore`): all of it, or none of it.

The steps, in this order, under the index folder's lock:

1. check every part against its checksum (and the snapshot's signature);
2. prepare the files: unpack the content folder beside the one in use
   (`<name>.restoring`), add the attached files kept as files
   (`kb.backup.attachment_part`) and copy the snapshot into the index
   folder, unpublished;
3. keep what `--replace` is about to delete (`backup.before-restore-<time>`,
   beside the content folder);
4. load the database, in one transaction;
5. switch the files: the content folder in use goes aside
   (`<name>.before-restore-<time>`) and the unpacked one takes its place, and
   the snapshot is published (numbered again as the newest when it is signed).

What fails in steps 1 to 4 changes nothing the product uses (the prepared
files are removed; the database's transaction is rolled back). What fails in
step 5 is rolled back (`RestoreFailed` says so): the database gets back what
it held (loaded again from step 3's backup, or emptied when it was empty),
the content folder and the published snapshot go back as they were. Should
that fail as well, the error says what is where. Then, best effort, the
snapshot is pushed to a shared snapshot store, and of the folders set aside
by restores (step 3's backups and step 5's content folders) only the newest
`keep` of each kind stay.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.backup import attachment_part, snapshot_part
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
from kb.errors import IndexLockedError, KbError
from kb.settings import Settings

logger = logging.getLogger(__name__)

KEEP = 3
"""How many pre-restore backups (and content folders set aside) a restore keeps."""
BEFORE = "before-restore"
_STAMPED = re.compile(r"-(\d{8}T\d{6})(?:-(\d+))?")


class RestoreFailed(KbError):
    """A restore failed after the database was loaded; `details["rolled_back"]`
    says whether everything was put back as it was before."""

    code = "restore_failed"


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


@dataclass
class _Switch:
    """What step 5 changed so far, to put back."""

    content: Path
    staging: Path
    index_dir: Path
    served: str | None  # the snapshot published before
    staged: list[Path]  # snapshot folders the restore added
    aside: Path | None = None  # the content folder in use before
    emptied: bool = False  # an empty content folder removed
    moved_in: bool = False
    published: bool = False


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
    content, index_dir = settings.content_path, settings.index_path
    copy = source / SNAPSHOT / snap["name"] if snap and snap["files_included"] else None

    # The index lock first, before anything changes: an indexer at work now
    # would otherwise stop the restore half-way, or index the content folder
    # while it is swapped.
    with snapshot.IndexLock(index_dir):
        staging = content.with_name(content.name + ".restoring")
        switch = _Switch(content, staging, index_dir, snapshot.current_name(index_dir), [])
        try:
            attached = info.get("attachments")
            target, was_empty = _prepare_and_load(
                settings, source, (copy, attached), replace, switch, report, progress
            )
        except BaseException:
            _remove(switch.staging, *switch.staged)
            raise
        try:
            target = _switch_files(settings, switch, target, signed, report, progress)
        except BaseException as exc:  # Ctrl-C as well: never left half-switched
            _roll_back(settings, switch, was_empty, report, exc)
    if target is not None:
        report.snapshot = target.name
        report.snapshot_files = len(snapshot.read_manifest(target).get(snapshot.FILES) or {})
        snapshot_part.push(settings, target, report)
    else:
        report.notes.append("no index files in the backup: run `kb index --full` now")
    _prune(content, keep, report)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _prepare_and_load(
    settings: Settings,
    source: Path,
    parts: tuple[Path | None, dict[str, Any] | None],
    replace: bool,
    switch: _Switch,
    report: BackupReport,
    progress: Progress,
) -> tuple[Path | None, bool]:
    """Steps 2 to 4: the files prepared beside the ones in use, what `--replace`
    deletes kept, the database loaded. `parts`: the backup's snapshot copy (None:
    no index files) and its attached files' part. The snapshot to publish, and
    whether the database was empty before."""
    from kb.backup.database import holds_data, import_database

    copy, attached = parts
    progress(f"unpacking the content folder into {switch.staging}")
    report.content_files = _unpack_content(source / CONTENT, switch.staging)
    if attached is not None:
        progress(f"adding the attached files to {settings.attachment_dir}")
    attachment_part.add(settings, source, attached, report)
    target = None
    if copy is not None:
        target, added = snapshot_part.stage(copy, switch.index_dir)
        switch.staged += [target] if added else []
    progress("restoring the database")
    store = open_store(settings)
    try:
        was_empty = not holds_data(store.engine)
        if replace and not was_empty:
            _keep_what_is_replaced(settings, report, progress)
        report.rows = import_database(store.engine, source / DATABASE, replace=replace)
    finally:
        store.close()
    return target, was_empty


def _switch_files(
    settings: Settings,
    switch: _Switch,
    target: Path | None,
    signed: bool,
    report: BackupReport,
    progress: Progress,
) -> Path | None:
    """Step 5: the unpacked content folder in place, the snapshot published
    (numbered again when signed); the snapshot now served."""
    from indexer import snapshot, snapshot_order

    progress(f"putting the content folder {switch.content} in place")
    _switch_content(switch, report)
    if target is None:
        return None
    progress(f"publishing index snapshot {target.name}")
    served = snapshot_order.current_sequence(switch.index_dir)
    switch.published = True
    snapshot.publish(switch.index_dir, target)
    if signed:
        target = snapshot_part.reissue(settings, target, served, report)
        switch.staged.append(target)
    return target


def _unpack_content(archive: Path, staging: Path) -> int:
    import tarfile

    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        # The "data" filter refuses absolute paths, .. and links out of the folder.
        tar.extractall(staging, members=members, filter="data")
    return sum(1 for m in members if m.isfile())


def _switch_content(switch: _Switch, report: BackupReport) -> None:
    content = switch.content
    if content.exists() and any(content.iterdir()):
        switch.aside = free_name(content.with_name(f"{content.name}.{BEFORE}"))
        content.rename(switch.aside)
        report.notes.append(f"the content folder that was there is kept as {switch.aside}")
    elif content.exists():
        content.rmdir()
        switch.emptied = True
    switch.staging.rename(content)
    switch.moved_in = True


def _roll_back(
    settings: Settings, switch: _Switch, was_empty: bool, report: BackupReport, exc: BaseException
) -> None:
    """Put the database, the content folder and the published snapshot back as
    they were, then raise `RestoreFailed` saying what failed and what was done."""
    what = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    kept = report.before_restore
    failed: list[str] = []
    for part, step in (
        ("the database", lambda: _database_back(settings, was_empty, kept)),
        ("the content folder", lambda: _content_back(switch)),
        ("the index", lambda: _index_back(switch)),
    ):
        try:
            step()
        except Exception as undo:
            logger.exception("restore: could not put back %s", part)
            failed.append(f"{part} ({getattr(undo, 'message', None) or undo})")
    where = f"; what the database and content folder held is kept in {kept}" if kept else ""
    if not failed:
        raise RestoreFailed(
            f"the restore failed after the database was loaded ({what}); it was rolled back: "
            f"the database, the content folder and the index are as they were before{where}",
            details={"rolled_back": True, "before_restore": kept},
        ) from exc
    back = f"`kb restore --replace {kept}` brings them back" if kept else "check them"
    raise RestoreFailed(
        f"the restore failed after the database was loaded ({what}), and putting back "
        f"{', '.join(failed)} failed too: the installation is part restored{where}; {back}",
        details={"rolled_back": False, "before_restore": kept},
    ) from exc


def _database_back(settings: Settings, was_empty: bool, kept: str | None) -> None:
    """The rows the database held: none, or those of the pre-restore backup."""
    from kb.backup.database import clear_database, import_database

    store = open_store(settings)
    try:
        if was_empty:
            clear_database(store.engine)
        elif kept is not None:
            import_database(store.engine, Path(kept) / DATABASE, replace=True)
    finally:
        store.close()


def _content_back(switch: _Switch) -> None:
    if switch.moved_in:
        switch.content.rename(switch.staging)
    if switch.aside is not None:
        switch.aside.rename(switch.content)
    elif switch.emptied:
        switch.content.mkdir()
    _remove(switch.staging)


def _index_back(switch: _Switch) -> None:
    """The snapshot served before published again; the restore's removed."""
    from indexer import snapshot

    if switch.published:
        if switch.served is not None:
            before = snapshot.snapshots_dir(switch.index_dir) / switch.served
            snapshot.publish(switch.index_dir, before)
        else:
            (switch.index_dir / "CURRENT").unlink(missing_ok=True)
    _remove(*switch.staged)


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def free_name(base: Path) -> Path:
    """`<base>-<time>`, or with `-2`, `-3`… when a restore within the same
    second took that name already (renaming onto it would fail half-way):
    numbered above every one of that second, so that the newest stays the
    newest when older ones were removed (`_prune`)."""
    stamped = base.with_name(f"{base.name}-{time.strftime('%Y%m%dT%H%M%S')}")
    same_second = re.compile(re.escape(stamped.name) + r"(?:-(\d+))?")
    taken = [
        int(found[1] or 1)
        for path in stamped.parent.glob(f"{stamped.name}*")
        if (found := same_second.fullmatch(path.name))
    ]
    number = max(taken, default=0) + 1
    return stamped if number == 1 else stamped.with_name(f"{stamped.name}-{number}")


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


def _prune(content: Path, keep: int, report: BackupReport) -> None:
    """Of the pre-restore backups and the content folders set aside beside
    `content`, keep the newest `keep` of each kind; say which were removed."""
    for base in (f"backup.{BEFORE}", f"{content.name}.{BEFORE}"):
        found = []
        for path in content.parent.glob(f"{base}-*"):
            stamp = _STAMPED.fullmatch(path.name[len(base) :])
            if stamp and path.is_dir():
                found.append(((stamp[1], int(stamp[2] or 1)), path))
        for _order, path in sorted(found)[:-keep]:
            with suppress(OSError):
                shutil.rmtree(path)
                report.removed.append(str(path))
    if report.removed:
        report.notes.append(
            f"removed {len(report.removed)} older folder(s) set aside by earlier restores "
            f"(the newest {keep} of each kind are kept): {', '.join(report.removed)}"
        )
