"""Article versions: every save of an article in the browser or the API.

Revision ID: 0006_article_versions
Revises: 0005_request_forms
Create Date: 2026-11-30

One row per version with the whole file text, its author, time, action
(save, submit, publish, retire, restore, disk) and message; the primary key
(article_id, number) makes two saves based on the same version collide.
The click and feedback events are read per article for the content owner's
list, so both get an index on article_id (feedback already has one).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_article_versions"
down_revision = "0005_request_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_versions",
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("number", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "number", name="pk_article_versions"),
    )
    op.create_index("ix_article_versions_ts", "article_versions", ["ts"])
    op.create_index("ix_click_events_article_id", "click_events", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_click_events_article_id", "click_events")
    op.drop_index("ix_article_versions_ts", "article_versions")
    op.drop_table("article_versions")
