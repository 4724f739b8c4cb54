"""Insights: gap topics rolled up per block of eight days too.

Revision ID: 0015_insights_topic_blocks
Revises: 0014_insights_request_days
Create Date: 2026-12-01

The gaps view merged one people sketch per topic and day of the period
(27,000 for 90 days at a million searches). `insights_topic_blocks` holds
the same per topic and block of eight days; a period reads its whole blocks
and only the days at its edges.

The next `kb insights refresh` (or the scheduler of `kb serve`) fills it: the
mark of the rolled-up searches is forgotten here, so that refresh rolls up
every day again (about a minute per million searches).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_insights_topic_blocks"
down_revision = "0014_insights_request_days"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "insights_topic_blocks",
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("topic_id", ID, nullable=False),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("people_sketch", sa.LargeBinary),
        sa.PrimaryKeyConstraint("first_day", "topic_id", name="pk_insights_topic_blocks"),
    )
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name == "search_events"))


def downgrade() -> None:
    op.drop_table("insights_topic_blocks")
