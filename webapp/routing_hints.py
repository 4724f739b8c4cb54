"""Reassignment history as routing evidence for the search engine.

When agents move a request to another department, the words of its question
now vote for that department (see `search.routing`). The counts are read from
the store at most once a minute per process; a failing store only means
routing without them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from kb.requests.routing import RoutingHints, routing_hints
from kb.settings import Settings

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0


class CachedRoutingHints:
    """A callable `query -> {department: share}` over a periodically refreshed count."""

    def __init__(self, load: Callable[[], RoutingHints], refresh: float = REFRESH_SECONDS) -> None:
        self._load = load
        self._refresh = refresh
        self._hints = RoutingHints()
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def __call__(self, query: str) -> Mapping[str, float]:
        now = time.monotonic()
        if now - self._loaded_at > self._refresh and self._lock.acquire(blocking=False):
            try:
                self._hints = self._load()
            except Exception:
                logger.exception("could not read reassignments; routing without them")
            finally:
                self._loaded_at = now
                self._lock.release()
        return self._hints.votes(query)


def store_routing_hints(settings: Settings) -> CachedRoutingHints:
    """Hints read from the store named by the settings (opened on first use)."""
    store = None

    def load() -> RoutingHints:
        nonlocal store
        if store is None:
            from kb.store.factory import create_store

            store = create_store(settings.database_url)
        return routing_hints(store.reassignments())

    return CachedRoutingHints(load)
