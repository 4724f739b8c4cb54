"""A restore's journal: what it is about to switch, written beside the index
before the database is loaded, so that a restore killed on the way (SIGKILL,
a power cut) is finished or undone by the next start (`kb.backup.recovery`).

The journal lives in the index folder (`restore-journal.json`), which every
process that touches the data knows, and is only written and read under the
index folder's lock (`indexer.snapshot.IndexLock`): a restore holds the lock
from before the journal is written until after it is removed, so a journal
found by whoever takes the lock next belongs to a restore that died.

The folders are recorded with their device and inode as well as their path:
a rename keeps the inode, so the state of the content folder can be read from
the disk at any moment, whichever rename a restore or a recovery was killed
after. The journal's token is written into the database in the load's own
transaction (`kb.backup.database.has_mark`): whether the rows were loaded is
known exactly, not guessed.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from kb.errors import ConfigError, KbError

JOURNAL = "restore-journal.json"
LOADING = "loading"  # the database is being loaded (whether it committed: the mark)
SWITCHING = "switching"  # the rows are in; the files are being switched
UNDOING = "undoing"  # the switch failed; everything is being put back


class RestoreFailed(KbError):
    """A restore failed after the database was loaded; `details["rolled_back"]`
    says whether everything was put back as it was before."""

    code = "restore_failed"


def identity(path: Path) -> list[int] | None:
    """A folder's device and inode (kept by a rename); None when nothing is there."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    return [found.st_dev, found.st_ino]


@dataclass
class Journal:
    """What a restore changes, and how far it got."""

    source: str  # the backup folder
    content: str  # the content folder in use
    staging: str  # the backup's content folder, unpacked beside it
    staging_id: list[int]  # `identity` of the unpacked folder
    aside: str  # where the content folder in use goes
    content_id: list[int] | None  # `identity` of the content folder in use (None: none)
    content_empty: bool  # ... which was empty (removed, and made again when undone)
    served: str | None  # the snapshot the index folder served before
    target: str | None  # the backup's snapshot in the index folder (None: no index files)
    staged: list[str]  # snapshot folders the restore added (removed when undone)
    signed: bool  # the target is published again, numbered as the newest
    was_empty: bool  # the database held nothing before
    before_restore: str | None  # the backup of what `--replace` deletes
    store_before: str | None  # the shared snapshot store's snapshot before
    phase: str = LOADING
    reissued: str | None = None  # the target published again under this name
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def final_snapshot(self) -> str | None:
        """The snapshot the restore publishes in the end."""
        return self.reissued or self.target


def journal_path(index_dir: Path) -> Path:
    return index_dir / JOURNAL


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(index_dir: Path, journal: Journal) -> None:
    """Write the journal (again) atomically, on the disk before this returns."""
    target = journal_path(index_dir)
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(asdict(journal), fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    _fsync_dir(index_dir)


def read(index_dir: Path) -> Journal | None:
    """The journal of a restore that did not end (None: there is none)."""
    where = journal_path(index_dir)
    try:
        data: Any = json.loads(where.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Journal)}
        if not isinstance(data, dict) or set(data) != known:
            raise ValueError("not shaped as a restore's journal")
        return Journal(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"{where} records a restore that did not end, but cannot be read ({exc}); check "
            "the content folder and the index by hand, then remove the file"
        ) from None


def remove(index_dir: Path) -> None:
    journal_path(index_dir).unlink(missing_ok=True)
    _fsync_dir(index_dir)
