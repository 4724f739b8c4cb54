"""The search log's queue (`kb.search_log`) with a stand-in for the store: order,
retries while the database is busy, a bounded queue, a flush at shutdown.

The writer is a thread of its own, which a loaded machine may keep waiting:
the tests wait on what it did (`stats`, the rows), for up to `WAIT` seconds,
never on a fixed pause."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest

from kb.errors import StoreError, StoreUnavailableError
from kb.events import SearchEvent
from kb.search_log import SearchLog

WAIT = 30.0  # seconds to wait for the writer thread, also on a loaded machine


class FakeStore:
    """Writes events in order; refuses them as busy while `busy` is set."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.busy = threading.Event()
        self.refuse: set[str] = set()

    def log_search(self, event: SearchEvent) -> int:
        if self.busy.is_set():
            raise StoreUnavailableError("could not log a search: the database is busy")
        if event.query in self.refuse:
            raise StoreError("could not log a search: a broken row")
        self.rows.append(event.query)
        return len(self.rows)


def event(text: str) -> SearchEvent:
    return SearchEvent(query=text, answered=True)


@pytest.fixture
def fake() -> FakeStore:
    return FakeStore()


def test_an_event_is_written_and_its_search_gets_the_id(fake: FakeStore) -> None:
    log = SearchLog(fake.log_search)
    try:
        assert log.submit(event("vpn")).written(WAIT) == 1
        assert log.submit(event("printer")).written(WAIT) == 2
        assert fake.rows == ["vpn", "printer"]
        assert log.stats().written == 2
    finally:
        log.close()


def test_a_busy_database_does_not_hold_the_search_and_nothing_is_lost(fake: FakeStore) -> None:
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.05)
    fake.busy.set()
    try:
        started = time.monotonic()
        pending = [log.submit(event(f"q{i}")) for i in range(5)]
        assert pending[0].written(0.1) is None  # answered without an id
        # The store stays busy: a search that waited for its row would never get here.
        assert time.monotonic() - started < WAIT
        _until(lambda: log.stats().retried >= 1, log)
        assert fake.rows == []
        fake.busy.clear()
        assert pending[-1].written(WAIT) == 5
        assert fake.rows == ["q0", "q1", "q2", "q3", "q4"]  # kept, in order
        assert [p.search_id for p in pending] == [1, 2, 3, 4, 5]
    finally:
        log.close()


def test_a_full_queue_drops_and_counts_and_says_so(
    fake: FakeStore, caplog: pytest.LogCaptureFixture
) -> None:
    log = SearchLog(fake.log_search, capacity=3, first_retry=0.01, last_retry=0.05)
    fake.busy.set()
    try:
        with caplog.at_level(logging.ERROR, logger="kb.search_log"):
            kept = [log.submit(event(f"q{i}")) for i in range(3)]
            dropped = [log.submit(event(f"x{i}")) for i in range(4)]
        assert all(p.written(0) is None for p in dropped)
        stats = log.stats()
        assert stats.dropped == 4 and stats.waiting == 3
        # One line for the burst, not one per search.
        lines = [r.getMessage() for r in caplog.records if "not logged" in r.getMessage()]
        assert len(lines) == 1 and "queue full (3 waiting)" in lines[0]
        fake.busy.clear()
        assert kept[-1].written(WAIT) == 3
        assert fake.rows == ["q0", "q1", "q2"]
    finally:
        log.close()


def test_close_writes_what_is_queued(fake: FakeStore) -> None:
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.05)
    fake.busy.set()
    pending = [log.submit(event(f"q{i}")) for i in range(3)]
    threading.Timer(0.2, fake.busy.clear).start()
    log.close(timeout=WAIT)
    assert fake.rows == ["q0", "q1", "q2"]
    assert pending[-1].search_id == 3


def test_close_gives_up_after_its_timeout_and_says_how_many(
    fake: FakeStore, caplog: pytest.LogCaptureFixture
) -> None:
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.05)
    fake.busy.set()
    pending = [log.submit(event(f"q{i}")) for i in range(2)]
    with caplog.at_level(logging.ERROR, logger="kb.search_log"):
        log.close(timeout=0.2)
    assert "2 search(es) not written at shutdown" in caplog.text
    assert all(p.written(0) is None for p in pending)
    assert log.submit(event("late")).written(0) is None  # closed: counted as dropped
    assert log.stats().dropped == 1


def test_an_event_the_store_refuses_is_dropped_and_the_next_goes_on(fake: FakeStore) -> None:
    fake.refuse.add("broken")
    log = SearchLog(fake.log_search)
    try:
        assert log.submit(event("broken")).written(WAIT) is None
        assert log.submit(event("vpn")).written(WAIT) == 1
        assert log.stats().failed == 1
    finally:
        log.close()


def test_a_follow_up_waits_behind_its_search_while_the_database_is_busy(fake: FakeStore) -> None:
    """A click on a search answered without its id waits in the queue behind it."""
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.05)
    fake.busy.set()
    done: list[list[str]] = []
    try:
        search = log.submit(event("vpn"))
        assert search.written(0.05) is None and search.queued()
        assert log.follow("vpn#1", lambda: bool(done.append(list(fake.rows))) or True, _soon())
        retried = log.stats().retried
        _until(lambda: log.stats().retried >= retried + 2, log)  # the writer went round again
        assert done == []  # not before its search
        fake.busy.clear()
        _drained(log)
        assert done == [["vpn"]] and log.stats().followed == 1
    finally:
        log.close()


def test_a_follow_up_is_tried_again_until_its_search_is_stored_elsewhere(fake: FakeStore) -> None:
    """Another process's queue may hold the search: tried again, with pauses."""
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.05)
    stored = threading.Event()
    tries: list[float] = []

    def click() -> bool:
        tries.append(time.monotonic())
        return stored.is_set()

    try:
        assert log.follow("q#1", click, _soon())
        assert log.submit(event("meanwhile")).written(WAIT) == 1  # searches go on past it
        _until(lambda: len(tries) >= 2, log)  # tried, and tried again
        stored.set()
        _drained(log)
        assert len(tries) >= 3 and log.stats().followed == 1
        assert tries[-1] - tries[-2] >= 0.01  # pauses between tries
    finally:
        log.close()


def test_follow_ups_are_bounded_one_per_key_and_lapse_at_their_deadline(fake: FakeStore) -> None:
    log = SearchLog(fake.log_search, follow_capacity=2, first_retry=0.01, last_retry=0.02)
    checked = threading.Event()

    def not_yet() -> bool:
        # Holds the writer until the checks below are done: a pause of the test
        # longer than the deadlines would otherwise let "a" and "b" lapse first.
        checked.wait(WAIT)
        return False

    try:
        assert log.follow("a", not_yet, time.monotonic() + 0.2)
        assert log.follow("a", lambda: True, _soon())  # already waiting: not queued again
        assert log.follow("b", lambda: False, time.monotonic() + 0.2)
        assert not log.follow("c", lambda: True, _soon())  # the follow-ups' share is full
        checked.set()
        _drained(log)
        stats = log.stats()
        assert stats.lapsed == 3 and stats.followed == 0 and stats.waiting == 0
        assert log.follow("c", lambda: True, _soon())  # room again
        _drained(log)
        assert log.stats().followed == 1
    finally:
        log.close()


def test_close_lets_waiting_follow_ups_lapse(fake: FakeStore) -> None:
    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.02)
    assert log.follow("a", lambda: False, _soon())
    log.close(timeout=WAIT)  # over as soon as the writer stops
    stats = log.stats()
    assert stats.lapsed == 1 and stats.waiting == 0
    assert not log.follow("b", lambda: True, _soon())


@pytest.mark.parametrize(("result", "followed", "lapsed"), [(False, 0, 1), (True, 1, 0)])
def test_close_timing_out_while_a_follow_up_is_written_counts_it_once(
    fake: FakeStore, result: bool, followed: int, lapsed: int
) -> None:
    """`close` gives up while the writer is inside a follow-up: the follow-up is
    counted once, by the writer, as what it turned out to be."""
    entered, release = threading.Event(), threading.Event()
    writers: list[threading.Thread] = []

    def held() -> bool:
        writers.append(threading.current_thread())
        entered.set()
        release.wait(WAIT)
        return result

    log = SearchLog(fake.log_search, first_retry=0.01, last_retry=0.02)
    assert log.follow("held", held, _soon())
    assert log.follow("queued", lambda: True, _soon())
    assert entered.wait(WAIT)
    log.close(timeout=0.05)  # the writer is held: close gives up on what is queued
    assert log.stats().lapsed == 1  # "queued"; "held" is still in the writer's hand
    release.set()
    writers[0].join(WAIT)
    assert not writers[0].is_alive()
    stats = log.stats()
    assert (stats.followed, stats.lapsed, stats.waiting) == (followed, 1 + lapsed, 0)


def _soon() -> float:
    return time.monotonic() + WAIT


def _drained(log: SearchLog) -> None:
    _until(lambda: not log.stats().waiting, log)


def _until(condition: Callable[[], bool], log: SearchLog) -> None:
    """Wait until the writer thread has made `condition` true."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, log.stats()
        time.sleep(0.01)
