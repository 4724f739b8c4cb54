"""Request figures for insights: the request rollups of a period, open and
overdue requests now, and value streams.

The period's figures come from `insights_request_days` and
`insights_request_topics` (`kb.store.insights_requests`): at most one row per
day and department, or per day, department and question. Backlog and overdue
are counted from the open requests themselves (they depend on the moment of
reading, and the index on department and status bounds them by the backlog).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import case, func, or_, select

from kb.insights.records import (
    RequestDay,
    RequestTopic,
    ResolvedRequest,
    StreamRequest,
    StreamTask,
)
from kb.insights.sketches import PeopleCount
from kb.store.expressions import code_point_order, is_department
from kb.store.insights_rollup import day_start
from kb.store.schema import (
    insights_request_days,
    insights_request_topics,
    request_entries,
    request_tasks,
    requests,
)
from kb.store.sql_base import SqlBase
from kb.validators import normal_name

_IN_BATCH = 500


def _hours(blob: bytes | None) -> np.ndarray:
    return np.frombuffer(blob or b"", dtype=np.float64)


class SqlRequestFigures(SqlBase):
    """What the requests view of insights reads from the requests table."""

    def request_days(
        self, since: date, until: date, department: str | None = None
    ) -> list[RequestDay]:
        """The rolled-up requests per day and department with since <= day < until."""
        d = insights_request_days
        query = select(d).where(d.c.day >= since, d.c.day < until)
        if department is not None:
            query = query.where(is_department(d.c.department, department))
        with self._read("read requests per day") as conn:
            return [
                RequestDay(
                    **{
                        **row._mapping,
                        "first_response_hours": _hours(row.first_response_hours),
                        "resolution_hours": _hours(row.resolution_hours),
                    }
                )
                for row in conn.execute(query)
            ]

    def request_topics(
        self, since: date, until: date, department: str | None = None, top: int = 3
    ) -> list[RequestTopic]:
        """Per department, its `top` gap topics (or questions of no topic) by
        requests created with since <= day < until, most first."""
        t = insights_request_topics
        where = [t.c.day >= since, t.c.day < until]
        if department is not None:
            where.append(is_department(t.c.department, department))
        text = case((t.c.topic_id.is_(None), t.c.query_norm))
        grouped = (
            select(
                t.c.department, t.c.topic_id, text.label("text"), func.sum(t.c.requests).label("n")
            )
            .where(*where)
            .group_by(t.c.department, t.c.topic_id, text)
            .subquery()
        )
        rank = func.row_number().over(
            partition_by=grouped.c.department,
            order_by=(
                grouped.c.n.desc(),
                func.coalesce(grouped.c.topic_id, 0),
                code_point_order(grouped.c.text),
            ),
        )
        ranked = select(grouped, rank.label("rank")).subquery()
        with self._read("read top request topics") as conn:
            found = list(conn.execute(select(ranked).where(ranked.c.rank <= top)))
            if not found:
                return []
            keys = [
                (t.c.department == r.department)
                & (
                    t.c.topic_id == r.topic_id
                    if r.topic_id is not None
                    else t.c.query_norm == r.text
                )
                for r in found
            ]
            counts: dict[tuple[str, Any], PeopleCount] = defaultdict(PeopleCount)
            sketches = select(t.c.department, t.c.topic_id, t.c.query_norm, t.c.requesters_sketch)
            for dept, topic, qn, sketch in conn.execute(sketches.where(*where, or_(*keys))):
                counts[(dept, topic if topic is not None else qn)].add(sketch)
        out = [
            RequestTopic(
                department=r.department,
                topic_id=r.topic_id,
                text=r.text or "",
                requests=int(r.n),
                requesters=counts[
                    (r.department, r.topic_id if r.topic_id is not None else r.text)
                ].count(),
            )
            for r in found
        ]
        out.sort(key=lambda x: (x.department, -x.requests, x.topic_id or 0, x.text))
        return out

    def rating_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, float | None]:
        """(ratings given with since <= day < until, their average), by when rated."""
        d = insights_request_days
        query = select(func.sum(d.c.rated), func.sum(d.c.rated_sum)).where(
            d.c.day >= since, d.c.day < until
        )
        if department is not None:
            query = query.where(is_department(d.c.department, department))
        with self._read("read ratings") as conn:
            count, total = conn.execute(query).one()
        count = int(count or 0)
        return count, round(int(total) / count, 2) if count else None

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
            query = query.where(is_department(r.c.department, department))
        with self._read("count open requests") as conn:
            return {d: (int(n), int(o or 0)) for d, n, o in conn.execute(query)}

    def resolved_requests(
        self, since: date, until: date, department: str | None = None
    ) -> list[ResolvedRequest]:
        """Requests created with since <= day < until and answered or resolved
        since: the requests view times their first response and resolution in
        working hours, which the rollups (wall-clock hours) cannot give, as the
        calendar is a setting."""
        r = requests
        query = select(r.c.department, r.c.created, r.c.resolved_at, r.c.first_responded_at).where(
            r.c.created >= day_start(since),
            r.c.created < day_start(until),
            r.c.resolved_at.is_not(None) | r.c.first_responded_at.is_not(None),
        )
        if department is not None:
            query = query.where(is_department(r.c.department, department))
        with self._read("read resolved requests") as conn:
            return [ResolvedRequest(*row) for row in conn.execute(query)]

    def missed_open(
        self, since: date, until: date, now: datetime, department: str | None = None
    ) -> dict[str, tuple[int, int]]:
        """Per department: open requests created with since <= day < until that
        are past their first-response due date unanswered, and past their
        resolution due date: they missed their targets though nobody closed them."""
        r = requests
        first = (r.c.first_response_due < now) & r.c.first_responded_at.is_(None)
        resolution = (r.c.resolution_due < now) & r.c.resolved_at.is_(None)
        query = (
            select(
                r.c.department,
                func.sum(case((first, 1), else_=0)),
                func.sum(case((resolution, 1), else_=0)),
            )
            .where(
                r.c.status.not_in(["resolved", "closed"]),
                r.c.created >= day_start(since),
                r.c.created < day_start(until),
            )
            .group_by(r.c.department)
        )
        if department is not None:
            query = query.where(is_department(r.c.department, department))
        with self._read("count missed targets") as conn:
            return {d: (int(f or 0), int(s or 0)) for d, f, s in conn.execute(query)}

    def value_stream_rows(
        self, since: date, until: date, department: str | None = None
    ) -> list[StreamRequest]:
        """Value-stream requests created with since <= day < until, with their
        tasks and when each task was done (from the request history)."""
        r = requests
        wanted = None if department is None else normal_name(department)
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
            if wanted is not None and all(t.department != wanted for t in rows):
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
