"""The store's `MetaData` and the column types that keep tables dialect neutral.

* `UtcDateTime` takes aware datetimes only and always hands back UTC: on
  PostgreSQL the column is `timestamptz`; SQLite has no time zones, so it keeps
  the UTC wall-clock digits and the type puts UTC back on the way out.
* `JsonText` stores lists and dicts as JSON text rather than a native JSON
  column, so both databases store and return exactly the same thing.

The tables are declared on `metadata` by `kb.store.schema` and, for requests
and what hangs off them, `kb.store.schema_requests`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, Text
from sqlalchemy.types import TypeDecorator

# 64-bit integers on both databases: row ids, and the numbers people or
# counters set (a result page, a click's rank, a task's number, attempts,
# versions). SQLite's INTEGER holds 64 bits already, and only a column declared
# exactly INTEGER PRIMARY KEY auto-increments; PostgreSQL's INTEGER holds 32
# bits (it refused what SQLite kept), so there it is BIGINT.
Number = BigInteger().with_variant(Integer(), "sqlite")
Id = Number


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, UTC datetimes out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the store takes timezone-aware datetimes only, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JsonText(TypeDecorator[Any]):
    """JSON documents kept as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


# Stable constraint names, so later migrations can refer to them on both backends.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
