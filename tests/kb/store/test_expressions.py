"""Dialect expressions: what each database is sent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from kb.store.expressions import code_point_order, range_without_index
from kb.store.schema import insights_question_days as q


def test_sqlite_gets_the_day_through_a_function_postgresql_the_plain_column() -> None:
    query = select(q.c.query_norm).where(range_without_index(q.c.day) >= date(2026, 1, 1))
    on_sqlite = str(query.compile(dialect=sqlite.dialect()))
    on_postgres = str(query.compile(dialect=postgresql.dialect()))
    day = "insights_question_days.day"
    assert f"WHERE coalesce({day}, {day}) >= ?" in on_sqlite
    assert f"WHERE {day} >= %(" in on_postgres and "coalesce" not in on_postgres


def test_text_ties_are_ordered_by_code_point_on_both_databases() -> None:
    """PostgreSQL's locale collation would order ties differently from SQLite's
    byte order: it is told to compare bytes ("C"); SQLite already does."""
    query = select(q.c.query_norm).order_by(code_point_order(q.c.query_norm))
    on_sqlite = str(query.compile(dialect=sqlite.dialect()))
    on_postgres = str(query.compile(dialect=postgresql.dialect()))
    column = "insights_question_days.query_norm"
    assert on_sqlite.endswith(f"ORDER BY {column}")
    assert on_postgres.endswith(f'ORDER BY ({column}) COLLATE "C"')
