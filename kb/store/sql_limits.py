"""Rate-limit counters in SQL: one row per key, counted in fixed windows.

The web app's rate limits (`webapp.throttle`) must hold across every worker
process and every node, so their counters live in the database all of them
share. `count_hit` is one atomic statement: an insert that, when the key
exists, adds to its count within the current window or starts a new window
once the old one has ended. Both SQLite (3.35 and later) and PostgreSQL
support `INSERT … ON CONFLICT … DO UPDATE … RETURNING`, with the same
SQLAlchemy construct in their dialect modules; that choice is made once, in
`upsert`. Rows of ended windows are deleted now and then, so the table
stays as small as the set of keys active within one window.
"""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import Connection, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from kb.store.schema import rate_limits
from kb.store.sql_base import SqlBase

# Share of hits that also delete the rows of ended windows.
_SWEEP_SHARE = 0.01


def upsert(conn: Connection) -> Any:
    """The dialect's INSERT with ON CONFLICT support."""
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[conn.dialect.name]


class SqlRateLimits(SqlBase):
    """The rate-limit part of `SqlStore`."""

    def count_hit(
        self,
        key: str,
        window_seconds: float,
        amount: int = 1,
        now: float | None = None,
        *,
        brief: bool = False,
    ) -> tuple[int, float]:
        now = time.time() if now is None else now
        ends = now + window_seconds
        table = rate_limits.c
        with self._write("count a rate-limited call", brief=brief) as conn:
            insert = upsert(conn)(rate_limits).values(key=key, hits=amount, window_end=ends)
            ended = insert.excluded.window_end - window_seconds >= table.window_end
            statement = insert.on_conflict_do_update(
                index_elements=[table.key],
                set_={
                    "hits": case((ended, amount), else_=table.hits + amount),
                    "window_end": case((ended, ends), else_=table.window_end),
                },
            ).returning(table.hits, table.window_end)
            hits, window_end = conn.execute(statement).one()
            if random.random() < _SWEEP_SHARE:
                conn.execute(delete(rate_limits).where(table.window_end < now))
        return int(hits), float(window_end)

    def hit_count(self, key: str, now: float | None = None) -> tuple[int, float]:
        now = time.time() if now is None else now
        with self._read("read a rate limit") as conn:
            row = conn.execute(
                select(rate_limits.c.hits, rate_limits.c.window_end).where(
                    rate_limits.c.key == key, rate_limits.c.window_end > now
                )
            ).first()
        return (0, now) if row is None else (int(row.hits), float(row.window_end))

    def clear_hits(self, key: str | None = None) -> None:
        with self._write("clear rate limits") as conn:
            statement = delete(rate_limits)
            if key is not None:
                statement = statement.where(rate_limits.c.key == key)
            conn.execute(statement)
