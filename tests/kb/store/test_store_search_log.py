"""The search log (`kb.search_log`) over a real store, on both backends, while
another connection holds the write lock: the search is not held up, and its
event is written, in order, once the lock is released."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

import kb.store.factory
from kb.events import SearchEvent
from kb.search_log import SearchLog
from kb.store.factory import create_store
from tests.store_locks import lock_waiters, write_lock_held

WAIT = 60.0  # seconds for the writer thread, also on a loaded machine


def test_a_search_logged_under_a_held_write_lock_is_written_after_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's connections give up on the lock after 0.2 s instead of 5 s.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    store = create_store(store_url)
    log = SearchLog(store.log_search, first_retry=0.05, last_retry=0.2)
    try:
        first = log.submit(SearchEvent(query="warm up", answered=True)).written(WAIT)
        assert first is not None
        with (
            write_lock_held(store_url),
            lock_waiters(store_url, store.engine, "search_events") as waiters,  # type: ignore[attr-defined]
        ):
            pending = [
                log.submit(SearchEvent(query=f"vpn {i}", answered=True, user="b1"))
                for i in range(3)
            ]
            # The search answers without waiting: it got here while the lock is held.
            assert pending[0].written(0.2) is None
            waiters.until(1)  # the writer asked for the lock, and waits or was refused
            if store_url.startswith("sqlite:///"):  # refused after the busy timeout: retried
                _until(lambda: log.stats().retried >= 1)
            assert all(p.search_id is None for p in pending)
        ids = [p.written(WAIT) for p in pending]
        assert None not in ids and ids == sorted(ids) and ids[0] > first
        stored = [store.search_event(i) for i in ids if i is not None]
        assert [e.query for e in stored if e is not None] == ["vpn 0", "vpn 1", "vpn 2"]
    finally:
        log.close()
        store.close()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"not seen within {WAIT} s"
        time.sleep(0.02)
