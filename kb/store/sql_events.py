"""Search, click and feedback events in SQL, and the popular-queries aggregate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Table, func, insert, select

from kb.errors import ConflictError, NotFoundError
from kb.events import (
    ClickEvent,
    FeedbackEvent,
    PopularQuery,
    SearchEvent,
    normalise_query,
    query_prefix,
)
from kb.insights.privacy import mask_personal_data
from kb.store.expressions import code_point_order, starts_with
from kb.store.schema import click_events, feedback_events, search_events
from kb.store.sql_base import SqlBase, check_limit, inserted_id
from kb.store.vote_links import hold_votes_of, link_to_stored_search, link_waiting_votes
from kb.validators import ensure_optional_utc


def _search_row(event: SearchEvent) -> dict[str, Any]:
    # Personal data typed into the search box is never stored (docs/insights.md).
    query = mask_personal_data(event.query)
    return {
        "ts": event.ts,
        "query": query,
        "query_norm": normalise_query(query),
        "lang": event.lang,
        "filters": event.filters,
        "answered": event.answered,
        "confidence": event.confidence,
        "department": event.department,
        "department_confidence": event.department_confidence,
        "result_ids": event.result_ids,
        "latency_ms": event.latency_ms,
        "user_id": event.user,
        "page": event.page,
        "person": event.person or None,
        "answer_id": event.answer_id,
        "signed_in": event.signed_in,
    }


def _search_event(row: Row[Any]) -> SearchEvent:
    return SearchEvent(
        id=row.id,
        ts=row.ts,
        query=row.query,
        lang=row.lang,
        filters=row.filters,
        answered=row.answered,
        confidence=row.confidence,
        department=row.department,
        department_confidence=row.department_confidence,
        result_ids=row.result_ids,
        latency_ms=row.latency_ms,
        user=row.user_id,
        page=row.page,
        person=row.person or "",
        answer_id=row.answer_id,
        signed_in=bool(row.signed_in),
    )


def _click_event(row: Row[Any]) -> ClickEvent:
    return ClickEvent(
        id=row.id,
        search_id=row.search_id,
        article_id=row.article_id,
        rank=row.rank,
        user=row.user_id,
        ts=row.ts,
    )


def _feedback_event(row: Row[Any]) -> FeedbackEvent:
    return FeedbackEvent(
        id=row.id,
        article_id=row.article_id,
        helpful=row.helpful,
        comment=row.comment,
        search_id=row.search_id,
        user=row.user_id,
        ts=row.ts,
        query=row.query,
        person=row.person,
        lang=row.lang,
    )


def _time_window(
    table: Table, since: datetime | None, until: datetime | None, limit: int | None
) -> Select[Any]:
    """Rows of an event table with since <= ts < until, oldest first."""
    check_limit(limit)
    since = ensure_optional_utc("since", since)
    until = ensure_optional_utc("until", until)
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(table.c.ts >= since)
    if until is not None:
        conditions.append(table.c.ts < until)
    query = select(table).where(*conditions).order_by(table.c.ts, table.c.id)
    return query if limit is None else query.limit(limit)


class SqlEvents(SqlBase):
    """The events part of `SqlStore`."""

    def log_search(self, event: SearchEvent) -> int:
        with self._write("log a search") as conn:
            if event.user and event.result_ids:
                hold_votes_of(conn, event.user)  # a vote written at once waits, or is seen
            search_id = inserted_id(conn.execute(insert(search_events).values(_search_row(event))))
            link_waiting_votes(conn, search_id, event)  # cast before it was stored
            return search_id

    def search_event(self, search_id: int) -> SearchEvent | None:
        with self._read("read a search event") as conn:
            row = conn.execute(select(search_events).where(search_events.c.id == search_id)).first()
        return None if row is None else _search_event(row)

    def search_event_at(self, user: str, ts: datetime) -> SearchEvent | None:
        found = (
            select(search_events)
            .where(search_events.c.ts == ts, search_events.c.user_id == user)
            .order_by(search_events.c.id)
            .limit(1)
        )
        with self._read("read a search event") as conn:
            row = conn.execute(found).first()
        return None if row is None else _search_event(row)

    def log_click(self, event: ClickEvent) -> int:
        try:
            with self._write("log a click") as conn:
                # One click per result of a search: a repeat would let one browser
                # count an article's views without end (`ArticleActivity.views`).
                # The search's row is locked first (PostgreSQL; SQLite has one
                # writer anyway): of a double click, the second waits for the
                # first to commit, then finds it.
                conn.execute(
                    select(search_events.c.id)
                    .where(search_events.c.id == event.search_id)
                    .with_for_update()
                )
                first = conn.execute(
                    select(click_events.c.id)
                    .where(click_events.c.search_id == event.search_id)
                    .where(click_events.c.article_id == event.article_id)
                    .order_by(click_events.c.id)
                    .limit(1)
                ).scalar()
                if first is not None:
                    return int(first)
                result = conn.execute(
                    insert(click_events).values(
                        search_id=event.search_id,
                        article_id=event.article_id,
                        rank=event.rank,
                        user_id=event.user,
                        ts=event.ts,
                    )
                )
                return inserted_id(result)
        except ConflictError as exc:
            # The only constraint a click can break is its reference to the search.
            raise NotFoundError(
                f"no search event with id {event.search_id!r}; log the search first",
                details={"field": "search_id"},
                key="no_search",
                values={"value": event.search_id},
            ) from exc

    def log_feedback(self, event: FeedbackEvent) -> int:
        waits = event.search_id is None and bool(event.user and event.query)
        with self._write("log feedback") as conn:
            if waits:
                hold_votes_of(conn, event.user)  # a search written at once waits, or is seen
            result = conn.execute(
                insert(feedback_events).values(
                    article_id=event.article_id,
                    helpful=event.helpful,
                    comment=event.comment,
                    search_id=event.search_id,
                    user_id=event.user,
                    ts=event.ts,
                    # Personal data typed into the search box is never stored (docs/insights.md).
                    query=mask_personal_data(event.query),
                    person=event.person if event.query else "",
                    lang=event.lang if event.query else "",
                )
            )
            vote_id = inserted_id(result)
            if waits:
                link_to_stored_search(conn, vote_id, event)  # stored before the vote
            return vote_id

    def search_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[SearchEvent]:
        query = _time_window(search_events, since, until, limit)
        with self._read("read search events") as conn:
            return [_search_event(row) for row in conn.execute(query)]

    def click_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[ClickEvent]:
        query = _time_window(click_events, since, until, limit)
        with self._read("read click events") as conn:
            return [_click_event(row) for row in conn.execute(query)]

    def feedback_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[FeedbackEvent]:
        query = _time_window(feedback_events, since, until, limit)
        with self._read("read feedback events") as conn:
            return [_feedback_event(row) for row in conn.execute(query)]

    def popular_queries(
        self, prefix: str, limit: int = 10, *, min_people: int = 1
    ) -> list[PopularQuery]:
        if not isinstance(prefix, str):
            raise ValueError(f"prefix must be a string, got {prefix!r}")
        check_limit(limit)
        if isinstance(min_people, bool) or not isinstance(min_people, int) or min_people < 1:
            raise ValueError(f"min_people must be an integer >= 1, got {min_people!r}")
        # Both sides are normalised in Python, so matching is case-insensitive on
        # every backend without relying on the database's collation or ILIKE.
        wanted = query_prefix(prefix)
        table = search_events.c
        people = func.count(table.person.distinct()).label("people")
        query = (
            select(table.query_norm, table.answer_id, people)
            .where(
                table.answered.is_(True),
                table.page == 1,
                table.person.is_not(None),
                table.answer_id.is_not(None),
            )
            .group_by(table.query_norm, table.answer_id)
            .having(people >= min_people)
            .order_by(
                people.desc(), code_point_order(table.query_norm), code_point_order(table.answer_id)
            )
            .limit(limit)
        )
        if wanted:
            query = query.where(starts_with(table.query_norm, wanted))
        with self._read("find popular queries") as conn:
            return [
                PopularQuery(row.query_norm, row.answer_id, int(row.people))
                for row in conn.execute(query)
            ]
