"""Insights: what searches did with each article, per day; requests by search.

Revision ID: 0004_insights_articles
Revises: 0003_insights
Create Date: 2026-11-30

`insights_articles` counts, per day and article, how often it was among a
search's results, how often it was the top answer of an answered search,
and how often such an answer was still followed by a request filed from
that search (content health). The index on `requests.search_id` serves that
last lookup, once per search the rollup reads.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_insights_articles"
down_revision = "0003_insights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insights_articles",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("shown", sa.Integer, nullable=False),
        sa.Column("top_answers", sa.Integer, nullable=False),
        sa.Column("answers_then_request", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "article_id", name="pk_insights_articles"),
    )
    op.create_index("ix_requests_search_id", "requests", ["search_id"])


def downgrade() -> None:
    op.drop_index("ix_requests_search_id", "requests")
    op.drop_table("insights_articles")
