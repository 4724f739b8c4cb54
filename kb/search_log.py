"""Writing search events without making the search wait: a bounded queue
drained by one background thread per process.

Every search writes one event. On SQLite a write waits for the one write lock,
up to the store's busy timeout (5 s) while a long writer holds it (a rollup, a
purge, a backup), and a search that wrote its event itself waited as long for
its answer. `SearchLog.submit` puts the event in a queue and returns at once;
the writer thread stores events in the order they came. The search waits for
its event's id at most `wait` seconds (`PendingSearch.written`; the web app's
setting `search_log_wait`): in the usual case
the row is written within milliseconds and the answer carries its id, as
before; under a held lock the answer goes out without one and the event is
written once the lock is free.

A search id is only ever the id of a committed row, so a click, vote or request
naming it always finds its search (the insights rollups find new rows by id,
which rules out handing out ids before the row is written). A search answered
while the database was busy has no id; a click on its results waits in the
queue instead (`SearchLog.follow`): behind the search's own event when this
process logs it, so it is written once its search is, and tried again (0.1 s,
doubling up to 2 s) while another process's queue still holds the search, until
its deadline. At most `follow_capacity` such clicks wait, one per key (a
search's result), so they never crowd out searches.

An event the database cannot take right now (`StoreUnavailableError`: locked
past the busy timeout, PostgreSQL restarting) stays first in the queue and is
tried again, after 0.1 s, doubling up to 2 s; one the store refuses for good is
logged and dropped, as a search's event always was. The queue holds at most
`capacity` events: when it is full a new event is dropped, counted
(`SearchLogStats.dropped`) and logged (at most once per `OVERFLOW_LOG_SECONDS`),
so a database that stays away costs bounded memory. `close` writes what is
queued, for up to `timeout` seconds, and logs what it could not; a follow-up
it gives up on counts as lapsed once, except the one the writer holds at that
moment, which the writer counts when it is done with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from kb.errors import StoreUnavailableError
from kb.events import SearchEvent

logger = logging.getLogger(__name__)

CAPACITY = 10_000
FOLLOW_CAPACITY = 1_000
FIRST_RETRY_SECONDS = 0.1
LAST_RETRY_SECONDS = 2.0
OVERFLOW_LOG_SECONDS = 10.0


@dataclass(frozen=True)
class SearchLogStats:
    """What the writer did since it started: `written` events stored, `retried`
    writes the database was too busy for, `dropped` events a full queue turned
    away, `failed` events the store refused for good, `waiting` in the queue;
    `followed` follow-ups done, `lapsed` those whose search was not stored by
    their deadline (or that a full queue turned away)."""

    written: int
    retried: int
    dropped: int
    failed: int
    waiting: int
    followed: int = 0
    lapsed: int = 0


class PendingSearch:
    """One submitted event; its id once written (None if dropped or refused)."""

    not_before = 0.0  # a search is written as soon as its turn comes

    def __init__(self, event: SearchEvent) -> None:
        self.event = event
        self.search_id: int | None = None
        self._done = threading.Event()

    def finish(self, search_id: int | None) -> None:
        self.search_id = search_id
        self._done.set()

    def queued(self) -> bool:
        """Whether the event still waits to be written (not written, dropped or refused)."""
        return not self._done.is_set()

    def written(self, wait: float) -> int | None:
        """The event's id when it is written within `wait` seconds, else None."""
        self._done.wait(wait)
        return self.search_id


class FollowUp:
    """Work that needs its search stored first (a click on a search answered
    without an id): `job()` does it and returns True, or False while the search
    is not stored yet; it is tried again until `until` (`time.monotonic`)."""

    def __init__(self, key: Hashable, job: Callable[[], bool], until: float) -> None:
        self.key, self.job, self.until = key, job, until
        self.not_before = 0.0
        self.tries = 0


class SearchLog:
    """The queue of search events of one process and the thread that writes them
    with `log` (`Store.log_search`, which returns the new row's id)."""

    def __init__(
        self,
        log: Callable[[SearchEvent], int],
        *,
        capacity: int = CAPACITY,
        follow_capacity: int = FOLLOW_CAPACITY,
        first_retry: float = FIRST_RETRY_SECONDS,
        last_retry: float = LAST_RETRY_SECONDS,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity!r}")
        self._log = log
        self._capacity, self._follow_capacity = capacity, follow_capacity
        self._first_retry, self._last_retry = first_retry, last_retry
        self._queue: deque[PendingSearch | FollowUp] = deque()
        self._following: set[Hashable] = set()  # keys of the follow-ups queued
        self._changed = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._in_hand: PendingSearch | FollowUp | None = None  # what the writer works on
        self._counts = dict.fromkeys(
            ("written", "retried", "dropped", "failed", "followed", "lapsed"), 0
        )
        self._overflow_logged = float("-inf")

    def submit(self, event: SearchEvent) -> PendingSearch:
        """Queue `event` for writing; never waits for the database."""
        pending = PendingSearch(event)
        with self._changed:
            if self._closing or len(self._queue) >= self._capacity:
                self._drop(pending)
                return pending
            self._queue.append(pending)
            self._start()
            self._changed.notify()
        return pending

    def follow(self, key: Hashable, job: Callable[[], bool], until: float) -> bool:
        """Queue `job` behind every event queued now (see `FollowUp`); a second
        one of `key` while the first waits is not queued again. False when the
        follow-ups' share of the queue is full (or the log closed): not queued."""
        with self._changed:
            if key in self._following:
                return True
            full = len(self._following) >= self._follow_capacity
            if self._closing or full or len(self._queue) >= self._capacity:
                self._counts["lapsed"] += 1
                return False
            self._following.add(key)
            self._queue.append(FollowUp(key, job, until))
            self._start()
            self._changed.notify()
        return True

    def stats(self) -> SearchLogStats:
        with self._changed:
            return SearchLogStats(**self._counts, waiting=len(self._queue))

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued (for up to `timeout` seconds), then stop."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._changed:
            left = [p for p in self._queue if isinstance(p, PendingSearch)]
            # The follow-up in the writer's hand is counted by the writer, done or not.
            given_up = [
                p for p in self._queue if isinstance(p, FollowUp) and p is not self._in_hand
            ]
            self._counts["lapsed"] += len(given_up)
            self._queue.clear()
            self._following.clear()
        for pending in left:
            pending.finish(None)
        if left:
            logger.error(
                "search log: %d search(es) not written at shutdown: the database stayed busy",
                len(left),
            )

    def _drop(self, pending: PendingSearch) -> None:
        """Count and log an event a full (or closed) queue turns away; caller holds the lock."""
        self._counts["dropped"] += 1
        pending.finish(None)
        now = time.monotonic()
        if now - self._overflow_logged >= OVERFLOW_LOG_SECONDS:
            self._overflow_logged = now
            logger.error(
                "search log: %s: a search was not logged (%d dropped since start); "
                "is the database down or locked?",
                "closed" if self._closing else f"queue full ({self._capacity} waiting)",
                self._counts["dropped"],
            )

    def _start(self) -> None:
        """Start the writer thread (caller holds the lock); again after a fork."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="search-log", daemon=True)
            self._thread.start()

    def _next(self) -> PendingSearch | FollowUp | None:
        """The first queued item whose time has come, waiting for one; None once
        closed with no search left (follow-ups still waiting lapse)."""
        with self._changed:
            while True:
                now = time.monotonic()
                ready = next((p for p in self._queue if p.not_before <= now), None)
                if ready is not None:
                    self._in_hand = ready
                    return ready
                if self._closing:
                    return None
                soonest = min((p.not_before for p in self._queue), default=None)
                self._changed.wait(None if soonest is None else soonest - now)

    def _run(self) -> None:
        delay, busy = self._first_retry, 0
        while (pending := self._next()) is not None:
            if isinstance(pending, FollowUp):
                self._follow_up(pending)
                continue
            try:
                search_id = self._write(pending)
            except StoreUnavailableError as exc:
                if not busy:
                    logger.warning(
                        "search log: the database is busy, trying again: %s", exc.message
                    )
                busy += 1
                with self._changed:
                    self._counts["retried"] += 1
                time.sleep(delay)
                delay = min(delay * 2, self._last_retry)
                continue
            if busy:
                logger.info("search log: the database took searches again after %d tries", busy)
            delay, busy = self._first_retry, 0
            with self._changed:
                self._in_hand = None
                if self._queue and self._queue[0] is pending:  # else `close` gave up on it
                    self._queue.popleft()
                elif pending in self._queue:  # behind a follow-up that waits
                    self._queue.remove(pending)
                self._counts["written" if search_id is not None else "failed"] += 1
            pending.finish(search_id)

    def _write(self, pending: PendingSearch) -> int | None:
        """The new row's id; None when the store refused the event for good.
        Raises StoreUnavailableError when the database is busy (try again)."""
        try:
            return self._log(pending.event)
        except StoreUnavailableError:
            raise
        except Exception:
            logger.exception("search log: could not log the search %r", pending.event.query)
            return None

    def _follow_up(self, item: FollowUp) -> None:
        """Run a follow-up; one whose search is not stored yet goes to the back
        of the queue, to be tried again after a growing pause until its deadline."""
        try:
            done = item.job()
        except StoreUnavailableError:
            done = False  # the database is busy: its search may not be stored either
        except Exception:
            logger.exception("search log: a follow-up of a search failed")
            done = True
        with self._changed:
            self._in_hand = None
            if item in self._queue:  # else `close` gave up on it, and left it to us to count
                self._queue.remove(item)
            now = time.monotonic()
            if not done and now < item.until and not self._closing:
                item.tries += 1
                pause = min(self._first_retry * 2 ** (item.tries - 1), self._last_retry)
                item.not_before = now + pause
                self._queue.append(item)
                return
            self._following.discard(item.key)
            self._counts["followed" if done else "lapsed"] += 1
