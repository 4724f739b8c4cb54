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
which rules out handing out ids before the row is written). The price: a search
answered while the database was busy has no id, so clicks on its results are
not recorded.

An event the database cannot take right now (`StoreUnavailableError`: locked
past the busy timeout, PostgreSQL restarting) stays first in the queue and is
tried again, after 0.1 s, doubling up to 2 s; one the store refuses for good is
logged and dropped, as a search's event always was. The queue holds at most
`capacity` events: when it is full a new event is dropped, counted
(`SearchLogStats.dropped`) and logged (at most once per `OVERFLOW_LOG_SECONDS`),
so a database that stays away costs bounded memory. `close` writes what is
queued, for up to `timeout` seconds, and logs what it could not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kb.errors import StoreUnavailableError
from kb.events import SearchEvent

logger = logging.getLogger(__name__)

CAPACITY = 10_000
FIRST_RETRY_SECONDS = 0.1
LAST_RETRY_SECONDS = 2.0
OVERFLOW_LOG_SECONDS = 10.0


@dataclass(frozen=True)
class SearchLogStats:
    """What the writer did since it started: `written` events stored, `retried`
    writes the database was too busy for, `dropped` events a full queue turned
    away, `failed` events the store refused for good, `waiting` in the queue."""

    written: int
    retried: int
    dropped: int
    failed: int
    waiting: int


class PendingSearch:
    """One submitted event; its id once written (None if dropped or refused)."""

    def __init__(self, event: SearchEvent) -> None:
        self.event = event
        self.search_id: int | None = None
        self._done = threading.Event()

    def finish(self, search_id: int | None) -> None:
        self.search_id = search_id
        self._done.set()

    def written(self, wait: float) -> int | None:
        """The event's id when it is written within `wait` seconds, else None."""
        self._done.wait(wait)
        return self.search_id


class SearchLog:
    """The queue of search events of one process and the thread that writes them
    with `log` (`Store.log_search`, which returns the new row's id)."""

    def __init__(
        self,
        log: Callable[[SearchEvent], int],
        *,
        capacity: int = CAPACITY,
        first_retry: float = FIRST_RETRY_SECONDS,
        last_retry: float = LAST_RETRY_SECONDS,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity!r}")
        self._log = log
        self._capacity = capacity
        self._first_retry, self._last_retry = first_retry, last_retry
        self._queue: deque[PendingSearch] = deque()
        self._changed = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._counts = {"written": 0, "retried": 0, "dropped": 0, "failed": 0}
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
            left = list(self._queue)
            self._queue.clear()
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

    def _next(self) -> PendingSearch | None:
        """The first queued event, waiting for one; None once closed and empty."""
        with self._changed:
            while not self._queue:
                if self._closing:
                    return None
                self._changed.wait()
            return self._queue[0]

    def _run(self) -> None:
        delay, busy = self._first_retry, 0
        while (pending := self._next()) is not None:
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
                if self._queue and self._queue[0] is pending:  # else `close` gave up on it
                    self._queue.popleft()
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
