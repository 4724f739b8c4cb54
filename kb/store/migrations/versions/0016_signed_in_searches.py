"""Search events: whether an account searched; insights count people by account.

Revision ID: 0016_signed_in_searches
Revises: 0015_insights_topic_blocks
Create Date: 2026-12-02

The overview's "people" counted browsers: a signed-out client that drops its
cookie, or a bot that never keeps one, was a new person on every search.
Search events now say whether an account searched (`signed_in`; NULL for
those logged before, which are not known to be an account's), the daily
rollups sketch the accounts that searched, and count the other searches
apart (`insights_days.signed_out_searches`).

The rollups are rebuilt from the events by the next `kb insights refresh`
(or the scheduler of `kb serve`): the marks of what was rolled up are
forgotten here, as in 0012, so the migration stays quick.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_signed_in_searches"
down_revision = "0015_insights_topic_blocks"
branch_labels = None
depends_on = None

WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")


def _forget_marks() -> None:
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def upgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.add_column(sa.Column("signed_in", sa.Boolean, nullable=True))
    with op.batch_alter_table("insights_days") as batch:
        batch.add_column(
            sa.Column("signed_out_searches", sa.Integer, nullable=False, server_default="0")
        )
    _forget_marks()


def downgrade() -> None:
    with op.batch_alter_table("insights_days") as batch:
        batch.drop_column("signed_out_searches")
    with op.batch_alter_table("search_events") as batch:
        batch.drop_column("signed_in")
    _forget_marks()
