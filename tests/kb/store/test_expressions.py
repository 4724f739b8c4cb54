"""Dialect expressions: what each database is sent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from kb.store.expressions import range_without_index
from kb.store.schema import insights_question_days as q


def test_sqlite_gets_the_day_through_a_function_postgresql_the_plain_column() -> None:
    query = select(q.c.query_norm).where(range_without_index(q.c.day) >= date(2026, 1, 1))
    on_sqlite = str(query.compile(dialect=sqlite.dialect()))
    on_postgres = str(query.compile(dialect=postgresql.dialect()))
    day = "insights_question_days.day"
    assert f"WHERE coalesce({day}, {day}) >= ?" in on_sqlite
    assert f"WHERE {day} >= %(" in on_postgres and "coalesce" not in on_postgres
