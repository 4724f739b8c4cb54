"""A vote that keeps the words searched for keeps their language.

Revision ID: 0032_vote_language
Revises: 0031_vote_person
Create Date: 2026-12-03

Insights count a "not helpful" vote on a search that was not logged as a
failed question of the words it keeps (`feedback_events.query`, 0029). A
search event has the language the engine detected for its words; such a
vote had none, so its question went to the gap topics without one, unlike
the same words searched. `lang` now keeps the language of the words, detected
as a query's (`search.understanding.query_language`), empty for a vote that
names its search. The votes with words stored before are given theirs here,
from their (masked) words, and the days they were cast on are rolled up
again by the next refresh: the mark of the votes rolled up is set back to
just before the first of them (a rebuild of only those days, not of all).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_vote_language"
down_revision = "0031_vote_person"
branch_labels = None
depends_on = None

_BATCH = 500


def _votes() -> sa.TableClause:
    return sa.table(
        "feedback_events",
        sa.column("id", sa.BigInteger),
        sa.column("search_id", sa.BigInteger),
        sa.column("query", sa.Text),
        sa.column("lang", sa.Text),
    )


def _detect_languages(conn: sa.Connection) -> int | None:
    """Give the votes with words their language; the first one's id (None: none)."""
    from search.understanding import query_language

    votes = _votes()
    rows = conn.execute(
        sa.select(votes.c.id, votes.c.query)
        .where(votes.c.search_id.is_(None), votes.c.query != "")
        .order_by(votes.c.id)
    ).all()
    update = votes.update().where(votes.c.id == sa.bindparam("vote")).values(lang=sa.bindparam("l"))
    for begin in range(0, len(rows), _BATCH):
        batch = rows[begin : begin + _BATCH]
        conn.execute(update, [{"vote": vid, "l": query_language(query)} for vid, query in batch])
    return rows[0][0] if rows else None


def _roll_up_again(conn: sa.Connection, first: int) -> None:
    """Have the next refresh roll up again the days of the votes from id `first` on."""
    state = sa.table("insights_state", sa.column("name", sa.String), sa.column("value"))
    conn.execute(
        state.update()
        .where(state.c.name == "feedback_events", state.c.value >= first)
        .values(value=first - 1)
    )


def upgrade() -> None:
    # Plain ALTER TABLE, as 0029 and 0031: SQLite adds a column in place.
    op.add_column("feedback_events", sa.Column("lang", sa.Text, nullable=False, server_default=""))
    first = _detect_languages(op.get_bind())
    if first is not None:
        _roll_up_again(op.get_bind(), first)


def downgrade() -> None:
    op.drop_column("feedback_events", "lang")
