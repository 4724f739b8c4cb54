"""Insights: sessions of people, not browsers; long and decomposed keys fixed.

Revision ID: 0023_insights_sessions
Revises: 0022_account_aliases
Create Date: 2026-12-03

* A search session (the self-service rate, deflection) is now one signed-in
  account's day instead of one browser's (docs/insights.md, "The unit of
  self-service"): the marks of what was rolled up are forgotten, as in 0016,
  so that the next refresh counts the days again.
* That rebuild must not recount the days whose events the retention purge
  removed. Since this version the purge records its cutoff; a database
  purged before has it inferred here (the oldest search still stored, when
  rolled-up days reach back before it), so those days keep their figures.
* Since queries are grouped by at most 2,000 bytes of their normalised text,
  a long query is no longer one group on SQLite: rows an older version wrote
  keep the whole text as their key (PostgreSQL could not store them), and the
  same query searched since is grouped under its cut key. Those keys are cut
  here: the searches' keys from their text, a rollup row joined into its
  twin under the cut key when there is one (counts added up), and a failed
  question's vector forgotten (the next topic update embeds the cut text).
* 0020 composed the department ids of JSON columns but not the department a
  search was filtered by (`search_events.filters`): composed here.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

from kb.events import MAX_QUERY_KEY_BYTES, normalise_query
from kb.store.columns import UtcDateTime

revision = "0023_insights_sessions"
down_revision = "0022_account_aliases"
branch_labels = None
depends_on = None

logger = logging.getLogger("kb.store.migrations.insights_sessions")

WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")
PURGE_MARK = "events_purged_before"  # kb.store.insights_coverage
# No key of at most this many characters can pass MAX_QUERY_KEY_BYTES.
_SHORT = MAX_QUERY_KEY_BYTES // 4
# Rollup tables keyed by a question text: their other keys, and the counts that
# add up when two rows become one.
QUESTION_ROLLUPS = (
    ("insights_questions", ("day", "department"), ("searches", "unanswered", "unclicked", "not_helpful")),
    ("insights_question_days", ("day",), ("searches", "people")),
    ("insights_question_people", ("day", "person"), ()),
)  # fmt: skip


def _state() -> sa.TableClause:
    return sa.table(
        "insights_state", sa.column("name", sa.String), sa.column("value", sa.BigInteger)
    )


def _infer_purge(conn: sa.Connection) -> None:
    state = _state()
    if conn.execute(sa.select(state.c.value).where(state.c.name == PURGE_MARK)).first():
        return
    events = sa.table("search_events", sa.column("ts", UtcDateTime()))
    days = sa.table("insights_days", sa.column("day", sa.Date()))
    first = conn.execute(sa.select(sa.func.min(events.c.ts, type_=UtcDateTime()))).scalar()
    oldest = conn.execute(sa.select(sa.func.min(days.c.day, type_=sa.Date()))).scalar()
    if first is not None and oldest is not None and oldest < first.date():
        conn.execute(sa.insert(state).values(name=PURGE_MARK, value=int(first.timestamp())))


def _long(conn: sa.Connection, t: sa.TableClause, column: str) -> list[Any]:
    return list(conn.execute(sa.select(t).where(sa.func.length(t.c[column]) > _SHORT)).mappings())


def _cut_search_keys(conn: sa.Connection) -> None:
    t = sa.table("search_events", sa.column("id"), sa.column("query"), sa.column("query_norm"))
    for row in _long(conn, t, "query_norm"):
        key = normalise_query(row["query"])
        if key != row["query_norm"]:
            conn.execute(t.update().where(t.c.id == row["id"]).values(query_norm=key))


def _cut_rollup(
    conn: sa.Connection, name: str, keys: tuple[str, ...], sums: tuple[str, ...]
) -> None:
    t = sa.table(name, *(sa.column(c) for c in ("query_norm", *keys, *sums)))
    joined = 0
    for row in _long(conn, t, "query_norm"):
        cut = normalise_query(row["query_norm"])
        if cut == row["query_norm"]:
            continue
        same = [t.c[k] == row[k] for k in keys]
        here = sa.and_(t.c.query_norm == row["query_norm"], *same)
        twin = sa.and_(t.c.query_norm == cut, *same)
        into = conn.execute(sa.select(t).where(twin)).mappings().first()
        if into is None:
            conn.execute(t.update().where(here).values(query_norm=cut))
            continue
        added = {s: int(into[s] or 0) + int(row[s] or 0) for s in sums}
        if added:
            conn.execute(t.update().where(twin).values(added))
        conn.execute(t.delete().where(here))
        joined += 1
    if joined:
        logger.warning("%s: %d row(s) under a long query's whole text were added into "
                       "the rows of its cut text", name, joined)  # fmt: skip


def _forget_long_gap_questions(conn: sa.Connection) -> None:
    t = sa.table("gap_questions", sa.column("query_norm"))
    for row in _long(conn, t, "query_norm"):
        if normalise_query(row["query_norm"]) != row["query_norm"]:
            conn.execute(t.delete().where(t.c.query_norm == row["query_norm"]))


def _compose_search_filters(conn: sa.Connection) -> None:
    t = sa.table("search_events", sa.column("id"), sa.column("filters", sa.Text))
    rows = conn.execute(sa.select(t.c.id, t.c.filters).where(t.c.filters.like('%"department"%')))
    for row_id, raw in list(rows):
        value = json.loads(raw) if isinstance(raw, str) else None
        if not isinstance(value, dict):
            continue
        department = value.get("department")
        if isinstance(department, str) and not unicodedata.is_normalized("NFC", department):
            value["department"] = unicodedata.normalize("NFC", department)
            fixed = json.dumps(value, ensure_ascii=False, sort_keys=True)  # as JsonText writes
            conn.execute(t.update().where(t.c.id == row_id).values(filters=fixed))


def upgrade() -> None:
    conn = op.get_bind()
    _infer_purge(conn)
    _cut_search_keys(conn)
    for name, keys, sums in QUESTION_ROLLUPS:
        _cut_rollup(conn, name, keys, sums)
    _forget_long_gap_questions(conn)
    _compose_search_filters(conn)
    state = _state()
    conn.execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def downgrade() -> None:
    """The marks are forgotten again, so the older version recounts its way."""
    state = _state()
    op.get_bind().execute(state.delete().where(state.c.name.in_(WATERMARKS)))
