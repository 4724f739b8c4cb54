"""Backup and restore as one API (`kb backup`, `kb restore` and the tests call
it): `create_backup` puts a backup folder together (`kb.backup.folder`),
`restore_backup` takes it apart again, all of it or none
(`kb.backup.restoring`).

A restore checks every checksum before it changes anything, prepares the
content folder and the snapshot beside the ones in use, keeps what
`--replace` is about to delete, loads the database (one transaction) and then
switches the files; a failure after the database was loaded is rolled back.
It is refused while a `kb serve` or an index watcher runs on the same index
folder (`indexer.index_users`) or, with PostgreSQL, on any machine that uses
the database (`indexer.cluster_users`), unless told to go ahead.
"""

from __future__ import annotations

from pathlib import Path

from kb.backup.folder import BackupReport, Progress, create_backup, quiet, read_info
from kb.backup.restoring import KEEP, restore
from kb.settings import Settings

__all__ = ["BackupReport", "create_backup", "read_info", "restore_backup"]


def restore_backup(
    settings: Settings,
    source: Path,
    replace: bool = False,
    progress: Progress = quiet,
    while_running: bool = False,
    keep: int = KEEP,
) -> BackupReport:
    """Bring database, content folder and index back from a backup folder, all
    of it or none; refused while a `kb serve` or an index watcher uses the
    index folder or (PostgreSQL) the database, unless `while_running`. Of the
    folders earlier restores set aside, the newest `keep` of each kind stay."""
    return restore(settings, source, replace, progress, while_running, keep)
