"""The attached files of a backup, where they are kept as files
(`attachment_store = files`, in `attachment_dir`; with the default `database`
store they are rows of the database part).

Packed as `attachments.tar.gz` with its checksum in `backup.json`. A restore
adds the backup's files to `attachment_dir` before it loads the database:
each file is named by its SHA-256, so a file already there is the same file
and stays, and a file added by a restore that is then rolled back names no
attachment and harms nothing. A backup made before attached files were
backed up has no such part: the restore says so.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.settings import Settings

if TYPE_CHECKING:
    from kb.backup.folder import BackupReport

ATTACHMENTS = "attachments.tar.gz"


def pack(settings: Settings, target: Path) -> int | None:
    """`attachment_dir`'s files into `target/attachments.tar.gz`; how many
    (None: attached files are kept in the database)."""
    if settings.attachment_store != "files":
        return None
    folder = Path(settings.attachment_dir)
    count = 0
    with tarfile.open(target / ATTACHMENTS, "w:gz") as tar:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            # Only kept files (`ab/<sha256>`), not a write cut short.
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
                count += 1
    return count


def add(
    settings: Settings, source: Path, part: dict[str, Any] | None, report: BackupReport
) -> None:
    """The backup's attached files added to `attachment_dir` (those missing)."""
    if part is None:
        if settings.attachment_store == "files":
            report.notes.append(
                "the backup holds no attached files of the files attachment store (made "
                "with the database store, or by an older version): files attached before "
                f"it are those {settings.attachment_dir} holds"
            )
        return
    if settings.attachment_store != "files":
        report.notes.append(
            f"the backup's {part['files']} attached files were kept as files; this "
            "installation keeps them in the database (attachment_store): set "
            "attachment_store = files and attachment_dir, and restore again"
        )
        return
    folder = Path(settings.attachment_dir)
    staging = folder.with_name(folder.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(source / ATTACHMENTS, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            tar.extractall(staging, members=members, filter="data")
        for member in members:
            kept = folder / member.name
            if not kept.is_file():
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / member.name, kept)
                report.attachment_files += 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
