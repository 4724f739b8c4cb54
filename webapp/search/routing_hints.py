"""Reassignment history as routing evidence for the search engine.

When agents move a request to another department, the words of its question
now vote for that department (see `search.routing`). The counts are read from
the store at most once a minute per process; a failing store only means
routing without them.

Several processes on several nodes must route a question alike, or the same
search would name different departments depending on which node answered.
So refreshes follow the wall clock, not each process's start: within one
minute every process counts exactly the reassignments made before that
minute began (`since` the epoch, `until` the minute's start).

The service catalogue is evidence too (`catalogue_owner`): the department
that owns the entry whose form the search page offers for a question counts
as one of its department keywords found, as strong as the question's match
of the entry (`kb.catalogue.types.Catalogue.matched`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.requests.routing import RoutingHints, routing_hints
from kb.settings import Settings
from search.routing import ServiceVote

if TYPE_CHECKING:
    from kb.requests.service import RequestService

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0


class CachedRoutingHints:
    """A callable `query -> {department: share}` over a count refreshed each
    wall-clock period; `load(until)` counts the reassignments before `until`."""

    def __init__(
        self,
        load: Callable[[datetime], RoutingHints],
        refresh: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._load = load
        self._refresh = refresh
        self._clock = clock
        self._hints = RoutingHints()
        self._period: float | None = None
        self._lock = threading.Lock()

    def __call__(self, query: str) -> Mapping[str, float]:
        period = self._clock() // self._refresh * self._refresh
        if period != self._period and self._lock.acquire(blocking=False):
            try:
                self._hints = self._load(datetime.fromtimestamp(period, UTC))
            except Exception:
                logger.exception("could not read reassignments; routing without them")
            finally:
                self._period = period
                self._lock.release()
        return self._hints.votes(query)


def store_routing_hints(settings: Settings) -> CachedRoutingHints:
    """Hints read from the store named by the settings (opened on first use)."""
    store = None

    def load(until: datetime) -> RoutingHints:
        nonlocal store
        if store is None:
            from kb.store.factory import store_from_settings

            store = store_from_settings(settings)
        return routing_hints(move for move in store.reassignments() if move.ts < until)

    return CachedRoutingHints(load)


def catalogue_owner(
    requests: Callable[[], RequestService],
) -> Callable[[str], ServiceVote | None]:
    """`text -> department` owning the catalogue entry a question asks for (the
    form the search page offers) with the strength of the match, or None; None
    too while the request side is not available, as the page then offers no
    form either."""

    def owner(text: str) -> ServiceVote | None:
        try:
            found = requests().catalogue.matched(text)
        except KbError:
            return None
        return ServiceVote(found[0].department, found[1]) if found is not None else None

    return owner
