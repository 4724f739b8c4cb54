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


def test_searches_logged_by_many_threads_of_many_processes_are_all_written_once(
    store_url: str,
) -> None:
    """Three web processes (each its own store and search log), each answering
    searches in four threads at once: every search gets an id of its own, and
    each id reads back the search that got it."""
    import threading

    processes = [create_store(store_url) for _ in range(3)]
    logs = [SearchLog(s.log_search) for s in processes]
    per_thread, threads_each = 10, 4
    start = threading.Barrier(len(logs) * threads_each, timeout=30)
    got: dict[str, int | None] = {}

    def search(log: SearchLog, name: str) -> None:
        start.wait()
        pending = [
            (f"{name} {i}", log.submit(SearchEvent(query=f"{name} {i}", answered=i % 2 == 0)))
            for i in range(per_thread)
        ]
        for query, p in pending:
            got[query] = p.written(WAIT)

    workers = [
        threading.Thread(target=search, args=(log, f"p{n} t{t}"))
        for n, log in enumerate(logs)
        for t in range(threads_each)
    ]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=WAIT)
        assert len(got) == len(logs) * threads_each * per_thread
        ids = list(got.values())
        assert None not in ids and len(set(ids)) == len(ids)
        for query, search_id in got.items():
            assert search_id is not None
            stored = processes[0].search_event(search_id)
            assert stored is not None and stored.query == query
        assert sum(log.stats().written for log in logs) == len(ids)
    finally:
        for log in logs:
            log.close()
        for opened in processes:
            opened.close()
