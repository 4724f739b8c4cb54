"""Switching a SQLite file to WAL while other processes open it (`kb.sqlite_wal`).

SQLite answers "database is locked" at once, not after its busy timeout, to one
of two connections that both read a new file and then ask to change its
journal mode (the CI run of `test_processes_writing_one_new_cache_at_once_keep_it_whole`
lost a process so): the switch is tried again, for a bounded time, and any
other error is not retried."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kb.sqlite_wal import enable_wal


class Busy:
    """A connection that is locked by another `busy` times, then switches."""

    def __init__(self, busy: int, error: str = "database is locked") -> None:
        self.busy, self.error, self.calls = busy, error, 0

    def execute(self, sql: str, /) -> Any:
        self.calls += 1
        if self.calls <= self.busy:
            raise sqlite3.OperationalError(self.error)
        assert sql == "PRAGMA journal_mode=WAL"
        return None


def test_a_switch_refused_as_locked_is_tried_again() -> None:
    db = Busy(busy=3)
    enable_wal(db, wait_seconds=5)
    assert db.calls == 4


def test_a_lock_held_past_the_wait_is_reported() -> None:
    db = Busy(busy=10**6)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        enable_wal(db, wait_seconds=0.05)
    assert 1 < db.calls < 100


def test_other_errors_are_not_retried() -> None:
    db = Busy(busy=5, error="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        enable_wal(db, wait_seconds=5)
    assert db.calls == 1


def test_a_real_file_ends_in_wal_mode(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "cache.db")
    enable_wal(db, wait_seconds=1)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
