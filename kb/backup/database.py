"""The store as a file: a consistent export and an all-or-nothing import.

Why a logical export through SQLAlchemy rather than `pg_dump` or copying the
SQLite file: one format for both databases (a SQLite backup restores into
PostgreSQL, which is how a deployment grows from one machine to several), no
dependency on a `pg_dump` binary of the server's major version, and it reads
through the same table definitions the code uses. Consistency: on PostgreSQL
the export runs in one REPEATABLE READ, READ ONLY transaction, so every table
is read at the same instant while the app keeps writing; on SQLite one read
transaction under WAL gives the same guarantee.

Each line of `database.jsonl.gz` is `{"table": ..., "row": {...}}`; datetimes
are ISO 8601 in UTC, the days of the insights rollups ISO 8601 dates, binary
columns base64. Tables of the search index (`schema.INDEX_TABLES`) are left
out: the snapshot is backed up as files; so is a restore's mark
(`schema.restore_marks`), which says whether the import committed.

An import runs in one transaction into a database whose schema is at the
code's head: either every row is restored or nothing is; id sequences of
PostgreSQL are moved past the restored ids.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, LargeBinary, Table, delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import Date, DateTime

from kb.errors import ConflictError, StoreError, ValidationError
from kb.store import schema
from kb.store.migrate import current_revisions
from kb.store.request_search_text import fill_search_texts
from kb.store.sql_accounts import fill_username_keys, warn_of_twins
from kb.store.sql_attachments import fold_attachment_texts
from kb.store.sql_base import READ_ONLY_OPTION, first_line

logger = logging.getLogger(__name__)

BATCH = 1000


def data_tables() -> list[Table]:
    """The store's tables a backup holds, parents before children."""
    return [t for t in schema.metadata.sorted_tables if t.name not in schema.NOT_BACKED_UP]


def _kind(table: Table, column: str) -> str:
    col_type = table.c[column].type
    impl = getattr(col_type, "impl", col_type)
    if isinstance(impl, DateTime):
        return "datetime"
    if isinstance(impl, Date):
        return "date"
    if isinstance(impl, LargeBinary):
        return "binary"
    return "plain"


def _encode(value: Any) -> Any:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = _kind(table, column)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "binary":
        return base64.b64decode(value)
    return value


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction that sees every table at the same instant."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.execute(text("SET TRANSACTION READ ONLY"))
        else:
            # Plain BEGIN (not IMMEDIATE): under WAL the first read fixes the
            # snapshot every later read sees, and writers are not blocked.
            conn = conn.execution_options(**{READ_ONLY_OPTION: True})
        yield conn


def export_database(engine: Engine, target: Path) -> dict[str, Any]:
    """Write every data table to `target` (gzip JSON lines); returns what was written."""
    counts: dict[str, int] = {}
    with _reading(engine) as conn:
        revisions = sorted(current_revisions(conn))
        with gzip.open(target, "wt", encoding="utf-8") as out:
            for table in data_tables():
                n = 0
                for row in conn.execute(select(table)).mappings():
                    encoded = {key: _encode(value) for key, value in row.items()}
                    out.write(json.dumps({"table": table.name, "row": encoded}) + "\n")
                    n += 1
                counts[table.name] = n
    return {"backend": engine.dialect.name, "revisions": revisions, "rows": counts}


def _rows(source: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                item = json.loads(line)
                yield str(item["table"]), dict(item["row"])
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{source}:{number}: not a backup row ({exc})") from None


def holds_data(engine: Engine) -> bool:
    """Whether any table a backup holds has a row (a restore would replace it)."""
    with engine.connect() as conn:
        return any(conn.execute(select(t).limit(1)).first() is not None for t in data_tables())


def clear_database(engine: Engine) -> None:
    """Delete every row a backup holds, in one transaction (a restore into an
    empty database, undone)."""
    with engine.begin() as conn:
        for table in reversed(data_tables()):
            conn.execute(delete(table))


def import_database(
    engine: Engine, source: Path, replace: bool = False, mark: str | None = None
) -> dict[str, int]:
    """Load an export into this database, in one transaction (see the module
    docstring). Refuses a database that already holds data unless `replace`.
    `mark`: a restore's token, written in the same transaction (`has_mark`)."""
    tables = {t.name: t for t in data_tables()}
    counts = dict.fromkeys(tables, 0)
    with engine.begin() as conn:
        if mark is not None:
            conn.execute(insert(schema.restore_marks).values(token=mark))
        held = {
            name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for name, t in tables.items()
        }
        if any(held.values()) and not replace:
            busy = ", ".join(
                f"{n} ({c} {'row' if c == 1 else 'rows'})" for n, c in held.items() if c
            )
            raise ConflictError(
                f"the database named by KB_DATABASE_URL already holds data: {busy}. Restore "
                "into an empty database, or pass --replace to delete it first",
                key="restore_not_empty",
                values={"tables": ", ".join(n for n, c in held.items() if c)},
            )
        for table in reversed(list(tables.values())):
            conn.execute(delete(table))
        batch: list[dict[str, Any]] = []
        current: Table | None = None
        for name, row in _rows(source):
            table = tables.get(name)
            if table is None:
                raise StoreError(
                    f"the backup holds table {name!r}, which this version of spoc-kb does not "
                    "know; restore with the version that made the backup"
                )
            unknown = set(row) - set(table.c.keys())
            if unknown:
                raise StoreError(
                    f"the backup's table {name} has columns {sorted(unknown)} that this "
                    "version does not know; restore with the version that made the backup"
                )
            if current is not None and (table is not current or len(batch) >= BATCH):
                _insert(conn, current, batch)
                batch = []
            current = table
            batch.append({key: _decode(table, key, value) for key, value in row.items()})
            counts[name] += 1
        if current is not None and batch:
            _insert(conn, current, batch)
        if engine.dialect.name == "postgresql":
            _advance_sequences(conn, list(tables.values()))
        # A backup from before usernames ignored case has no username keys,
        # one from before the queue's search folded requests no search text,
        # one from before attachments were folded alike their older folding.
        warn_of_twins(fill_username_keys(conn))
        fill_search_texts(conn)
        fold_attachment_texts(conn)
    return counts


def has_mark(engine: Engine, token: str) -> bool:
    """Whether the import that wrote `token` committed."""
    marks = schema.restore_marks
    with engine.connect() as conn:
        found = conn.execute(select(marks.c.token).where(marks.c.token == token)).first()
    return found is not None


def drop_mark(engine: Engine, token: str) -> None:
    marks = schema.restore_marks
    with engine.begin() as conn:
        conn.execute(delete(marks).where(marks.c.token == token))


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `table`; a row this database cannot take stops the
    restore (its transaction is rolled back) with the table named."""
    try:
        conn.execute(insert(table), rows)
    except ValidationError:  # a NUL character, which no store writes any more
        raise StoreError(
            f"the backup's table {table.name} holds text with a NUL character (\\u0000), "
            "which the database cannot store; nothing was restored. Remove the character "
            f"in the database the backup came from (SQLite: UPDATE {table.name} SET "
            "<column> = replace(<column>, char(0), '')), back up again and restore that"
        ) from None
    except SQLAlchemyError as exc:
        raise StoreError(
            f"could not restore the backup's table {table.name}: {first_line(exc)}; "
            "nothing was restored"
        ) from exc


def _advance_sequences(conn: Connection, tables: list[Table]) -> None:
    """Move each serial id past the largest restored id, so new rows do not collide."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto"
                and len(table.primary_key.columns) == 1
                and column.type.python_type is int
            ):
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:t, :c), "
                        f"coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
                    ),
                    {"t": table.name, "c": column.name},
                )
