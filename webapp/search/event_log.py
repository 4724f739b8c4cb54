"""Searching with the event log attached, and recording clicks and feedback.

Every search, click on a result and feedback vote goes to the store under the
browser's pseudonymous id. Logging a search is best-effort and never holds the
answer up: the event goes to the process's search log (`kb.search_log`), and
the answer waits for its id at most `search_log_wait` seconds. When the
database is busy (another writer holds the lock) or fails, the search answers
without waiting longer, with `search_id` None, so no click can refer to a
search that is not stored; the event is written once the database takes it.
Such an answer carries a signed `search_ref` instead (`webapp.search.search_refs`):
a click naming it is recorded once its search is stored (`record_late_click`).
Clicks and feedback are what their requests exist for, so their failures are
reported to the caller.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from kb.errors import NotFoundError, StoreUnavailableError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent, search_event, search_filters
from kb.results import Query, SearchResponse
from kb.validators import utc_now
from search.understanding import query_language
from webapp import services
from webapp.auth.identity import person, search_groups, signed_in, user_id
from webapp.i18n import searcher_language
from webapp.inputs import invalid, too_large
from webapp.search.search_refs import REF_SECONDS, read_ref, search_ref
from webapp.security import sent_by_another_site
from webapp.throttle import FEEDBACK, SEARCH, limit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedSearch:
    """A search's response and the id the event log gave it (None if not logged
    yet); `search_ref` names it for clicks while it waits to be logged."""

    response: SearchResponse
    search_id: int | None
    search_ref: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            **self.response.as_dict(),
            "search_id": self.search_id,
            "search_ref": self.search_ref,
        }


def run_search(query: Query, source: str = "") -> LoggedSearch:
    """Search as the current user (only articles their groups may read), then log
    the search; logging never fails or delays the search for long (see above).
    Searches count against the client's `search_limit` (`webapp.throttle`)."""
    response, latency_ms = _searched(query)
    search_id: int | None = None
    ref: str | None = None
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
        pending = svc.search_log.submit(event)
        search_id = pending.written(svc.settings.search_log_wait)
        if search_id is None and pending.queued():  # to be written: its clicks can wait
            ref = search_ref(event)
    except Exception:
        logger.exception("could not log the search %r; answering without a search id", query.text)
    return LoggedSearch(response=response, search_id=search_id, search_ref=ref)


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


def unlogged_search(query: Query) -> SearchResponse:
    """The engine's response to `query` as the current user, not logged: a search a
    page runs for its own use (the ask page's department), which the person did
    not make and which must not count as theirs in insights or suggestions."""
    response, _latency_ms = _searched(query)
    return response


def _searched(query: Query) -> tuple[SearchResponse, float]:
    """The engine's response to `query` as the current user, and its latency in ms;
    searches count against the client's `search_limit` (`webapp.throttle`)."""
    limit(SEARCH)
    query = replace(query, groups=search_groups(), fallback_lang=searcher_language())
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
    check_clicked(shown.result_ids, shown.page, article_id, rank, search_id)
    event = ClickEvent(search_id=search_id, article_id=article_id, rank=rank, user=user_id())
    return services.store().log_click(event)


def check_clicked(
    result_ids: list[str], page: int, article_id: str, rank: int, search: int | None
) -> None:
    """Refuse a click on an article the search (`search`, None: by reference) did
    not show, or past its pages."""
    if article_id not in result_ids:
        raise invalid(
            "article_id",
            f"{article_id!r} was not among the results of "
            + (f"search {search}" if search else "the search"),
            key="not_a_result" if search else "not_a_result_shown",
            values={"value": article_id, "search": search},
            value=article_id,
        )
    highest = page * services.services().settings.max_k
    if rank > highest:
        raise too_large("rank", highest, f"{rank} for search {search or 'shown'}")


def record_late_click(ref: str, article_id: str, rank: int) -> int | None:
    """Record a click on result `rank` of the search `ref` names (`search_refs`),
    checked as any click: its id when its search is stored, else None: it waits
    in the search log until its search is (`SearchLog.follow`)."""
    search = read_ref(ref)
    check_clicked(search.result_ids, search.page, article_id, rank, None)
    store = services.store()
    click = ClickEvent(search_id=0, article_id=article_id, rank=rank, user=search.user)

    def stored_id() -> int | None:
        """The id of the search once it is stored (None before)."""
        found = store.search_event_at(search.user, search.ts)
        return None if found is None else found.id

    def record() -> bool:  # in the search log's thread, once the search may be stored
        search_id = stored_id()
        if search_id is not None:
            store.log_click(replace(click, search_id=search_id))
        return search_id is not None

    try:
        search_id = stored_id()
    except StoreUnavailableError:
        search_id = None  # the database is busy: the click waits with its search
    if search_id is not None:
        return store.log_click(replace(click, search_id=search_id))

    left = (search.ts + timedelta(seconds=REF_SECONDS) - utc_now()).total_seconds()
    key = (search.user, search.ts, article_id)
    if not services.services().search_log.follow(key, record, time.monotonic() + left):
        raise StoreUnavailableError("the click could not be queued: too many clicks wait")
    return None


def stored_search(search_id: int | None, ref: str = "") -> SearchEvent | None:
    """This browser's search that a vote or a request came from: by its id, or,
    for a search answered before it was logged, by its signed reference once the
    search is stored (None: another's, too old, or not stored yet)."""
    if search_id is None and ref:
        try:
            search = read_ref(ref)
            found = services.store().search_event_at(search.user, search.ts)
        except (NotFoundError, StoreUnavailableError):
            return None
        search_id = None if found is None else found.id
    return own_search(search_id)


def record_feedback(
    article_id: str,
    helpful: bool,
    comment: str = "",
    search_id: int | None = None,
    search_ref: str = "",
    query: str = "",
) -> int:
    """Log a vote (and optional comment) on an article; the search it came from
    (by id, or by `search_ref` for one answered before it was logged) counts only
    when this browser made it and it showed the article (else it is left out).
    Without a search to link, the vote keeps `query`, the words the person
    searched for, so that what was asked is not lost, and who voted (`person`),
    so that insights count it beside failed searches (`kb/store/insights_votes.py`).
    Votes count against the client's `feedback_limit`."""
    limit(FEEDBACK)
    shown = stored_search(search_id, search_ref)
    linked = shown is not None and article_id in shown.result_ids
    event = FeedbackEvent(
        article_id=article_id,
        helpful=helpful,
        comment=comment,
        search_id=shown.id if linked and shown is not None else None,
        query="" if linked else query,
        # Who voted counts only with the words (the linked search says who asked).
        person="" if linked or not query or sent_by_another_site() else person(),
        # Detected as a search's own language is (insights group failed questions by it).
        lang="" if linked or not query else query_language(query, searcher_language()),
        user=user_id(),
    )
    return services.store().log_feedback(event)
