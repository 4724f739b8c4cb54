"""What the knowledge-gaps view reads: per topic and period, from the rollups.

Searches and people per topic come from `insights_topic_blocks` (one row
per topic and block of days, for the whole blocks inside a period) and
`insights_topic_days` (one row per topic and day, for the days outside them); the texts that may be shown from `insights_question_days`
(one row per text and day), if asked filtered in SQL to those enough people
could have asked; requests per topic from `insights_request_topics`. Nothing here
looks a text up in `gap_questions` or masks a request at read time.

For one department (the gaps page's filter), the searches and people are
those of `insights_questions` routed there (its rows' counts and sketches of
people), each row placed in its topic by the text's row of
`insights_question_days`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from kb.insights.records import TopicFigures, TopicText, TopicUse
from kb.insights.sketches import PeopleCount
from kb.store.expressions import is_department, range_without_index
from kb.store.insights_topics import BLOCK_DAYS, block_start
from kb.store.schema import (
    gap_questions,
    insights_gap_uses,
    insights_question_days,
    insights_questions,
    insights_request_topics,
    insights_topic_blocks,
    insights_topic_days,
)
from kb.store.sql_base import SqlBase


def _topic_rows(conn: Connection, since: date, until: date) -> list[Any]:
    """(topic, searches, sketch) rows that cover since <= day < until once:
    the whole blocks inside the period, and the days outside them."""
    t, b = insights_topic_days, insights_topic_blocks
    first = block_start(since)
    if first < since:
        first += timedelta(days=BLOCK_DAYS)
    end = block_start(until)
    if end <= first:  # no whole block inside
        query = select(t.c.topic_id, t.c.searches, t.c.people_sketch)
        return list(conn.execute(query.where(t.c.day >= since, t.c.day < until)))
    edges = ((t.c.day >= since) & (t.c.day < first)) | ((t.c.day >= end) & (t.c.day < until))
    blocks = select(b.c.topic_id, b.c.searches, b.c.people_sketch).where(
        b.c.first_day >= first, b.c.first_day < end
    )
    days = select(t.c.topic_id, t.c.searches, t.c.people_sketch).where(edges)
    return [*conn.execute(blocks), *conn.execute(days)]


class SqlGapFigures(SqlBase):
    """Per-topic figures of a period."""

    def topic_figures(
        self, since: date, until: date, *, people: bool = True, department: str | None = None
    ) -> dict[int, TopicFigures]:
        """Searches (and, if asked, distinct people) per topic with since <= day
        < until; with `department`, only its searches and their people."""
        if department is not None:
            return self._department_figures(since, until, department, people)
        t = insights_topic_days
        where = [t.c.day >= since, t.c.day < until]
        if not people:
            query = (
                select(t.c.topic_id, func.sum(t.c.searches)).where(*where).group_by(t.c.topic_id)
            )
            with self._read("read searches per topic") as conn:
                return {int(i): TopicFigures(int(n)) for i, n in conn.execute(query)}
        searches: dict[int, int] = defaultdict(int)
        counts: dict[int, PeopleCount] = defaultdict(PeopleCount)
        with self._read("read topics per day") as conn:
            for topic, n, sketch in _topic_rows(conn, since, until):
                searches[topic] += n
                counts[topic].add(sketch)
        return {int(i): TopicFigures(n, counts[i].count()) for i, n in searches.items()}

    def _department_figures(
        self, since: date, until: date, department: str, people: bool
    ) -> dict[int, TopicFigures]:
        q, d = insights_questions, insights_question_days
        same_text = (d.c.day == q.c.day) & (d.c.query_norm == q.c.query_norm)
        where = [
            q.c.day >= since,
            q.c.day < until,
            is_department(q.c.department, department),
            d.c.topic_id.is_not(None),
        ]
        searches = (
            select(d.c.topic_id, func.sum(q.c.searches))
            .select_from(q.join(d, same_text))
            .where(*where)
            .group_by(d.c.topic_id)
        )
        sketches = (
            select(d.c.topic_id, q.c.people_sketch)
            .select_from(q.join(d, same_text))
            .where(*where, q.c.people_sketch.is_not(None))
        )
        found: dict[int, PeopleCount] = defaultdict(PeopleCount)
        with self._read("read a department's searches per topic") as conn:
            counts = {int(i): int(n) for i, n in conn.execute(searches)}
            for topic, sketch in conn.execute(sketches) if people else ():
                found[int(topic)].add(sketch)
        return {i: TopicFigures(n, found[i].count() if people else 0) for i, n in counts.items()}

    def topic_uses(self, since: date, until: date) -> dict[int, TopicUse]:
        """Per topic: all the searches of its texts with since <= day < until,
        failed or not, and how many of them were used (`insights_gap_uses`)."""
        u, g = insights_gap_uses, gap_questions
        query = (
            select(g.c.topic_id, func.sum(u.c.searches), func.sum(u.c.used))
            .select_from(u.join(g, g.c.query_norm == u.c.query_norm))
            .where(u.c.day >= since, u.c.day < until, g.c.topic_id.is_not(None))
            .group_by(g.c.topic_id)
        )
        with self._read("read the use of gap questions") as conn:
            return {int(i): TopicUse(int(n), int(used)) for i, n, used in conn.execute(query)}

    def topic_people(self, since: date, until: date) -> dict[int, int]:
        """Distinct people per topic who failed with any of its questions with
        since <= day < until."""
        return {i: f.people for i, f in self.topic_figures(since, until).items()}

    def topic_texts(self, since: date, until: date, at_least: int) -> list[TopicText]:
        """The texts of every topic with since <= day < until that at least
        `at_least` people could have asked (their people added up over the
        days reach it), with their searches and bounds on their people."""
        q = insights_question_days
        person_days = func.sum(q.c.people)
        day = range_without_index(q.c.day)  # see there: SQLite and PostgreSQL differ
        query = (
            select(
                q.c.topic_id,
                q.c.query_norm,
                func.sum(q.c.searches),
                func.max(q.c.people),
                person_days,
            )
            .where(day >= since, day < until, q.c.topic_id.is_not(None))
            .group_by(q.c.topic_id, q.c.query_norm)
            .having(person_days >= at_least)
        )
        with self._read("read the questions of topics") as conn:
            return [
                TopicText(int(topic), text, int(n), int(most), int(days))
                for topic, text, n, most, days in conn.execute(query)
            ]

    def topic_requests(
        self, since: date, until: date, department: str | None = None
    ) -> dict[int, tuple[int, int]]:
        """Per topic: requests created with since <= day < until whose question
        is one of the topic's (with `department`, those queued there), and how
        many of them are resolved."""
        t = insights_request_topics
        query = (
            select(t.c.topic_id, func.sum(t.c.requests), func.sum(t.c.resolved))
            .where(t.c.day >= since, t.c.day < until, t.c.topic_id.is_not(None))
            .group_by(t.c.topic_id)
        )
        if department is not None:
            query = query.where(is_department(t.c.department, department))
        with self._read("count requests per topic") as conn:
            return {int(i): (int(n), int(done or 0)) for i, n, done in conn.execute(query)}
