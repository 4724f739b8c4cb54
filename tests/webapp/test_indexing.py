"""The web process's index worker beside other index passes: a change saved
while another pass holds the index folder (a second web process's worker, a
`kb index` run) is indexed once that pass ends, never dropped."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import webapp.indexing
from indexer.snapshot import IndexLock
from webapp.indexing import IndexWorker


class LockingBuilder:
    """Takes the index folder's real lock, as `IndexBuilder.run` does."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.attempts = 0
        self.passes = 0

    def load_models(self) -> None:
        pass

    def run(self, full: bool = False, wait_lock: bool = False) -> SimpleNamespace:
        self.attempts += 1
        with IndexLock(self.index_dir):
            self.passes += 1
            return SimpleNamespace(snapshot="new")


def test_a_change_met_by_another_pass_is_indexed_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webapp.indexing, "LOCKED_RETRY_SECONDS", 0.05, raising=False)
    builder = LockingBuilder(tmp_path)
    worker = IndexWorker(lambda: builder)
    other_pass = IndexLock(tmp_path).__enter__()
    try:
        worker.changed("it/vpn.md")
        deadline = time.monotonic() + 30
        while builder.attempts < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert builder.attempts >= 2 and builder.passes == 0  # met the lock, kept trying
    finally:
        other_pass.__exit__(None, None, None)
    try:
        assert worker.wait_idle(30)
        assert builder.passes == 1 and worker.passes == 1
        assert worker.last_error == ""
    finally:
        worker.stop()
