"""A restore that was killed (SIGKILL, a power cut) finished or undone by the
next process that touches the data: `kb restore`, `kb index` (and every index
run: the watcher, an edit in the browser), `kb serve`, and the snapshot
follower of a server that kept running (`kb restore --while-running`) before
each snapshot it copies from a shared snapshot store.

A restore writes its journal (`kb.backup.journal`) before it loads the
database, and the load's transaction writes the journal's token as a mark.
Whoever takes the index folder's lock next and finds a journal knows the
restore died (a living one holds the lock), and reads the mark:

- no mark: the rows were never loaded (the transaction died with the
  process). What the restore prepared is removed; nothing else had changed.
- a mark: the rows are the backup's. The switch is finished from wherever it
  stopped (`kb.backup.switching.forward`), so that the content folder and
  the index match the database; a restore that was being rolled back
  (`UNDOING`) is rolled back to the end instead.

Either way the operator is told what was done (a note of `kb restore`'s
report, a warning in the log of `kb index` and `kb serve`). A recovery that
fails keeps the journal, says why and is tried again at the next start.
"""

from __future__ import annotations

import logging

from kb.backup import journal as journal_file
from kb.backup.folder import BackupReport, quiet
from kb.backup.journal import UNDOING, Journal, RestoreFailed
from kb.backup.switching import forget, forward, loaded, undo
from kb.errors import IndexLockedError, KbError
from kb.settings import Settings

logger = logging.getLogger(__name__)


def finish_interrupted(settings: Settings) -> list[str]:
    """Under the index folder's lock: finish or undo a restore that died; what
    was done, for the operator (nothing without a journal)."""
    found = journal_file.read(settings.index_path)
    if found is None:
        return []
    was_loaded = loaded(settings, found)
    if was_loaded and found.phase != UNDOING:
        said = _finish(settings, found)
    else:
        said = _undo(settings, found, was_loaded)
    forget(settings, found)
    return [said]


def _finish(settings: Settings, found: Journal) -> str:
    report = BackupReport(folder=found.source)
    try:
        served = forward(settings, found, report, quiet)
    except Exception as exc:
        raise _failed(settings, found, "finished", exc) from exc
    aside = (
        f" (the one before is kept as {found.aside})"
        if found.content_id is not None and not found.content_empty
        else ""
    )
    index = "no index files were in the backup: run `kb index --full`"
    if served is not None:
        index = f"its snapshot {served.name} is published"
    notes = "".join(f"; {note}" for note in report.notes)
    return (
        f"a restore of {found.source} was interrupted after the database was loaded; it is "
        f"finished now: the content folder {found.content} holds the backup's files{aside}, "
        f"{index}{notes}"
    )


def _undo(settings: Settings, found: Journal, loaded: bool) -> str:
    failed = undo(settings, found, loaded)
    if failed:
        what = RuntimeError(", ".join(failed))
        raise _failed(settings, found, "put back", what)
    if not loaded:
        return (
            f"a restore of {found.source} was interrupted before the database was loaded; "
            "nothing had changed, and what it had prepared (the unpacked content folder, the "
            "copied snapshot) is removed: restore again"
        )
    kept = f"; what the database held is kept in {found.before_restore}"
    return (
        f"a restore of {found.source} failed and was interrupted while it was rolled back; "
        "it is rolled back now: the database, the content folder and the index are as they "
        f"were before{kept if found.before_restore else ''}"
    )


def _failed(settings: Settings, found: Journal, done: str, exc: Exception) -> RestoreFailed:
    what = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    where = journal_file.journal_path(settings.index_path)
    return RestoreFailed(
        f"a restore of {found.source} was interrupted, and could not be {done} now ({what}). "
        f"Its journal {where} stays: mend the cause and run `kb restore`, `kb index` or "
        "`kb serve` again, which try again; or, to keep the content folder, the index and "
        "the database as they are, remove the journal",
        details={"rolled_back": False, "before_restore": found.before_restore},
    )


def recover_at_start(settings: Settings) -> list[str]:
    """`finish_interrupted` for a process starting (`kb serve`), under the
    index folder's lock; each thing done logged as a warning. A process that
    holds the lock meanwhile (an index run) recovers itself."""
    from indexer import snapshot

    if not journal_file.journal_path(settings.index_path).exists():
        return []
    try:
        with snapshot.IndexLock(settings.index_path):
            said = finish_interrupted(settings)
    except IndexLockedError:
        logger.warning(
            "a restore's journal is in %s and an index run holds the folder: it finishes "
            "or undoes the restore",
            settings.index_path,
        )
        return []
    for note in said:
        logger.warning("%s", note)
    return said


def finish_before_pull(settings: Settings) -> list[str]:
    """`finish_interrupted` for a running node's snapshot follower, which holds
    the index folder's lock (`indexer.snapshot_store.sync.pull_locked`): a
    restore killed while the server ran is put right before a pulled snapshot
    is served or tidied. Any failure is a `KbError`, which the follower logs
    before it tries again; it pulls nothing meanwhile."""
    try:
        return finish_interrupted(settings)
    except KbError:
        raise
    except Exception as exc:
        where = journal_file.journal_path(settings.index_path)
        raise RestoreFailed(
            f"a restore was interrupted (its journal is {where}), and the snapshot follower "
            f"could not finish or undo it now ({type(exc).__name__}: {exc}); this node keeps "
            "its snapshot and tries again; or run `kb restore` or `kb index`",
            details={"rolled_back": False, "before_restore": None},
        ) from exc
