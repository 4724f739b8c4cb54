"""Insights: a long query is keyed by its beginning and a hash of all of it.

Revision ID: 0025_query_key_hashes
Revises: 0024_article_readers
Create Date: 2026-12-03

Until now a query longer than 2,000 bytes of normalised text was keyed by its
first 2,000 bytes, so two long queries that differed only after them counted
as one question. Its key is now its beginning followed by " …" and 32 hex
digits of the SHA-256 of the whole text (`kb.events.normalise_query`):

* the searches' keys are made again from their text, which is stored whole;
* a failed question's vector kept under a cut key is forgotten (the next
  topic update embeds the question under its new key);
* the marks of what was rolled up are forgotten, as in 0023, so the next
  refresh counts every day whose events are still stored again, under the
  new keys. The days whose events the retention purge removed keep their
  rows: their long questions stay under the cut key, as counted then.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from kb.events import MAX_QUERY_KEY_BYTES, QUERY_KEY_DIGITS, normalise_query

revision = "0025_query_key_hashes"
down_revision = "0024_article_readers"
branch_labels = None
depends_on = None

WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")
# No key of at most this many characters can pass MAX_QUERY_KEY_BYTES.
_SHORT = MAX_QUERY_KEY_BYTES // 4
# A cut key is at least this long: cut between characters (at most 3 bytes
# short of the limit), then one trailing space taken off.
_CUT_AT_LEAST = MAX_QUERY_KEY_BYTES - 4
_HASHED = re.compile(rf" …[0-9a-f]{{{QUERY_KEY_DIGITS}}}$")


def _long(conn: sa.Connection, t: sa.TableClause, column: str) -> list[sa.RowMapping]:
    return list(conn.execute(sa.select(t).where(sa.func.length(t.c[column]) > _SHORT)).mappings())


def _rekey_searches(conn: sa.Connection) -> None:
    t = sa.table("search_events", sa.column("id"), sa.column("query"), sa.column("query_norm"))
    for row in _long(conn, t, "query_norm"):
        key = normalise_query(row["query"])
        if key != row["query_norm"]:
            conn.execute(t.update().where(t.c.id == row["id"]).values(query_norm=key))


def _forget_cut_gap_questions(conn: sa.Connection) -> None:
    t = sa.table("gap_questions", sa.column("query_norm"))
    for row in _long(conn, t, "query_norm"):
        key = str(row["query_norm"])
        cut = len(key.encode("utf-8")) >= _CUT_AT_LEAST and not _HASHED.search(key)
        if cut and normalise_query(key) == key:
            conn.execute(t.delete().where(t.c.query_norm == key))


def upgrade() -> None:
    conn = op.get_bind()
    _rekey_searches(conn)
    _forget_cut_gap_questions(conn)
    state = sa.table("insights_state", sa.column("name", sa.String))
    conn.execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def downgrade() -> None:
    """The marks are forgotten again, so the older version recounts its way."""
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.get_bind().execute(state.delete().where(state.c.name.in_(WATERMARKS)))
