"""Daily rollups of the event tables, read by the insights pages, and the purge.

`refresh()` brings the rollups up to date incrementally: it finds the days
that events written since the last refresh belong to (a new search, or a
click or vote on an older search, touches that search's day) and recomputes
exactly those days from the events. A day's rows are replaced in one
transaction, so readers see the day before or after, never half of it.
Recomputing whole days rather than adding increments keeps the figures exact
when a click arrives a day after its search, and makes a refresh that died
halfway harmless to repeat.

Days are UTC calendar days. Searches are counted on the day they were made,
votes on the day they were cast.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date
from typing import Any

from sqlalchemy import delete, func, insert, select

from kb.insights.content import ArticleFigures
from kb.insights.records import DayFigures, QuestionFigures
from kb.store.insights_rollup import day_start, recompute_day, touched_days
from kb.store.schema import (
    click_events,
    feedback_events,
    insights_articles,
    insights_days,
    insights_people,
    insights_question_people,
    insights_questions,
    insights_state,
    requests,
    search_events,
)
from kb.store.sql_base import SqlBase

WATERMARKS = {
    "search_events": search_events,
    "click_events": click_events,
    "feedback_events": feedback_events,
    "requests": requests,
}


class SqlInsights(SqlBase):
    """Rollups and the event purge, over the store's engine."""

    # -- refreshing ---------------------------------------------------------------
    def refresh(self) -> list[date]:
        """Recompute the days touched since the last refresh; returns them."""
        with self._read("find new events") as conn:
            marks = {row.name: row.value for row in conn.execute(select(insights_state))}
            tops = {
                name: conn.execute(select(func.max(table.c.id))).scalar() or 0
                for name, table in WATERMARKS.items()
            }
            days = touched_days(conn, marks)
        for day in sorted(days):
            with self._write(f"roll up {day}") as conn:
                recompute_day(conn, day)
        with self._write("record the rolled-up events") as conn:
            conn.execute(delete(insights_state).where(insights_state.c.name.in_(list(tops))))
            conn.execute(insert(insights_state), [{"name": n, "value": v} for n, v in tops.items()])
        return sorted(days)

    # -- reading ------------------------------------------------------------------
    def day_figures(
        self, since: date, until: date, department: str | None = None
    ) -> list[DayFigures]:
        """Figures per day and department with since <= day < until."""
        query = select(insights_days).where(
            insights_days.c.day >= since, insights_days.c.day < until
        )
        if department is not None:
            query = query.where(insights_days.c.department == department)
        with self._read("read daily figures") as conn:
            return [
                DayFigures(**row._mapping)
                for row in conn.execute(query.order_by(insights_days.c.day))
            ]

    def article_figures(self, since: date, until: date) -> dict[str, ArticleFigures]:
        """Per article, with since <= day < until: how often shown, how often the
        top answer, how often that answer was followed by a request; and the
        votes cast on it in the period."""
        a = insights_articles
        shown = (
            select(
                a.c.article_id,
                func.sum(a.c.shown),
                func.sum(a.c.top_answers),
                func.sum(a.c.answers_then_request),
            )
            .where(a.c.day >= since, a.c.day < until)
            .group_by(a.c.article_id)
        )
        f = feedback_events
        votes = (
            select(f.c.article_id, f.c.helpful, func.count())
            .where(f.c.ts >= day_start(since), f.c.ts < day_start(until))
            .group_by(f.c.article_id, f.c.helpful)
        )
        found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        with self._read("read article figures") as conn:
            for article, n, top, then in conn.execute(shown):
                found[article].update(
                    shown=int(n), top_answers=int(top), answers_then_request=int(then)
                )
            for article, helpful, n in conn.execute(votes):
                found[article]["helpful" if helpful else "not_helpful"] += int(n)
        return {article: ArticleFigures(**values) for article, values in found.items()}

    def people(self, since: date, until: date, department: str | None = None) -> int:
        """Distinct pseudonymous people who searched with since <= day < until."""
        query = select(func.count(func.distinct(insights_people.c.person))).where(
            insights_people.c.day >= since, insights_people.c.day < until
        )
        if department is not None:
            query = query.where(insights_people.c.department == department)
        with self._read("count people") as conn:
            return int(conn.execute(query).scalar() or 0)

    def questions(
        self, since: date, until: date, department: str | None = None
    ) -> list[QuestionFigures]:
        """Failed question texts with since <= day < until, each with the
        department most of its searches were routed to."""
        q = insights_questions
        where = [q.c.day >= since, q.c.day < until]
        by_dept = (
            select(
                q.c.query_norm,
                q.c.department,
                func.max(q.c.lang).label("lang"),
                func.sum(q.c.searches).label("searches"),
                func.sum(q.c.unanswered).label("unanswered"),
                func.sum(q.c.unclicked).label("unclicked"),
                func.sum(q.c.not_helpful).label("not_helpful"),
            )
            .where(*where)
            .group_by(q.c.query_norm, q.c.department)
        )
        qp = insights_question_people
        people = (
            select(qp.c.query_norm, func.count(func.distinct(qp.c.person)).label("people"))
            .where(qp.c.day >= since, qp.c.day < until)
            .group_by(qp.c.query_norm)
        )
        with self._read("read failed questions") as conn:
            rows = list(conn.execute(by_dept))
            counted = {r.query_norm: int(r.people) for r in conn.execute(people)}
        return _merge_departments(rows, counted, department)

    def sessions(self, since: date, until: date, department: str | None = None) -> int:
        """Search sessions: distinct (day, person) pairs with since <= day < until."""
        p = insights_people
        inner = select(p.c.day, p.c.person).where(p.c.day >= since, p.c.day < until)
        if department is not None:
            inner = inner.where(p.c.department == department)
        query = select(func.count()).select_from(inner.distinct().subquery())
        with self._read("count search sessions") as conn:
            return int(conn.execute(query).scalar() or 0)

    def request_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, int]:
        """(requests created with since <= day < until, search sessions that
        ended in one of them: distinct day and person of the search it came from)."""
        r = requests
        where = [r.c.created >= day_start(since), r.c.created < day_start(until)]
        if department is not None:
            where.append(r.c.department == department)
        sessions = (
            select(search_events.c.ts, search_events.c.user_id)
            .select_from(r.join(search_events, search_events.c.id == r.c.search_id))
            .where(*where)
        )
        with self._read("count requests") as conn:
            created = int(conn.execute(select(func.count()).where(*where)).scalar() or 0)
            pairs = {
                (ts.astimezone(UTC).date(), user) for ts, user in conn.execute(sessions) if user
            }
        return created, len(pairs)


def _merge_departments(
    rows: list[Any], people: dict[str, int], department: str | None
) -> list[QuestionFigures]:
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        t = totals.setdefault(
            row.query_norm,
            {
                "lang": row.lang,
                "searches": 0,
                "unanswered": 0,
                "unclicked": 0,
                "not_helpful": 0,
                "best": ("", -1),
            },
        )
        for name in ("searches", "unanswered", "unclicked", "not_helpful"):
            t[name] += int(getattr(row, name))
        if int(row.searches) > t["best"][1] or (
            int(row.searches) == t["best"][1] and row.department < t["best"][0]
        ):
            t["best"] = (row.department, int(row.searches))
    out = []
    for text, t in totals.items():
        dept = t.pop("best")[0]
        if department is not None and dept != department:
            continue
        out.append(QuestionFigures(text=text, department=dept, people=people.get(text, 0), **t))
    out.sort(key=lambda f: (-f.searches, f.text))
    return out
