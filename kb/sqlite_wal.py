"""Putting a SQLite file in WAL mode when other processes may be opening it too.

Two processes that open a new file at the same moment (two index runs' caches,
a benchmark beside an index run, web workers starting together) both read it
and then ask to change its journal mode. SQLite answers one of them "database
is locked" at once, without waiting through its busy timeout, since waiting
could deadlock two readers that both want to write. The switch changes nothing
once made, so it is simply tried again until the wait allowed has passed.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any, Protocol


class Executes(Protocol):
    """A DB-API connection or cursor: what runs the pragma."""

    def execute(self, sql: str, /) -> Any: ...


def enable_wal(db: Executes, wait_seconds: float) -> None:
    """Switch `db`'s file to write-ahead logging, trying again while another
    connection holds the lock, for at most `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    pause = 0.01
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)
