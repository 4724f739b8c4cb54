"""SQL expressions the two databases need spelled differently, compiled per dialect.

Like the column types of `kb.store.columns`, these keep the store's queries
dialect neutral: a query says what it needs and SQLAlchemy writes what the
database at hand plans best.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction


class range_without_index(GenericFunction[Any]):  # noqa: N801 (used like a SQL function)
    """A column compared in a range without SQLite choosing an index for it.

    The gaps view filters `insights_question_days` on its day and groups by
    topic and text: SQLite would take the primary key's range on day and sort
    for the grouping (67 ms at 90 days of a million searches); through a
    function it reads the covering index, which is in grouping order already
    (20 ms). PostgreSQL needs the plain column: with the function it
    misjudges the rows, sorts them on disk and takes 97 ms instead of 41 ms
    (hash aggregate)."""

    inherit_cache = True
    name = "range_without_index"


@compiles(range_without_index)
def _plain(element: range_without_index, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(range_without_index, "sqlite")
def _hidden(element: range_without_index, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"coalesce({column}, {column})"
