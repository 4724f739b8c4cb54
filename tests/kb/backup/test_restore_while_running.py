"""`kb restore` under a running server or index watcher is refused.

The index lock only shows a pass at work at that moment; a `kb serve` or an
index watcher between passes would index the content folder while a restore
swaps it, or publish over the restored snapshot. Each holds the index
folder's in-use lock while it runs (`indexer.index_users`); these tests run
a real watcher in a second process and check that the restore is refused
while it lives, goes ahead once it is killed (its note recognised as stale by
its pid), and goes ahead when the operator says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import index_users
from indexer.index_users import InUse
from kb.backup.archive import restore_backup
from kb.errors import IndexLockedError
from kb.settings import Settings
from tests.kb.backup.test_backup import tables
from tests.kb.backup.test_backup_refusals import _backup
from tests.support import run_kb

ROOT = Path(__file__).resolve().parents[3]
# The watcher of `kb index --watch` and `kb serve --watch`, with a model-free
# embedder so that the process starts in a second.
WATCHER = """
import sys
from indexer.build import IndexBuilder
from indexer.watch import watch_content
from kb.settings import Settings
from tests.support import HashingEmbedder

settings = Settings.load({"content_dir": sys.argv[1], "index_dir": sys.argv[2]}, environ={})
watch_content(IndexBuilder(settings, embedder=HashingEmbedder()), print)
"""


def _start_watcher(settings: Settings) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WATCHER, settings.content_dir, settings.index_dir], cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while not index_users.holders(settings.index_path):
        assert proc.poll() is None, "the watcher process ended"
        assert time.monotonic() < deadline, "the watcher did not start within 60 s"
        time.sleep(0.1)
    return proc


def test_a_restore_under_a_running_watcher_is_refused_until_it_is_gone(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    before = tables(source.database_url)
    (source.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    watcher = _start_watcher(source)
    try:
        said = f"index watcher \\(pid {watcher.pid}\\) is using the index folder"
        with pytest.raises(IndexLockedError, match=f"{said}.*--while-running"):
            restore_backup(source, backup, replace=True)
        assert tables(source.database_url) == before
        assert (source.content_path / "it" / "vpn.md").read_text() == "edited since the backup\n"
        assert not list(source.content_path.parent.glob("content.*"))
    finally:
        watcher.send_signal(signal.SIGKILL)  # no chance to clean up: its note stays
        watcher.wait(timeout=30)
    assert (source.index_path / index_users.NOTES / str(watcher.pid)).exists()
    restore_backup(source, backup, replace=True)  # the kernel dropped its lock
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()
    assert index_users.holders(source.index_path) == []  # the stale note is gone


def test_the_operator_may_restore_while_a_server_runs(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    env = {"KB_SETTINGS": "/dev/null"}
    args = [
        *("--set", f"database_url={source.database_url}"),
        *("--set", f"content_dir={source.content_dir}"),
        *("--set", f"index_dir={source.index_dir}"),
        "restore",
        "--replace",
        "--json",
        str(backup),
    ]
    with InUse(source.index_path, "kb serve"):  # a lock of its own: refused as well
        refused = run_kb(env, *args)
        assert refused.exit_code == 1
        assert f"kb serve (pid {os.getpid()}) is using" in refused.output
        done = run_kb(env, *args[:-1], "--while-running", str(backup))
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["content_files"] == 2


# A holder of the in-use lock in a process of its own, until killed.
HOLDER = """
import sys, time
from pathlib import Path
from indexer.index_users import InUse
with InUse(Path(sys.argv[1]), sys.argv[2]):
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_refusal_names_every_process_that_runs(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    before = tables(source.database_url)
    running = [
        subprocess.Popen(
            [sys.executable, "-c", HOLDER, source.index_dir, role], cwd=ROOT, stdout=subprocess.PIPE
        )
        for role in ("kb serve", "index watcher")
    ]
    try:
        for proc in running:
            assert proc.stdout is not None and proc.stdout.readline() == b"holding\n"
        with pytest.raises(IndexLockedError) as refused:
            restore_backup(source, backup, replace=True)
        said = str(refused.value)
        assert f"kb serve (pid {running[0].pid})" in said
        assert f"index watcher (pid {running[1].pid})" in said
        assert "are using the index folder" in said and "Stop them first" in said
        assert refused.value.details["running"] == index_users.holders(source.index_path)
        assert tables(source.database_url) == before
    finally:
        for proc in running:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
