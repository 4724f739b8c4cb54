"""Recomputing the request rollups of a day from the requests table.

A request counts on the UTC day it was created, in the department whose
queue holds it. Its figures change after that day (first response,
resolution, rerouting), and every such change writes an entry to the
request's history; `touched_request_days` finds the creation days of the
requests created or changed since the last refresh, and
`recompute_request_days` replaces those days' rows (`insights_request_days`,
`insights_request_topics`) inside the caller's transaction. A rating counts
twice: with its request's creation day (the requests view) and on the day
it was given (the overview's average), so both days are touched.

Requesters are counted by their account's `person_key`, which a rename keeps,
so a renamed person is one person in any period.

The masked question and gap topic of each request come from
`insights_request_texts` (`kb.store.insights_topics.add_request_texts`),
which the refresh fills first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Row, delete, func, insert, or_, select

from kb.events import normalise_query
from kb.insights.privacy import mask_personal_data
from kb.insights.sketches import sketch_people
from kb.store.insights_rollup import day_start
from kb.store.schema import (
    insights_request_days,
    insights_request_texts,
    insights_request_topics,
    request_entries,
    requests,
    users,
)

HOURS = np.float64


def touched_request_days(conn: Connection, marks: dict[str, int]) -> set[date]:
    """Creation and rating days of requests with id above `marks["requests"]`
    or with a history entry above `marks["request_entries"]`."""
    r = requests
    changed = select(request_entries.c.request_id).where(
        request_entries.c.id > marks.get("request_entries", 0)
    )
    query = select(r.c.created, r.c.rated_at).where(
        or_(r.c.id > marks.get("requests", 0), r.c.id.in_(changed))
    )
    days: set[date] = set()
    for created, rated in conn.execute(query):
        days.update(ts.astimezone(UTC).date() for ts in (created, rated) if ts is not None)
    return days


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


@dataclass
class _Department:
    requests: int = 0
    first_judged: int = 0
    first_within: int = 0
    resolved_judged: int = 0
    resolved_within: int = 0
    ratings: int = 0
    rating_sum: int = 0
    rated: int = 0
    rated_sum: int = 0
    first_hours: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)

    def row(self, day: date, department: str) -> dict[str, object]:
        return {
            "day": day,
            "department": department,
            "requests": self.requests,
            "first_judged": self.first_judged,
            "first_within": self.first_within,
            "resolved_judged": self.resolved_judged,
            "resolved_within": self.resolved_within,
            "ratings": self.ratings,
            "rating_sum": self.rating_sum,
            "rated": self.rated,
            "rated_sum": self.rated_sum,
            "first_response_hours": np.asarray(self.first_hours, HOURS).tobytes(),
            "resolution_hours": np.asarray(self.resolution_hours, HOURS).tobytes(),
        }


@dataclass
class _Question:
    topic_id: int | None = None
    requests: int = 0
    resolved: int = 0
    requesters: set[str] = field(default_factory=set)


def _day_requests(conn: Connection, day: date) -> Iterable[Row[Any]]:
    r, rt = requests, insights_request_texts
    # A requester counts as their account's person key (kept through renames:
    # a renamed person is one person on either side of the rename), else as
    # the name on the request (a removed account's label, the demo's people).
    person = func.coalesce(users.c.person_key, r.c.requester).label("person")
    return conn.execute(
        select(
            r.c.department,
            person,
            r.c.query,
            r.c.created,
            r.c.first_responded_at,
            r.c.resolved_at,
            r.c.first_response_due,
            r.c.resolution_due,
            r.c.rating,
            rt.c.query_norm,
            rt.c.topic_id,
        )
        .select_from(
            r.outerjoin(rt, rt.c.request_id == r.c.id).outerjoin(
                users, users.c.username == r.c.requester
            )
        )
        .where(r.c.created >= day_start(day), r.c.created < day_start(day + timedelta(days=1)))
    )


def _tally(
    rows: Iterable[Row[Any]],
) -> tuple[dict[str, _Department], dict[tuple[str, str], _Question]]:
    departments: dict[str, _Department] = defaultdict(_Department)
    questions: dict[tuple[str, str], _Question] = defaultdict(_Question)
    for row in rows:
        d = departments[row.department]
        d.requests += 1
        first = _hours(row.created, row.first_responded_at)
        resolved = _hours(row.created, row.resolved_at)
        if first is not None:
            d.first_hours.append(first)
            if row.first_response_due is not None:
                d.first_judged += 1
                d.first_within += row.first_responded_at <= row.first_response_due
        if resolved is not None:
            d.resolution_hours.append(resolved)
            if row.resolution_due is not None:
                d.resolved_judged += 1
                d.resolved_within += row.resolved_at <= row.resolution_due
        if row.rating is not None:
            d.ratings += 1
            d.rating_sum += row.rating
        text = row.query_norm or normalise_query(mask_personal_data(row.query))
        q = questions[(row.department, text)]
        q.topic_id = row.topic_id
        q.requests += 1
        q.resolved += resolved is not None
        q.requesters.add(row.person)
    return departments, questions


def _add_ratings_given(conn: Connection, day: date, departments: dict[str, _Department]) -> None:
    r = requests
    given = conn.execute(
        select(r.c.department, func.count(r.c.rating), func.sum(r.c.rating))
        .where(
            r.c.rated_at >= day_start(day),
            r.c.rated_at < day_start(day + timedelta(days=1)),
            r.c.rating.is_not(None),
        )
        .group_by(r.c.department)
    )
    for department, count, total in given:
        d = departments[department]
        d.rated, d.rated_sum = int(count), int(total or 0)


def recompute_request_days(conn: Connection, days: Iterable[date]) -> None:
    """Replace the request rollup rows of `days` with figures from their requests."""
    for day in sorted(set(days)):
        for table in (insights_request_days, insights_request_topics):
            conn.execute(delete(table).where(table.c.day == day))
        departments, questions = _tally(_day_requests(conn, day))
        _add_ratings_given(conn, day, departments)
        if not departments:
            continue
        conn.execute(
            insert(insights_request_days), [d.row(day, dept) for dept, d in departments.items()]
        )
        if not questions:  # only ratings given that day
            continue
        conn.execute(
            insert(insights_request_topics),
            [
                {
                    "day": day,
                    "department": dept,
                    "query_norm": text,
                    "topic_id": q.topic_id,
                    "requests": q.requests,
                    "resolved": q.resolved,
                    "requesters_sketch": sketch_people(q.requesters),
                }
                for (dept, text), q in questions.items()
            ],
        )
