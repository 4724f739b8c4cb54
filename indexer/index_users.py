"""Who is using an index folder: the running `kb serve` and index watchers.

`kb restore` swaps the content folder and publishes the backup's snapshot. A
server or watcher running on the same index folder meanwhile would index the
content folder while it is being swapped, or publish its own snapshot over the
restored one, and the index lock (`indexer.snapshot.IndexLock`) only shows a
pass that is at work at that very moment. So every `kb serve` (its master,
whose workers inherit the lock) and every watcher (`kb index --watch`, the
watcher process of `kb serve --watch`) holds a shared `flock` on `.in-use` in
the index folder for as long as it runs, and `kb restore` takes it
exclusively, without waiting: while any holder lives, the restore is refused
before anything changes.

The kernel drops a process's lock when it dies, so a server killed with
SIGKILL never leaves a stale one. Each holder also writes a note
`.in-use.d/<pid>` saying what it is, only so that the refusal can name it;
notes of processes that are gone are recognised by their pid and removed. A
holder that starts while a restore runs waits for it to finish.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kb.errors import IndexLockedError

logger = logging.getLogger(__name__)

LOCK = ".in-use"
NOTES = ".in-use.d"


def _open_lock(index_dir: Path) -> int:
    index_dir.mkdir(parents=True, exist_ok=True)
    return os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def holders(index_dir: Path) -> list[str]:
    """What the living holders said they are ("kb serve (pid 4711)"); the notes
    of processes that are gone are removed."""
    found = []
    folder = index_dir / NOTES
    for note in sorted(folder.glob("*")) if folder.is_dir() else []:
        if not note.name.isdigit() or not _alive(int(note.name)):
            note.unlink(missing_ok=True)
            continue
        with contextlib.suppress(OSError):
            found.append(f"{note.read_text(encoding='utf-8').strip()} (pid {note.name})")
    return found


@dataclass
class InUse:
    """Held by a running server or watcher: a shared lock on the index folder."""

    index_dir: Path
    role: str
    _fd: int | None = None
    _note: Path | None = None
    _pid: int = 0

    def __enter__(self) -> InUse:
        fd = _open_lock(self.index_dir)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("%s is being restored; waiting for the restore to end", self.index_dir)
            fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd, self._pid = fd, os.getpid()
        note = self.index_dir / NOTES / str(self._pid)
        with contextlib.suppress(OSError):  # the note only names the holder
            note.parent.mkdir(exist_ok=True)
            note.write_text(self.role, encoding="utf-8")
            self._note = note
        return self

    def __exit__(self, *exc: object) -> None:
        # A forked child (a gunicorn worker) leaving the block only closes its
        # copy: unlocking would release the one lock it shares with its parent.
        mine = self._pid == os.getpid()
        if self._note is not None and mine:
            self._note.unlink(missing_ok=True)
        self._note = None
        if self._fd is not None:
            if mine:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@contextmanager
def sole_user(index_dir: Path, override: str) -> Iterator[None]:
    """Hold the index folder alone (a restore), or raise `IndexLockedError`
    naming who uses it and, in `override`, how to go ahead anyway."""
    fd = _open_lock(index_dir)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            found = holders(index_dir)
            running = ", ".join(found) or "a running `kb serve` or index watcher"
            it, is_ = ("them", "are") if len(found) > 1 else ("it", "is")
            raise IndexLockedError(
                f"{running} {is_} using the index folder {index_dir}; a restore under "
                f"{it} would be indexed or overwritten while it happens. Stop {it} first "
                f"(`systemctl stop kb-serve kb-index`), restore, and start {it} again; or "
                f"{override}",
                details={"running": found, "where": str(index_dir)},
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
