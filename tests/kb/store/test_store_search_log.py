"""The search log (`kb.search_log`) over a real store, on both backends, while
another connection holds the write lock: the search is not held up, and its
event is written, in order, once the lock is released."""

from __future__ import annotations

import time

import pytest

import kb.store.factory
from kb.events import SearchEvent
from kb.search_log import SearchLog
from kb.store.factory import create_store
from tests.store_locks import write_lock_held


def test_a_search_logged_under_a_held_write_lock_is_written_after_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's connections give up on the lock after 0.2 s instead of 5 s.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    store = create_store(store_url)
    log = SearchLog(store.log_search, first_retry=0.05, last_retry=0.2)
    try:
        first = log.submit(SearchEvent(query="warm up", answered=True)).written(10)
        assert first is not None
        with write_lock_held(store_url):
            started = time.monotonic()
            pending = [
                log.submit(SearchEvent(query=f"vpn {i}", answered=True, user="b1"))
                for i in range(3)
            ]
            assert pending[0].written(0.2) is None  # the search answers without waiting
            assert time.monotonic() - started < 1
            time.sleep(0.6)  # longer than the busy timeout: SQLite refused and it retried
            assert all(p.search_id is None for p in pending)
        ids = [p.written(10) for p in pending]
        assert None not in ids and ids == sorted(ids) and ids[0] > first
        stored = [store.search_event(i) for i in ids if i is not None]
        assert [e.query for e in stored if e is not None] == ["vpn 0", "vpn 1", "vpn 2"]
    finally:
        log.close()
        store.close()
