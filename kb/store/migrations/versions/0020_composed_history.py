"""Department and article ids in composed form (NFC) in histories and insights.

Revision ID: 0020_composed_history
Revises: 0019_username_keys
Create Date: 2026-12-02

0018 composed the ids in the columns that name one department or article.
Older versions also stored decomposed ids (from folder names made on macOS)
inside JSON and in the insights rollups, which it left:

* the result lists of searches (`search_events.result_ids`): each refresh
  counted those articles under the decomposed id, apart from their figures;
* the articles a request links to, and the departments and articles a
  request's history names (`from_department`, `to_department`, a task's
  `department`, an article entry's `article`): routing learned moves to a
  department no lookup finds, and the history named it by its folder;
* the rollups of days whose events the retention purge has removed (they are
  never counted again) and of every day until the next refresh: per day and
  department (`insights_days`, `insights_questions`, `insights_request_days`,
  `insights_request_topics`) and per day and article (`insights_articles`).

They are composed here. A rollup row whose composed twin exists (the same
day, text or key) is added into it: counts add up exactly, since each event
was counted under one form only; people counted per row (`people`,
`requested` of `insights_days`) are added too, so a person who searched under
both forms that day counts twice there (sketches are joined exactly, and
hours lists put together). Each join is logged as a warning naming the
table, the id and the rows joined. Other text (questions, replies, the
values of request fields) is left as it was written.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from kb.insights.sketches import PeopleCount

revision = "0020_composed_history"
down_revision = "0019_username_keys"
branch_labels = None
depends_on = None

logger = logging.getLogger("kb.store.migrations.composed_history")

_BATCH = 1000
# Keys of a history entry's data that hold a department or article id.
ENTRY_KEYS = ("from_department", "to_department", "department", "article")


class Rollup:
    """A rollup table: the id column, the rest of its key, and how its other
    columns join (`sums` add up, `sketches` unite, `lists` of float64s append)."""

    def __init__(
        self,
        name: str,
        column: str,
        keys: tuple[str, ...],
        sums: tuple[str, ...],
        sketches: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
    ) -> None:
        self.name, self.column, self.keys = name, column, keys
        self.sums, self.sketches, self.lists = sums, sketches, lists
        columns = (column, *keys, *sums, *sketches, *lists)
        self.table = sa.table(name, *(sa.column(c) for c in columns))


ROLLUPS = (
    Rollup(
        "insights_days",
        "department",
        ("day",),
        ("searches", "answered", "zero_results", "clicked", "helpful", "not_helpful")
        + ("ask_sessions", "deflected", "signed_out_searches", "people", "requested"),
        sketches=("people_sketch",),
    ),
    Rollup(
        "insights_questions",
        "department",
        ("day", "query_norm"),
        ("searches", "unanswered", "unclicked", "not_helpful"),
    ),
    Rollup(
        "insights_request_days",
        "department",
        ("day",),
        ("requests", "first_judged", "first_within", "resolved_judged", "resolved_within")
        + ("ratings", "rating_sum", "rated", "rated_sum"),
        lists=("first_response_hours", "resolution_hours"),
    ),
    Rollup(
        "insights_request_topics",
        "department",
        ("day", "query_norm"),
        ("requests", "resolved"),
        sketches=("requesters_sketch",),
    ),
    Rollup(
        "insights_articles",
        "article_id",
        ("day",),
        ("shown", "top_answers", "answers_then_request", "helpful", "not_helpful"),
    ),
)


def composed(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _joined_sketch(a: bytes | None, b: bytes | None) -> bytes | None:
    if not a or not b:
        return a or b
    union = PeopleCount()
    union.add(a)
    union.add(b)
    return union.sketch()


def _joined(rollup: Rollup, into: Any, row: Any) -> dict[str, Any]:
    values: dict[str, Any] = {s: int(into[s] or 0) + int(row[s] or 0) for s in rollup.sums}
    for name in rollup.sketches:
        values[name] = _joined_sketch(into[name], row[name])
    for name in rollup.lists:  # float64 arrays as bytes: appending them appends the lists
        values[name] = bytes(into[name] or b"") + bytes(row[name] or b"")
    return values


def _compose_rollup(conn: sa.Connection, rollup: Rollup) -> None:
    t, column = rollup.table, rollup.column
    found = conn.execute(sa.select(t.c[column]).distinct()).scalars()
    for value in [v for v in found if isinstance(v, str) and composed(v) != v]:
        target, joined = composed(value), 0
        for row in conn.execute(sa.select(t).where(t.c[column] == value)).mappings().all():
            same = [t.c[k] == row[k] for k in rollup.keys]
            twin = sa.and_(t.c[column] == target, *same)
            into = conn.execute(sa.select(t).where(twin)).mappings().first()
            here = sa.and_(t.c[column] == value, *same)
            if into is None:
                conn.execute(t.update().where(here).values({column: target}))
                continue
            conn.execute(t.update().where(twin).values(_joined(rollup, into, row)))
            conn.execute(t.delete().where(here))
            joined += 1
        if joined:
            logger.warning(
                "%s: %d row(s) of %r stored under its decomposed form were added into "
                "the rows of its composed form (the same %s)",
                rollup.name, joined, target, ", ".join(rollup.keys),
            )  # fmt: skip


def _json_rows(conn: sa.Connection, table: str, column: str) -> Iterator[tuple[Any, str]]:
    """(id, JSON text) of the rows whose JSON is not all in composed form."""
    t = sa.table(table, sa.column("id"), sa.column(column, sa.Text))
    after = None
    while True:
        query = sa.select(t.c.id, t.c[column]).order_by(t.c.id).limit(_BATCH)
        if after is not None:
            query = query.where(t.c.id > after)
        rows = conn.execute(query).all()
        if not rows:
            return
        for row_id, raw in rows:
            if isinstance(raw, str) and not unicodedata.is_normalized("NFC", raw):
                yield row_id, raw
        after = rows[-1][0]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)  # as JsonText writes


def _compose_json(conn: sa.Connection, table: str, column: str, keys: tuple[str, ...]) -> None:
    """Compose the ids in a JSON column: every string of a list, or the values
    under `keys` of an object."""
    t = sa.table(table, sa.column("id"), sa.column(column, sa.Text))
    for row_id, raw in list(_json_rows(conn, table, column)):
        value = json.loads(raw)
        if isinstance(value, list):
            fixed: Any = [composed(v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, dict):
            fixed = {
                k: composed(v) if k in keys and isinstance(v, str) else v for k, v in value.items()
            }
        else:
            continue
        if fixed != value:
            conn.execute(t.update().where(t.c.id == row_id).values({column: _dumps(fixed)}))


def upgrade() -> None:
    conn = op.get_bind()
    _compose_json(conn, "search_events", "result_ids", ())
    _compose_json(conn, "requests", "linked_articles", ())
    _compose_json(conn, "request_entries", "data", ENTRY_KEYS)
    for rollup in ROLLUPS:
        _compose_rollup(conn, rollup)


def downgrade() -> None:
    """Nothing to undo: the composed ids are what every version reads."""
