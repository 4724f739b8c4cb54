"""Searching with the event log attached, and recording clicks and feedback.

Every search, click on a result and feedback vote goes to the store under the
browser's pseudonymous id. Logging a search is best-effort and never holds the
answer up: the event goes to the process's search log (`kb.search_log`), and
the answer waits for its id at most `search_log_wait` seconds. When the
database is busy (another writer holds the lock) or fails, the search answers
without waiting longer, with `search_id` None, so no click can refer to a
search that is not stored; the event is written once the database takes it.
Clicks and feedback are what their requests exist for, so their failures are
reported to the caller.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from kb.errors import NotFoundError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent, search_event, search_filters
from kb.results import Query, SearchResponse
from webapp import services
from webapp.auth.identity import person, search_groups, signed_in, user_id
from webapp.inputs import invalid, too_large
from webapp.security import sent_by_another_site
from webapp.throttle import FEEDBACK, SEARCH, limit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedSearch:
    """A search's response and the id the event log gave it (None if not logged)."""

    response: SearchResponse
    search_id: int | None

    def as_dict(self) -> dict[str, object]:
        return {**self.response.as_dict(), "search_id": self.search_id}


def run_search(query: Query, source: str = "") -> LoggedSearch:
    """Search as the current user (only articles their groups may read), then log
    the search; logging never fails or delays the search for long (see above).
    Searches count against the client's `search_limit` (`webapp.throttle`)."""
    response, latency_ms = _searched(query)
    search_id: int | None = None
    # A page elsewhere that makes its readers' browsers search (an image, a frame)
    # must not make them people who asked it: query suggestions count people.
    who = "" if sent_by_another_site() else person()
    account = bool(who) and signed_in()
    try:
        event = search_event(
            query, response, latency_ms, user_id(), person=who, source=source, signed_in=account
        )
        services.store()  # opened here on first use (migrations), not counted in the wait
        svc = services.services()
        search_id = svc.search_log.submit(event).written(svc.settings.search_log_wait)
    except Exception:
        logger.exception("could not log the search %r; answering without a search id", query.text)
    return LoggedSearch(response=response, search_id=search_id)


def shown_again(query: Query, search_id: int | None) -> LoggedSearch | None:
    """Search `search_id` shown again without logging it a second time (the page
    a vote returns to), or None when it is not this browser's search of `query`
    (then it is a search of its own, to run and log as any other): the marker can
    spare only a repeat of a search already counted, never hide a new one."""
    shown = own_search(search_id)
    if shown is None or not _same_search(shown, query):
        return None
    response, _latency_ms = _searched(query)
    return LoggedSearch(response=response, search_id=shown.id)


def _same_search(shown: SearchEvent, query: Query) -> bool:
    return (
        shown.query == query.text
        and shown.page == query.page
        and shown.filters == search_filters(query)
    )


def _searched(query: Query) -> tuple[SearchResponse, float]:
    """The engine's response to `query` as the current user, and its latency in ms;
    searches count against the client's `search_limit` (`webapp.throttle`)."""
    limit(SEARCH)
    query = replace(query, groups=search_groups())
    started = time.perf_counter()
    response = services.engine().search(query)
    return response, (time.perf_counter() - started) * 1000


def own_search(search_id: int | None) -> SearchEvent | None:
    """Search `search_id` when this browser made it, else None: search ids count up
    from 1, so another's search is treated as one that does not exist (nobody can
    mark a stranger's search as clicked, voted on or turned into a request)."""
    if search_id is None:
        return None
    shown = services.store().search_event(search_id)
    return shown if shown is not None and shown.user == user_id() else None


def record_click(search_id: int, article_id: str, rank: int) -> int:
    """Log a click on result `rank` (1-based) of search `search_id`: only by the
    browser that searched, on an article that search showed, so click statistics
    cannot be made up (someone else's search answers as one that does not exist)."""
    shown = own_search(search_id)
    if shown is None:
        raise NotFoundError(
            f"no search event with id {search_id!r}; log the search first",
            details={"field": "search_id", "value": search_id},
            key="no_search",
            values={"value": search_id},
        )
    if article_id not in shown.result_ids:
        raise invalid(
            "article_id",
            f"{article_id!r} was not among the results of search {search_id}",
            key="not_a_result",
            values={"value": article_id, "search": search_id},
            value=article_id,
        )
    highest = shown.page * services.services().settings.max_k
    if rank > highest:
        raise too_large("rank", highest, f"{rank} for search {search_id}")
    event = ClickEvent(search_id=search_id, article_id=article_id, rank=rank, user=user_id())
    return services.store().log_click(event)


def record_feedback(
    article_id: str, helpful: bool, comment: str = "", search_id: int | None = None
) -> int:
    """Log a vote (and optional comment) on an article; the search it came from
    counts only when this browser made it and it showed the article (else it is
    left out). Votes count against the client's `feedback_limit`."""
    limit(FEEDBACK)
    shown = own_search(search_id)
    if shown is None or article_id not in shown.result_ids:
        search_id = None
    event = FeedbackEvent(
        article_id=article_id, helpful=helpful, comment=comment, search_id=search_id, user=user_id()
    )
    return services.store().log_feedback(event)
