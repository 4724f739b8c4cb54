"""Searches many people made, read from the store once a minute per process.

Reading them groups every search event kept (0.3 s at 200,000 events on
SQLite for the home page; 0.66 s for the prefix `a` at load average 26). The
home page needs no sign-in and `/api/suggest` is asked at every keystroke
without one, so neither may make the database do that per call: the
candidates (searched by at least `suggest_min_people` people, most people
first) are kept per process for `CACHE_SECONDS`, the `MAX_CANDIDATES` most
searched of them, and each prefix is matched in memory. Which of them a
viewer is shown is still decided per viewer (`webapp.search.presenters`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import islice
from typing import TypeVar

from flask import current_app

from kb.events import PopularQuery, query_prefix
from webapp import services

CACHE_SECONDS = 60.0
# Pairs of (search, answering article) kept per process: a few MB at most. A
# prefix whose searches all rank below them gets titles only as suggestions.
MAX_CANDIDATES = 20_000
# Candidates read per suggestion wanted: some are dropped (not readable, blocked).
CANDIDATES_PER_SUGGESTION = 4
_EXTENSION = "kb_popular"
_lock = threading.Lock()
T = TypeVar("T")


def kept(name: str, compute: Callable[[], list[T]]) -> list[T]:
    """`compute()`, kept per process for CACHE_SECONDS under `name` (not kept when
    it fails: the store's error propagates, and the next call tries again)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = f"{_EXTENSION}.{name}"
    with _lock:
        cached = app.extensions.get(key)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return list(cached[1])
    found = compute()
    with _lock:
        app.extensions[key] = (time.monotonic(), found)
    return list(found)


def _read_candidates() -> list[PopularQuery]:
    min_people = services.services().settings.suggest_min_people
    return services.store().popular_queries("", MAX_CANDIDATES, min_people=min_people)


def popular_candidates(prefix: str, limit: int) -> list[PopularQuery]:
    """The most searched queries starting with `prefix`, as the store matches
    them, enough for `limit` suggestions after each viewer's filter."""
    wanted = query_prefix(prefix)
    matching = (c for c in kept("candidates", _read_candidates) if c.text.startswith(wanted))
    return list(islice(matching, limit * CANDIDATES_PER_SUGGESTION))
