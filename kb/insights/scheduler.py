"""What `kb serve` does for insights on its own: refresh, verify, update, purge.

Every web worker runs `InsightsScheduler` in a daemon thread; a lease in the
database (`InsightsStore.try_lease`) makes sure that of all workers on all
nodes one does each job per turn:

| job | every | what |
| --- | --- | --- |
| `refresh` | `REFRESH_S` | roll up new events; verify open gaps against the current snapshot (each topic searched again once per snapshot) and the gaps of use against their searches of the last days (every turn) |
| `daily` | a day | update the gap topics (embeds new questions), purge events older than `event_retention_days` |
| `weekly` | a week | queue each department's insights digest for its content owners (`kb.insights.digest`) |
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from kb.insights.store import InsightsStore
from kb.insights.verify import verify_topics
from kb.results import Query, SearchResponse

logger = logging.getLogger(__name__)

REFRESH_S = 300.0
DAY_S = 24 * 3600.0


class InsightsScheduler:
    """The periodic insights jobs of one process."""

    def __init__(
        self,
        store: InsightsStore,
        search: Callable[[Query], SearchResponse],
        snapshot: Callable[[], str],
        daily: Callable[[], None],
        *,
        weekly: Callable[[], object] = lambda: None,
        gap_days: int = 90,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.search = search
        self.snapshot = snapshot
        self.daily = daily
        self.weekly = weekly
        self.gap_days = gap_days
        self.clock = clock

    def run_once(self) -> list[str]:
        """Do the jobs that are due and not held elsewhere; returns their names."""
        done = []
        now = self.clock()
        if self.store.try_lease("insights-refresh", now, REFRESH_S * 0.9):
            self.store.refresh()
            verify_topics(self.store, self.search, self.snapshot(), gap_days=self.gap_days, now=now)
            done.append("refresh")
        if self.store.try_lease("insights-daily", now, DAY_S):
            self.daily()
            done.append("daily")
        if self.store.try_lease("insights-weekly", now, 7 * DAY_S):
            self.weekly()
            done.append("weekly")
        return done

    def run(self, stop: threading.Event, interval: float = REFRESH_S) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                # A database or index hiccup must not end the thread; next turn retries.
                logger.exception("insights: a scheduled job failed")
            stop.wait(interval)

    def start(self, interval: float = REFRESH_S) -> threading.Event:
        stop = threading.Event()
        threading.Thread(
            target=self.run, args=(stop, interval), name="kb-insights", daemon=True
        ).start()
        return stop
