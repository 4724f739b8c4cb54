"""A `kb restore` killed with SIGKILL (as a power cut would stop it) is
finished or undone by the next start, which says what it did.

Each test runs a real restore in a second process that stops at one point of
the switch (a function replaced by one that waits), kills it there with
SIGKILL, checks that it left things half-done, and starts the recovery the
way a server, an index run or the next restore does.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from kb.accounts.service import add_user
from kb.backup import journal
from kb.backup.recovery import recover_at_start
from kb.settings import Settings
from kb.store.factory import create_store
from tests.kb.backup.test_backup import files, tables
from tests.kb.backup.test_backup_refusals import _backup
from tests.snapshots import SECOND, make_snapshot
from tests.support import HashingEmbedder, run_kb

ROOT = Path(__file__).resolve().parents[3]
BACKUP_SNAPSHOT = "20260303T090000-aaaa"
# A restore that waits, forever, where `argv[5]` says; "waiting" on stdout first.
# `argv[6]`: more settings (JSON); the restore runs as `kb restore --while-running`.
RESTORE = """
import json, pathlib, sys, time
from kb.settings import Settings
from kb.store.factory import create_store

url, content, index, backup, point, more = sys.argv[1:7]

def wait(*args, **kwargs):
    print("waiting", flush=True)
    time.sleep(600)

if point == "commit":  # in the database's transaction, before its commit
    from kb.backup import database
    database.fill_search_texts = wait
elif point == "publish":  # the content folder switched, the snapshot not yet published
    from indexer import snapshot
    snapshot.publish = wait
elif point == "rename":  # the content folder in use aside, the backup's not yet in place
    rename = pathlib.Path.rename
    def second_waits(self, target):
        if self.name.endswith(".restoring"):
            wait()
        return rename(self, target)
    pathlib.Path.rename = second_waits

from kb.backup.archive import restore_backup
settings = Settings.load(
    {"database_url": url, "content_dir": content, "index_dir": index, **json.loads(more)},
    environ={},
)
restore_backup(settings, pathlib.Path(backup), replace=True, while_running=True)
"""


def _killed_at(settings: Settings, backup: Path, point: str) -> None:
    """A restore of `backup` over `settings`, killed with SIGKILL at `point`."""
    more = {"snapshot_store": settings.snapshot_store, "secret_key": settings.secret_key}
    args = [settings.database_url, settings.content_dir, settings.index_dir, str(backup), point]
    args.append(json.dumps(more))
    proc = subprocess.Popen(
        [sys.executable, "-c", RESTORE, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "waiting\n", "the restore ended before the point"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert journal.journal_path(settings.index_path).is_file()


def _changed_since(source: Settings) -> tuple[dict[str, object], dict[str, bytes]]:
    """An account, an edited article and a newer snapshot since the backup; the
    rows and files."""
    store = create_store(source.database_url)
    try:
        add_user(store, "otto", "employee", password="otto-secret-1")
    finally:
        store.close()
    (source.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    make_snapshot(source.index_path, "20260404T090000-bbbb", SECOND)
    return tables(source.database_url), files(source.content_path)


def test_a_restore_killed_before_its_commit_is_undone_at_the_next_start(
    tmp_path: Path,
) -> None:
    source, backup = _backup(tmp_path)
    (tmp_path / "source" / "index" / "snapshots" / BACKUP_SNAPSHOT).rename(tmp_path / "old")
    rows, content = _changed_since(source)
    _killed_at(source, backup, "commit")
    assert (source.content_path.parent / "content.restoring").is_dir()  # prepared
    assert (snapshot.snapshots_dir(source.index_path) / BACKUP_SNAPSHOT).is_dir()

    said = recover_at_start(source)  # as `kb serve` starts

    assert len(said) == 1 and "interrupted before the database was loaded" in said[0]
    assert "nothing had changed" in said[0] and str(backup) in said[0]
    assert tables(source.database_url) == rows
    assert files(source.content_path) == content
    assert not (source.content_path.parent / "content.restoring").exists()
    assert not (snapshot.snapshots_dir(source.index_path) / BACKUP_SNAPSHOT).exists()
    assert not journal.journal_path(source.index_path).exists()


def test_a_restore_killed_before_the_snapshot_is_published_is_finished_by_the_next_index_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source, backup = _backup(tmp_path)
    rows, content = _changed_since(source)
    served = snapshot.current_name(source.index_path)
    _killed_at(source, backup, "publish")
    # The index runs without the second model, whose vectors nothing here reads.
    indexing = source.replace(secondary_model="")
    # Half-done: the backup's rows and content folder, the index as it was.
    assert tables(source.database_url) != rows
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()

    with caplog.at_level(logging.WARNING, logger="indexer.build"):
        IndexBuilder(indexing, embedder=HashingEmbedder()).run(full=True)

    told = [r.getMessage() for r in caplog.records if "interrupted" in r.getMessage()]
    assert len(told) == 1 and "it is finished now" in told[0], told
    assert f"its snapshot {BACKUP_SNAPSHOT} is published" in told[0]
    (aside,) = source.content_path.parent.glob("content.before-restore-*")
    assert files(aside) == content and f"kept as {aside}" in told[0]
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()
    assert snapshot.current_name(source.index_path) not in (None, served)
    assert not journal.journal_path(source.index_path).exists()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="indexer.build"):
        IndexBuilder(indexing, embedder=HashingEmbedder()).run(full=True)
    assert not [r for r in caplog.records if "interrupted" in r.getMessage()]


def test_a_restore_killed_between_the_two_renames_is_finished_by_the_next_restore(
    tmp_path: Path,
) -> None:
    source, backup = _backup(tmp_path)
    rows, content = _changed_since(source)
    _killed_at(source, backup, "rename")
    assert not source.content_path.exists()  # the folder in use aside, none in its place

    args = [
        *("--set", f"database_url={source.database_url}"),
        *("--set", f"content_dir={source.content_dir}"),
        *("--set", f"index_dir={source.index_dir}"),
    ]
    done = run_kb({"KB_SETTINGS": "/dev/null"}, *args, "restore", "--replace", str(backup))

    assert done.exit_code == 0, done.output
    assert "was interrupted after the database was loaded; it is finished now" in done.output
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()
    asides = sorted(source.content_path.parent.glob("content.before-restore-*"))
    assert files(asides[0]) == content  # the folder the killed restore set aside
    assert snapshot.current_name(source.index_path) == BACKUP_SNAPSHOT
    assert not journal.journal_path(source.index_path).exists()


def test_kb_serve_puts_a_killed_restore_right_before_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp import server

    source, backup = _backup(tmp_path)
    rows, content = _changed_since(source)
    _killed_at(source, backup, "commit")
    journal_then: list[bool] = []

    def prepared(settings: Settings) -> Settings:
        """Where the server would load the index and start serving: stop here."""
        journal_then.append(journal.journal_path(settings.index_path).exists())
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "configure_logging", lambda level: None)
    monkeypatch.setattr(server, "prepare", prepared)
    with pytest.raises(KeyboardInterrupt):
        server.serve(source, host="127.0.0.1", port=0, workers=1, threads=1)
    assert journal_then == [False]
    assert tables(source.database_url) == rows and files(source.content_path) == content
    assert not (source.content_path.parent / "content.restoring").exists()
