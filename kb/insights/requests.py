"""Requests in insights: per department, what is asked most and whether the
department meets its targets.

For each department with requests in the period: the count, the three most
frequent request topics (a request's question belongs to the knowledge-gap
topic its text was placed in, else it stands for itself; a topic is named
only when at least `min_people` different requesters asked it), the median
time to first response and to resolution in hours (wall-clock), the share
answered and resolved within the department's targets (the due dates, which
count working hours), how the requesters rated the answers (count and
average of 1-5 stars), and the backlog and overdue requests now.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kb.events import normalise_query
from kb.insights.privacy import mask_personal_data
from kb.insights.records import RequestTimes
from kb.insights.store import InsightsStore
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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def _median(values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return round(statistics.median(found), 2) if found else None


def _within(rows: list[RequestTimes], done: str, due: str) -> float | None:
    judged = [r for r in rows if getattr(r, done) is not None and getattr(r, due) is not None]
    if not judged:
        return None
    return round(sum(getattr(r, done) <= getattr(r, due) for r in judged) / len(judged), 4)


def _ratings(rows: list[RequestTimes]) -> dict[str, Any]:
    given = [r.rating for r in rows if r.rating is not None]
    return {
        "ratings": len(given),
        "average_rating": round(statistics.mean(given), 2) if given else None,
    }


def request_figures(
    store: InsightsStore,
    rows: list[RequestTimes],
    open_now: Mapping[str, tuple[int, int]],
    targets: Mapping[str, Targets],
    min_people: int,
) -> list[DepartmentRequests]:
    """Figures per department, most requests first."""
    texts = {r: normalise_query(mask_personal_data(r.query)) for r in rows}
    topic_of = {g.text: g.topic_id for g in store.gap_questions(list(set(texts.values())))}
    labels = {t.id: t.label for t in store.topics()} if topic_of else {}
    by_department: dict[str, list[RequestTimes]] = defaultdict(list)
    for r in rows:
        by_department[r.department].append(r)
    out = []
    for dept in sorted(set(by_department) | set(open_now)):
        mine = by_department.get(dept, [])
        counts: Counter[tuple[str, Any]] = Counter()
        people: dict[tuple[str, Any], set[str]] = defaultdict(set)
        for r in mine:
            topic = topic_of.get(texts[r])
            key = ("topic", topic) if topic is not None else ("text", texts[r])
            counts[key] += 1
            people[key].add(r.requester)
        top = []
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0][1])))[:TOP]:
            shown = len(people[key]) >= min_people
            label = labels.get(int(key[1]), "") if key[0] == "topic" else str(key[1])
            top.append(
                {
                    "label": label if shown else "",
                    "requests": n,
                    "topic_id": key[1] if key[0] == "topic" else None,
                }
            )
        target = targets.get(dept)
        backlog, overdue = open_now.get(dept, (0, 0))
        out.append(
            DepartmentRequests(
                department=dept,
                requests=len(mine),
                top_topics=top,
                median_first_response_hours=_median(
                    [_hours(r.created, r.first_responded_at) for r in mine]
                ),
                median_resolution_hours=_median([_hours(r.created, r.resolved_at) for r in mine]),
                target_first_response_hours=target.first_response_hours if target else None,
                target_resolution_hours=target.resolution_hours if target else None,
                first_response_within_target=_within(
                    mine, "first_responded_at", "first_response_due"
                ),
                resolution_within_target=_within(mine, "resolved_at", "resolution_due"),
                backlog=backlog,
                overdue=overdue,
                **_ratings(mine),
            )
        )
    out.sort(key=lambda d: (-d.requests, d.department))
    return out
