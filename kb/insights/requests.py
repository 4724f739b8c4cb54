"""Requests in insights: per department, what is asked most and whether the
department meets its targets.

For each department with requests in the period: the count, the three most
frequent request topics (a request's question belongs to the knowledge-gap
topic its text was placed in, else it stands for itself; a topic is named
only when at least `min_people` different requesters asked it; the hidden
ones are one row), the median
time to first response and to resolution in hours (wall-clock; with the
working calendar, also in working hours, the unit of the targets), the share
answered and resolved within the department's targets (the due dates, which
count working hours; an open request past a due date has missed it), how the requesters rated the answers (count and
average of 1-5 stars), and the backlog and overdue requests now.

The period's figures are added up from the request rollups
(`kb.store.insights_requests`: per day and department, and per day,
department and masked question); medians are exact, over the hours each
day's row keeps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from kb.insights.records import RequestDay, RequestTopic, ResolvedRequest
from kb.records import Targets

TOP = 3


@dataclass(frozen=True)
class DepartmentRequests:
    """One department's request figures."""

    department: str
    requests: int
    top_topics: list[dict[str, Any]]
    median_first_response_hours: float | None
    median_resolution_hours: float | None
    target_first_response_hours: float | None
    target_resolution_hours: float | None
    first_response_within_target: float | None
    resolution_within_target: float | None
    backlog: int
    overdue: int
    ratings: int = 0  # answers rated, of the period's requests
    average_rating: float | None = None  # 1-5
    # Resolution in working hours, the unit of the target: median and 90th percentile.
    median_resolution_working_hours: float | None = None
    p90_resolution_working_hours: float | None = None
    # First response in working hours, the unit of its target: median.
    median_first_response_working_hours: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def topics_cell(top_topics: Sequence[dict[str, Any]]) -> str:
    """A department's top topics in one cell of text (CSV and the terminal): each with
    its request count, a topic too few people asked to be named as "(hidden)"."""
    return "; ".join(f"{t['label'] or '(hidden)'} ({t['requests']})" for t in top_topics)


def _median(parts: Sequence[np.ndarray]) -> float | None:
    values = np.concatenate(parts) if parts else np.empty(0)
    return round(float(np.median(values)), 2) if len(values) else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _average(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


def _top(
    topics: Sequence[RequestTopic], labels: Mapping[int, str], min_people: int
) -> list[dict[str, Any]]:
    # The topics too few people asked are one row, their counts summed: several
    # rows of the same "hidden" label would read as one topic listed twice.
    out: list[dict[str, Any]] = []
    hidden = 0
    for t in topics:
        if t.requesters < min_people:
            hidden += t.requests
            continue
        label = labels.get(t.topic_id, "") if t.topic_id is not None else t.text
        out.append({"label": label, "requests": t.requests, "topic_id": t.topic_id})
    if hidden:
        out.append({"label": "", "requests": hidden, "topic_id": None})
        out.sort(key=lambda row: -row["requests"])  # stable: ties keep the named first
    return out


def request_figures(
    days: Sequence[RequestDay],
    topics: Sequence[RequestTopic],
    labels: Mapping[int, str],
    open_now: Mapping[str, tuple[int, int]],
    targets: Mapping[str, Targets],
    min_people: int,
    missed: Mapping[str, tuple[int, int]] | None = None,
) -> list[DepartmentRequests]:
    """Figures per department, most requests first, from the period's rolled-up
    days, each department's top topics (`TOP`, most first) and the topic labels.
    `missed` (per department: open requests of the period past their first-response
    and resolution due dates) count against the shares within target."""
    by_department: dict[str, list[RequestDay]] = defaultdict(list)
    for d in days:
        by_department[d.department].append(d)
    tops: dict[str, list[RequestTopic]] = defaultdict(list)
    for t in topics:
        tops[t.department].append(t)
    out = []
    for dept in sorted(set(by_department) | set(open_now)):
        mine = by_department.get(dept, [])
        target = targets.get(dept)
        backlog, overdue = open_now.get(dept, (0, 0))
        late_first, late_resolution = (missed or {}).get(dept, (0, 0))
        out.append(
            DepartmentRequests(
                department=dept,
                requests=sum(d.requests for d in mine),
                top_topics=_top(tops.get(dept, []), labels, min_people),
                median_first_response_hours=_median([d.first_response_hours for d in mine]),
                median_resolution_hours=_median([d.resolution_hours for d in mine]),
                target_first_response_hours=target.first_response_hours if target else None,
                target_resolution_hours=target.resolution_hours if target else None,
                first_response_within_target=_share(
                    sum(d.first_within for d in mine),
                    sum(d.first_judged for d in mine) + late_first,
                ),
                resolution_within_target=_share(
                    sum(d.resolved_within for d in mine),
                    sum(d.resolved_judged for d in mine) + late_resolution,
                ),
                backlog=backlog,
                overdue=overdue,
                ratings=sum(d.ratings for d in mine),
                average_rating=_average(
                    sum(d.rating_sum for d in mine), sum(d.ratings for d in mine)
                ),
            )
        )
    out.sort(key=lambda d: (-d.requests, d.department))
    return out


def with_working_hours(
    rows: Sequence[DepartmentRequests],
    resolved: Sequence[ResolvedRequest],
    working_hours: Callable[[datetime, datetime], float],
) -> list[DepartmentRequests]:
    """`rows` with their requests' times in working hours
    (`working_hours(start, end)`, the calendar the due dates count by), so
    that they compare with the targets: the median first response, and the
    median and 90th percentile of the resolution."""
    first: dict[str, list[float]] = defaultdict(list)
    hours: dict[str, list[float]] = defaultdict(list)
    for r in resolved:
        if r.first_responded_at is not None:
            first[r.department].append(max(0.0, working_hours(r.created, r.first_responded_at)))
        if r.resolved_at is not None:
            hours[r.department].append(max(0.0, working_hours(r.created, r.resolved_at)))
    out = []
    for row in rows:
        mine, answered = hours.get(row.department), first.get(row.department)
        if answered:
            row = replace(row, median_first_response_working_hours=_round_median(answered))
        if mine:
            row = replace(
                row,
                median_resolution_working_hours=_round_median(mine),
                p90_resolution_working_hours=round(float(np.percentile(mine, 90)), 2),
            )
        out.append(row)
    return out


def _round_median(values: Sequence[float]) -> float:
    return round(float(np.median(values)), 2)
