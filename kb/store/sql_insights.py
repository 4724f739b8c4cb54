"""Daily rollups of the event tables, read by the insights pages.

`refresh()` brings the rollups up to date incrementally: it finds the days
that events written since the last refresh belong to (a new search, or a
click or vote on an older search, touches that search's day) and recomputes
exactly those days from the events. A day's rows are replaced in one
transaction, so readers see the day before or after, never half of it.
Recomputing whole days rather than adding increments keeps the figures exact
when a click arrives a day after its search, and makes a refresh that died
halfway harmless to repeat.

Days are UTC calendar days. Searches are counted on the day they were made,
votes on the day they were cast. Every read here adds up at most one row per
day and department, topic or question text, and none reads an event table.
Distinct people over a period are the union of the days' sketches
(`kb.insights.sketches`); only the few question texts whose daily counts
leave the minimum-people rule undecided are counted from rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, func, insert, select

from kb.insights.content import ArticleFigures
from kb.insights.records import DAY_COUNTS, DayFigures, QuestionFigures, RollupRecount
from kb.insights.sketches import PeopleCount, count_people
from kb.store.expressions import WaitForWriters, is_department
from kb.store.insights_coverage import first_complete_day, kept_days
from kb.store.insights_deflection import older_rule_days, week_start
from kb.store.insights_requests import recompute_request_days, touched_request_days
from kb.store.insights_rollup import recompute_day, touched_days
from kb.store.insights_topics import add_request_texts, one_rollup_writer
from kb.store.schema import (
    click_events,
    feedback_events,
    insights_articles,
    insights_day_people,
    insights_days,
    insights_question_people,
    insights_questions,
    insights_request_days,
    insights_state,
    request_entries,
    requests,
    search_events,
)
from kb.store.sql_base import SqlBase
from kb.validators import normal_name

WATERMARKS = {
    "search_events": search_events,
    "click_events": click_events,
    "feedback_events": feedback_events,
    "requests": requests,
    "request_entries": request_entries,
}
_IN_BATCH = 500


class SqlInsights(SqlBase):
    """Rollups over the store's engine."""

    # -- refreshing ---------------------------------------------------------------
    def refresh(self) -> list[date]:
        """Recompute the days touched since the last refresh; returns them.

        Days whose events the retention purge has removed, in whole or in part,
        are never recomputed: they keep their rolled-up figures
        (`kb.store.insights_coverage`), also when the marks were forgotten and
        every day with events is rolled up again."""
        tops = {name: self._settled_top(name, table) for name, table in WATERMARKS.items()}
        with self._read("find new events") as conn:
            marks = {row.name: row.value for row in conn.execute(select(insights_state))}
            first = first_complete_day(conn)
            days = {d for d in touched_days(conn, marks) if first is None or d >= first}
            request_days = touched_request_days(conn, marks)
        for day in sorted(days):
            with self._write(f"roll up {day}") as conn:
                one_rollup_writer(conn)
                recompute_day(conn, day)
        with self._write("roll up requests") as conn:
            one_rollup_writer(conn)
            if tops["requests"] != marks.get("requests"):
                add_request_texts(conn, marks.get("requests", 0))
            recompute_request_days(conn, request_days)
        with self._write("record the rolled-up events") as conn:
            one_rollup_writer(conn)
            conn.execute(delete(insights_state).where(insights_state.c.name.in_(list(tops))))
            conn.execute(insert(insights_state), [{"name": n, "value": v} for n, v in tops.items()])
        return sorted(days | request_days)

    def recount(
        self, since: date | None = None, progress: Callable[[int, int, date], None] | None = None
    ) -> RollupRecount:
        """Count again, from their events, the rolled-up days (from `since` on)
        counted under an older deflection rule (`kb.store.insights_deflection`),
        each in a transaction of its own, telling `progress` (done, of, day) after
        each. A day whose events, or those of an earlier day of its ISO week
        (which decide whether its sessions are repeats), were purged keeps its
        figures: counted from what is left, a person's week would count twice."""
        with self._read("find the days rolled up under an older rule") as conn:
            days = older_rule_days(conn, since)
            first = first_complete_day(conn)
        todo = [d for d in days if first is None or week_start(d) >= first]
        for done, day in enumerate(todo, 1):
            with self._write(f"recount {day}") as conn:
                one_rollup_writer(conn)
                recompute_day(conn, day)
            if progress is not None:
                progress(done, len(todo), day)
        return RollupRecount(tuple(todo), tuple(days[: len(days) - len(todo)]))

    def kept_days(self) -> tuple[date | None, list[date]]:
        """(The first day whose events are all stored, the rolled-up days before
        it): what a rebuild keeps instead of recomputing; (None, []) before any
        purge."""
        with self._read("find the purged days") as conn:
            return kept_days(conn)

    def _settled_top(self, name: str, table: Table) -> int:
        """The largest id of `table` once every row up to it is committed (rows
        written later get larger ids), so the next refresh may start after it."""
        with self._write(f"read the last id of {name}") as conn:
            conn.execute(WaitForWriters(table))
            return int(conn.execute(select(func.max(table.c.id))).scalar() or 0)

    # -- reading ------------------------------------------------------------------
    def day_figures(
        self, since: date, until: date, department: str | None = None
    ) -> list[DayFigures]:
        """Figures per day and department with since <= day < until."""
        d = insights_days
        columns = [d.c.day, d.c.department, *(d.c[name] for name in DAY_COUNTS)]
        query = select(*columns).where(d.c.day >= since, d.c.day < until)
        if department is not None:
            query = query.where(is_department(d.c.department, department))
        with self._read("read daily figures") as conn:
            return [DayFigures(**row._mapping) for row in conn.execute(query.order_by(d.c.day))]

    def _people_rows(self, since: date, until: date, department: str | None) -> Any:
        """Per day: (people, requested, sketch) of one department or of all."""
        table: Any = insights_day_people if department is None else insights_days
        query = select(table.c.people, table.c.requested, table.c.people_sketch).where(
            table.c.day >= since, table.c.day < until
        )
        if department is not None:
            query = query.where(is_department(table.c.department, department))
        with self._read("read people per day") as conn:
            return list(conn.execute(query))

    def people(self, since: date, until: date, department: str | None = None) -> int:
        """Distinct signed-in accounts that searched with since <= day < until
        (exact up to a few hundred, then within about 2 %); signed-out searches
        are `DayFigures.signed_out_searches`, never people."""
        return count_people(
            row.people_sketch for row in self._people_rows(since, until, department)
        )

    def sessions(self, since: date, until: date, department: str | None = None) -> int:
        """Search sessions: distinct (day, person) pairs with since <= day < until."""
        return sum(row.people for row in self._people_rows(since, until, department))

    def request_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, int]:
        """(requests created with since <= day < until, in `department`'s queue
        if given; search sessions in the period that ended in a request filed
        from one of their searches, routed to `department` if given)."""
        r = insights_request_days
        query = select(func.sum(r.c.requests)).where(r.c.day >= since, r.c.day < until)
        if department is not None:
            query = query.where(is_department(r.c.department, department))
        with self._read("count requests") as conn:
            created = int(conn.execute(query).scalar() or 0)
        ended = sum(row.requested for row in self._people_rows(since, until, department))
        return created, ended

    def article_figures(self, since: date, until: date) -> dict[str, ArticleFigures]:
        """Per article, with since <= day < until: how often shown, how often the
        top answer, how often that answer was followed by a request, and the
        votes cast on it."""
        a = insights_articles
        names = ("shown", "top_answers", "answers_then_request", "helpful", "not_helpful")
        query = (
            select(a.c.article_id, *(func.sum(a.c[n]).label(n) for n in names))
            .where(a.c.day >= since, a.c.day < until)
            .group_by(a.c.article_id)
        )
        with self._read("read article figures") as conn:
            return {
                article_id: ArticleFigures(**{n: int(v) for n, v in zip(names, sums, strict=True)})
                for article_id, *sums in conn.execute(query)
            }

    def article_readers(self, since: date, until: date) -> dict[str, int]:
        """Per article, the distinct people who read it with since <= day < until
        (had it as a search's answer or opened it from the results; by account
        or address, else browser; exact up to a few hundred, then within about
        2 %). Articles nobody read are left out."""
        a = insights_articles
        query = select(a.c.article_id, a.c.readers_sketch).where(
            a.c.day >= since, a.c.day < until, a.c.readers_sketch.is_not(None)
        )
        readers: dict[str, PeopleCount] = {}
        with self._read("read article readers") as conn:
            for article, sketch in conn.execute(query):
                readers.setdefault(article, PeopleCount()).add(sketch)
        counted = {article: people.count() for article, people in readers.items()}
        return {article: n for article, n in counted.items() if n}

    def questions(
        self, since: date, until: date, department: str | None = None
    ) -> list[QuestionFigures]:
        """Failed question texts with since <= day < until, each with the
        department most of its searches were routed to."""
        q = insights_questions
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
            .where(q.c.day >= since, q.c.day < until)
            .group_by(q.c.query_norm, q.c.department)
        )
        qp = insights_question_people
        people = (
            select(qp.c.query_norm, func.count(func.distinct(qp.c.person)))
            .where(qp.c.day >= since, qp.c.day < until)
            .group_by(qp.c.query_norm)
        )
        with self._read("read failed questions") as conn:
            rows = list(conn.execute(by_dept))
            counted = {text: int(n) for text, n in conn.execute(people)}
        return _merge_departments(rows, counted, department and normal_name(department))

    def spellings_people(
        self, spellings: Mapping[str, list[str]], since: date, until: date
    ) -> dict[str, int]:
        """Per text, the distinct people who failed with any of its spellings
        with since <= day < until (nobody counted twice)."""
        qp = insights_question_people
        texts = sorted({s for group in spellings.values() for s in group})
        people: dict[str, set[str]] = defaultdict(set)
        with self._read("count people per question") as conn:
            for start in range(0, len(texts), _IN_BATCH):
                query = (
                    select(qp.c.query_norm, qp.c.person)
                    .distinct()
                    .where(
                        qp.c.query_norm.in_(texts[start : start + _IN_BATCH]),
                        qp.c.day >= since,
                        qp.c.day < until,
                    )
                )
                for text, person in conn.execute(query):
                    people[text].add(person)
        return {
            text: len(set().union(*(people[s] for s in group))) for text, group in spellings.items()
        }


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
