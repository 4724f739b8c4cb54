"""Insights: the people who read each article, per day.

Revision ID: 0024_article_readers
Revises: 0023_insights_sessions
Create Date: 2026-12-03

"Most read" on the home page counted searches, so one person searching the
same question every morning made an article "most read". `insights_articles`
gets `readers_sketch`: a sketch of who read the article that day (had it as
a search's answer or opened it from the results; by the keyed pseudonym of
the account or address, else the browser's id), so that a period counts each
reader once. The marks of what was rolled up are forgotten, as in 0016 and
0023, so that the next refresh counts the stored days again (days whose events
were purged keep their figures, without readers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_article_readers"
down_revision = "0023_insights_sessions"
branch_labels = None
depends_on = None

WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")


def _forget_marks() -> None:
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.get_bind().execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def upgrade() -> None:
    op.add_column("insights_articles", sa.Column("readers_sketch", sa.LargeBinary()))
    _forget_marks()


def downgrade() -> None:
    with op.batch_alter_table("insights_articles") as batch:
        batch.drop_column("readers_sketch")
    _forget_marks()
