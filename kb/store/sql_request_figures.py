"""Request figures for insights: times of requests in a period, open and overdue now."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, select

from kb.insights.records import RequestTimes
from kb.store.schema import requests
from kb.store.sql_base import SqlBase
from kb.store.sql_insights import day_start


class SqlRequestFigures(SqlBase):
    """What the requests view of insights reads from the requests table."""

    def request_rows(
        self, since: date, until: date, department: str | None = None
    ) -> list[RequestTimes]:
        """Times of the requests created with since <= day < until."""
        r = requests
        where = [r.c.created >= day_start(since), r.c.created < day_start(until)]
        if department is not None:
            where.append(r.c.department == department)
        query = select(
            r.c.department,
            r.c.query,
            r.c.requester,
            r.c.created,
            r.c.first_responded_at,
            r.c.resolved_at,
            r.c.first_response_due,
            r.c.resolution_due,
        ).where(*where)
        with self._read("read request times") as conn:
            return [RequestTimes(*row) for row in conn.execute(query)]

    def open_requests(
        self, now: datetime, department: str | None = None
    ) -> dict[str, tuple[int, int]]:
        """Per department: (open requests, of which overdue at `now`)."""
        r = requests
        open_ = r.c.status.not_in(["resolved", "closed"])
        late = (r.c.resolution_due < now) | (
            (r.c.first_response_due < now) & r.c.first_responded_at.is_(None)
        )
        query = (
            select(r.c.department, func.count(), func.sum(case((late, 1), else_=0)))
            .where(open_)
            .group_by(r.c.department)
        )
        if department is not None:
            query = query.where(r.c.department == department)
        with self._read("count open requests") as conn:
            return {d: (int(n), int(o or 0)) for d, n, o in conn.execute(query)}
