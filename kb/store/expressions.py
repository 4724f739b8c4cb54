"""SQL expressions the two databases need spelled differently, compiled per dialect.

Like the column types of `kb.store.columns`, these keep the store's queries
dialect neutral: a query says what it needs and SQLAlchemy writes what the
database at hand plans best.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler, SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from kb.validators import normal_name


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


class code_point_order(GenericFunction[Any]):  # noqa: N801 (used like a SQL function)
    """A text column ordered by code point, as Python sorts strings, on every backend.

    Ties in the insights (equal counts) are broken by text. SQLite compares
    text as UTF-8 bytes (its BINARY collation), which is code point order;
    PostgreSQL uses the database's locale, where "a b" and "ab", or "é" and
    "f", fall the other way: the two backends would list ties differently and
    keep different ones at a limit. "C" compares bytes there too."""

    inherit_cache = True
    name = "code_point_order"


@compiles(code_point_order)
def _bytes_already(element: code_point_order, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(code_point_order, "postgresql")
def _c_collation(element: code_point_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


def is_department(column: ColumnElement[Any], department: str) -> ColumnElement[bool]:
    """`column` names `department`, typed in either Unicode form. Department ids
    are stored composed (NFC: migrations `0018_composed_names` and
    `0020_composed_history` composed what older versions stored decomposed),
    so a filter value is composed the same way before it is compared."""
    return column == normal_name(department)


def starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`column` begins with exactly `prefix`: letter case counts, and `%`, `_`
    and `\\` in it are themselves, on every backend.

    SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not, so
    a LIKE alone would match "Demo:x" for "demo:" on one and not the other.
    The escaped LIKE lets a database use an index; comparing the first
    characters (both count code points, as `len` does) makes the match exact."""
    return and_(
        column.startswith(prefix, autoescape=True),
        func.substr(column, 1, len(prefix)) == prefix,
    )


class WaitForWriters(ExecutableDDLElement):
    """Wait, inside a write transaction, until no other transaction is writing
    `table`, and hold new writers back until this one ends.

    PostgreSQL numbers rows when they are inserted, not when they commit: a
    transaction holding id 7 may commit after one holding id 8, so the largest
    id read while 7 is in flight is no watermark (everything up to it is not
    yet visible). Its SHARE lock waits for those writers. On SQLite the write
    transaction's BEGIN IMMEDIATE already holds the one write lock."""

    mode = "SHARE"

    def __init__(self, table: Table) -> None:
        self.table = table


class WriteAlone(WaitForWriters):
    """As `WaitForWriters`, and one transaction at a time: of two that take
    this lock, the second waits until the first ends, then reads what it wrote.

    SQLite runs every write so. On PostgreSQL, two account changes (adding
    `bob` while a rename makes `bob` a former name, two renames onto one
    name) would each check the name against what was committed before the
    other's change and both go ahead. SHARE ROW EXCLUSIVE conflicts with
    itself, unlike SHARE; plain reads are not held up."""

    mode = "SHARE ROW EXCLUSIVE"


@compiles(WaitForWriters)
@compiles(WriteAlone)
def _already_alone(element: WaitForWriters, compiler: DDLCompiler, **kw: Any) -> str:
    return "SELECT 1"


@compiles(WaitForWriters, "postgresql")
@compiles(WriteAlone, "postgresql")
def _share_lock(element: WaitForWriters, compiler: DDLCompiler, **kw: Any) -> str:
    table = compiler.preparer.format_table(element.table)
    return f"LOCK TABLE {table} IN {element.mode} MODE"


class hold_key(GenericFunction[Any]):  # noqa: N801 (used like a SQL function)
    """`hold_key(space, text)`: wait until no other transaction holds the lock
    named by the integer `space` and the string `text`, then hold it until
    this transaction ends.

    PostgreSQL lets two write transactions run side by side, each reading only
    what was committed before its statements began: two writers that each
    look for what the other writes can both miss it. A transaction-level
    advisory lock on what they share (`hashtext`: two texts rarely share a
    lock, and when they do one merely waits) orders them. SQLite's one write
    lock orders every write already."""

    inherit_cache = True
    name = "hold_key"


@compiles(hold_key)
def _one_writer_already(element: hold_key, compiler: SQLCompiler, **kw: Any) -> str:
    return "1"


@compiles(hold_key, "postgresql")
def _advisory_lock(element: hold_key, compiler: SQLCompiler, **kw: Any) -> str:
    space, text = (compiler.process(c, **kw) for c in element.clauses)
    return f"pg_advisory_xact_lock({space}, hashtext({text}))"
