"""Votes cast on a search before the search was stored, linked to it once it is.

A search answered before the search log wrote it carries a signed reference
instead of an id; a vote naming that reference is linked to the search when
the search is stored by then (`webapp/search/event_log.stored_search`). When
the log writes the search only after the vote (it was still queued), the vote
was kept with the words searched for, as a vote on a search never logged is,
and insights counted the failure twice: as the stored search and as a search
of the vote's words (`kb/store/insights_votes.py`). Storing a search therefore
links the votes waiting for it, in the same transaction: cast by the same
browser, on an article the search showed, with the same words (masked and
normalised alike), no later than a reference is valid after the search. The
vote then counts with its search, once, and its words give way to the search's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from kb.events import FeedbackEvent, SearchEvent, normalise_query
from kb.insights.privacy import mask_personal_data
from kb.store.expressions import hold_key
from kb.store.schema import feedback_events, search_events

# How long a search's signed reference is valid (`webapp.search.search_refs.REF_SECONDS`).
LINK_SECONDS = 900
# The advisory locks of vote links (`hold_votes_of`): "vote" in ASCII.
_LOCK_SPACE = 0x766F7465


def _words(text: str) -> str:
    return normalise_query(mask_personal_data(text))


def hold_votes_of(conn: Connection, user: str) -> None:
    """Hold, until the transaction ends, the links of the votes and searches of
    the browser `user`: of two writers that take it, the second waits for the
    first to commit, then finds what it wrote."""
    conn.execute(select(hold_key(_LOCK_SPACE, user)))


def link_waiting_votes(conn: Connection, search_id: int, event: SearchEvent) -> list[int]:
    """Link the votes waiting for the search just stored as `search_id`; their ids."""
    if not event.user or not event.result_ids:
        return []
    f = feedback_events
    rows = conn.execute(
        select(f.c.id, f.c.article_id, f.c.query).where(
            f.c.user_id == event.user,
            f.c.ts >= event.ts,
            f.c.ts <= event.ts + timedelta(seconds=LINK_SECONDS),
            f.c.search_id.is_(None),
            f.c.query != "",
        )
    )
    words, shown = _words(event.query), set(event.result_ids)
    ids = [vid for vid, article, query in rows if article in shown and _words(query) == words]
    if ids:
        conn.execute(
            update(f)
            .where(f.c.id.in_(ids))
            .values(search_id=search_id, query="", person="", lang="")
        )
    return ids


def link_to_stored_search(conn: Connection, vote_id: int, event: FeedbackEvent) -> int | None:
    """Link the vote just stored as `vote_id` with its words to the search it was
    cast on when that search is stored already (the latest such); its id."""
    if event.search_id is not None or not event.user or not event.query:
        return None
    s = search_events
    rows = conn.execute(
        select(s.c.id, s.c.result_ids)
        .where(
            s.c.user_id == event.user,
            s.c.ts <= event.ts,
            s.c.ts >= event.ts - timedelta(seconds=LINK_SECONDS),
            s.c.query_norm == _words(event.query),
        )
        .order_by(s.c.ts.desc(), s.c.id.desc())
    )
    search_id = next((sid for sid, shown in rows if event.article_id in (shown or ())), None)
    if search_id is not None:
        f = feedback_events
        conn.execute(
            update(f)
            .where(f.c.id == vote_id)
            .values(search_id=search_id, query="", person="", lang="")
        )
    return search_id


def linked_vote_days(conn: Connection, seen: int) -> Iterable[datetime]:
    """When the votes linked to searches stored after id `seen` were cast: those
    days counted them as votes on searches not logged and must be counted again."""
    return conn.execute(
        select(feedback_events.c.ts)
        .join(search_events, search_events.c.id == feedback_events.c.search_id)
        .where(search_events.c.id > seen)
    ).scalars()
