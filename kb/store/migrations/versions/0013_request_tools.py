"""Ratings, watchers and merged duplicates of requests.

Revision ID: 0013_request_tools
Revises: 0012_insights_people_sketches
Create Date: 2026-11-30

After resolution a requester rates the request (`rating` 1-5,
`rating_comment`, `rated_at`); `watchers` lists the usernames that hear about
it and may read it (JSON, empty for existing requests); a duplicate merged
into another request names it in `merged_into`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_request_tools"
down_revision = "0012_insights_people_sketches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("rating", sa.Integer))
        batch.add_column(sa.Column("rating_comment", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("rated_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("watchers", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("merged_into", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for column in ("merged_into", "watchers", "rated_at", "rating_comment", "rating"):
            batch.drop_column(column)
