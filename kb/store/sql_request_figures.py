"""Request figures for insights: times of requests in a period, open and overdue now."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select

from kb.insights.records import RequestTimes, StreamRequest, StreamTask
from kb.store.insights_rollup import day_start
from kb.store.schema import request_entries, request_tasks, requests
from kb.store.sql_base import SqlBase

_IN_BATCH = 500


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
            r.c.rating,
        ).where(*where)
        with self._read("read request times") as conn:
            return [RequestTimes(*row) for row in conn.execute(query)]

    def rating_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, float | None]:
        """(ratings given with since <= day < until, their average), by when rated."""
        r = requests
        where = [r.c.rated_at >= day_start(since), r.c.rated_at < day_start(until)]
        if department is not None:
            where.append(r.c.department == department)
        query = select(func.count(r.c.rating), func.avg(r.c.rating)).where(*where)
        with self._read("read ratings") as conn:
            count, average = conn.execute(query).one()
        return int(count or 0), None if average is None else round(float(average), 2)

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

    def value_stream_rows(
        self, since: date, until: date, department: str | None = None
    ) -> list[StreamRequest]:
        """Value-stream requests created with since <= day < until, with their
        tasks and when each task was done (from the request history)."""
        r = requests
        where = [
            r.c.created >= day_start(since),
            r.c.created < day_start(until),
            r.c.workflow.is_not(None),
        ]
        with self._read("read value streams") as conn:
            heads = {
                row.id: row
                for row in conn.execute(select(r.c.id, r.c.workflow, r.c.created).where(*where))
            }
            ids = sorted(heads)
            tasks: dict[int, list[Any]] = defaultdict(list)
            done: dict[int, dict[int, datetime]] = defaultdict(dict)
            for start in range(0, len(ids), _IN_BATCH):
                chunk = ids[start : start + _IN_BATCH]
                for t in conn.execute(
                    select(request_tasks).where(request_tasks.c.request_id.in_(chunk))
                ):
                    tasks[t.request_id].append(t)
                entries = select(
                    request_entries.c.request_id, request_entries.c.ts, request_entries.c.data
                ).where(request_entries.c.request_id.in_(chunk), request_entries.c.kind == "task")
                for request_id, ts, data in conn.execute(entries):
                    if data.get("status") in ("done", "cancelled") and "task" in data:
                        done[request_id][int(data["task"])] = ts
        out = []
        for request_id, head in heads.items():
            rows = tasks.get(request_id, [])
            if department is not None and all(t.department != department for t in rows):
                continue
            out.append(
                StreamRequest(
                    workflow=head.workflow,
                    created=head.created,
                    tasks=[
                        StreamTask(
                            t.task_no,
                            t.department,
                            t.title,
                            t.status,
                            tuple(t.depends_on),
                            done[request_id].get(t.task_no),
                        )
                        for t in rows
                    ],
                )
            )
        return out
