"""Insights: ask-form sessions and deflection per day and department.

Revision ID: 0009_insights_deflection
Revises: 0008_session_generation
Create Date: 2026-11-30

`ask_sessions` counts the people (per day) who had the ask form suggest
articles; `deflected` those of them who opened a suggestion and filed no
request that day. Existing days read 0 until `kb insights refresh` rebuilds
them (the columns start at 0; the next refresh of a day fills them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_insights_deflection"
down_revision = "0008_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("insights_days") as batch:
        batch.add_column(sa.Column("ask_sessions", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("deflected", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("insights_days") as batch:
        batch.drop_column("deflected")
        batch.drop_column("ask_sessions")
