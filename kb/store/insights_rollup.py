"""Recomputing one day of the insights rollups from the event tables.

`touched_days` finds the days that events written since the last refresh
belong to; `recompute_day` replaces a day's rows (figures per department,
people, failed questions and their people, article figures) from that day's
events, inside the caller's transaction (`SqlInsights.refresh`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, insert, select, true

from kb.insights.records import DAY_COUNTS
from kb.store.schema import (
    click_events,
    feedback_events,
    insights_articles,
    insights_days,
    insights_people,
    insights_question_people,
    insights_questions,
    requests,
    search_events,
)

_BATCH = 2000
# Results counted as shown: the first page the web app shows.
_FIRST_PAGE = 10


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass
class _Question:
    lang: str = ""
    searches: int = 0
    unanswered: int = 0
    unclicked: int = 0
    not_helpful: int = 0
    people: set[str] = field(default_factory=set)


@dataclass
class _DayTally:
    """What one day's searches add up to, gathered row by row."""

    figures: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    people: set[tuple[str, str]] = field(default_factory=set)
    questions: dict[tuple[str, str], _Question] = field(
        default_factory=lambda: defaultdict(_Question)
    )
    articles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    # Per person: the department their ask form suggested from (None: never used it),
    # whether they opened a suggestion, whether any of their searches became a request.
    sessions: dict[str, list[Any]] = field(
        default_factory=lambda: defaultdict(lambda: [None, False, False])
    )

    def add(self, row: Row[Any]) -> None:
        if row.user_id:
            session = self.sessions[row.user_id]
            if (row.filters or {}).get("source") == "ask":
                session[0] = session[0] if session[0] is not None else row.department or ""
                session[1] = session[1] or bool(row.clicked)
            session[2] = session[2] or bool(row.requested)
        articles = self.articles
        for article in dict.fromkeys(row.result_ids[:_FIRST_PAGE]):
            articles[article][0] += 1
        if row.answered and row.result_ids:
            articles[row.result_ids[0]][1] += 1
            articles[row.result_ids[0]][2] += bool(row.requested)
        dept = row.department or ""
        f = self.figures[dept]
        f["searches"] += 1
        f["answered"] += bool(row.answered)
        f["zero_results"] += not row.result_ids
        f["clicked"] += bool(row.clicked)
        if row.user_id:
            self.people.add((dept, row.user_id))
        unclicked = bool(row.result_ids) and not row.clicked and not row.helpful
        q = self.questions[(row.query_norm, dept)]
        q.searches += 1
        if row.answered and not row.unhelpful and not unclicked:
            return  # answered and used: not a failed question
        q.lang = row.lang or q.lang
        q.unanswered += not row.answered
        q.unclicked += unclicked
        q.not_helpful += bool(row.unhelpful)
        if row.user_id:
            q.people.add(row.user_id)


def touched_days(conn: Connection, marks: dict[str, int]) -> set[date]:
    """The days whose figures events written after `marks` (id per table) change."""
    seen = marks.get("search_events", 0)
    clicks = marks.get("click_events", 0)
    votes = marks.get("feedback_events", 0)
    stamps: list[datetime] = []
    stamps += conn.execute(select(search_events.c.ts).where(search_events.c.id > seen)).scalars()
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(click_events, click_events.c.search_id == search_events.c.id)
        .where(click_events.c.id > clicks)
    ).scalars()
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(feedback_events, feedback_events.c.search_id == search_events.c.id)
        .where(feedback_events.c.id > votes)
    ).scalars()
    stamps += conn.execute(
        select(feedback_events.c.ts).where(feedback_events.c.id > votes)
    ).scalars()
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(requests, requests.c.search_id == search_events.c.id)
        .where(requests.c.id > marks.get("requests", 0))
    ).scalars()
    return {ts.astimezone(UTC).date() for ts in stamps}


def _day_searches(conn: Connection, start: datetime, end: datetime) -> Iterable[Row[Any]]:
    """Every search of the day with whether it was clicked, voted on, or asked on."""
    clicked = exists().where(click_events.c.search_id == search_events.c.id)
    helpful = exists().where(
        feedback_events.c.search_id == search_events.c.id, feedback_events.c.helpful.is_(true())
    )
    requested = exists().where(requests.c.search_id == search_events.c.id)
    unhelpful = exists().where(
        feedback_events.c.search_id == search_events.c.id,
        feedback_events.c.helpful.is_not(true()),
    )
    return conn.execute(
        select(
            search_events.c.query_norm,
            search_events.c.department,
            search_events.c.lang,
            search_events.c.answered,
            search_events.c.result_ids,
            search_events.c.user_id,
            search_events.c.filters,
            clicked.label("clicked"),
            helpful.label("helpful"),
            unhelpful.label("unhelpful"),
            requested.label("requested"),
        ).where(search_events.c.ts >= start, search_events.c.ts < end)
    )


def recompute_day(conn: Connection, day: date) -> None:
    """Replace the rollup rows of `day` with figures counted from its events."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    for table in (insights_days, insights_people, insights_questions, insights_articles):
        conn.execute(delete(table).where(table.c.day == day))
    conn.execute(delete(insights_question_people).where(insights_question_people.c.day == day))
    tally = _DayTally()
    for row in _day_searches(conn, start, end):
        tally.add(row)
    figures = tally.figures
    votes = conn.execute(
        select(search_events.c.department, feedback_events.c.helpful)
        .select_from(feedback_events)
        .outerjoin(search_events, search_events.c.id == feedback_events.c.search_id)
        .where(feedback_events.c.ts >= start, feedback_events.c.ts < end)
    )
    for dept, is_helpful in votes:
        figures[dept or ""]["helpful" if is_helpful else "not_helpful"] += 1
    for asked_in, opened, requested in tally.sessions.values():
        if asked_in is not None:  # an ask form left after opening a suggestion: deflected
            figures[asked_in]["ask_sessions"] += 1
            figures[asked_in]["deflected"] += opened and not requested
    _write_day(conn, day, figures, tally.people, tally.questions)
    articles = tally.articles
    _insert_batches(
        conn,
        insights_articles,
        (
            {
                "day": day,
                "article_id": a,
                "shown": n[0],
                "top_answers": n[1],
                "answers_then_request": n[2],
            }
            for a, n in articles.items()
        ),
    )


def _write_day(
    conn: Connection,
    day: date,
    figures: dict[str, dict[str, int]],
    people: set[tuple[str, str]],
    questions: dict[tuple[str, str], _Question],
) -> None:
    names = DAY_COUNTS
    if figures:
        conn.execute(
            insert(insights_days),
            [
                {"day": day, "department": dept, **{n: f.get(n, 0) for n in names}}
                for dept, f in figures.items()
            ],
        )
    _insert_batches(
        conn, insights_people, ({"day": day, "department": d, "person": p} for d, p in people)
    )
    failed = {key: q for key, q in questions.items() if q.unanswered + q.unclicked + q.not_helpful}
    _insert_batches(
        conn,
        insights_questions,
        (
            {
                "day": day,
                "query_norm": text,
                "department": dept,
                "lang": q.lang,
                "searches": q.searches,
                "unanswered": q.unanswered,
                "unclicked": q.unclicked,
                "not_helpful": q.not_helpful,
            }
            for (text, dept), q in failed.items()
        ),
    )
    persons = {(text, p) for (text, _), q in failed.items() for p in q.people}
    _insert_batches(
        conn,
        insights_question_people,
        ({"query_norm": t, "day": day, "person": p} for t, p in persons),
    )


def _insert_batches(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
