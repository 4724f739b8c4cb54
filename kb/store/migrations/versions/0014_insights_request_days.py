"""Insights: requests rolled up per day and department, and per day and question.

Revision ID: 0014_insights_request_days
Revises: 0013_request_tools
Create Date: 2026-12-01

The requests view read every request of the period and masked each question
when a page was read (1.1 s at 90 days of 50,000 requests, SQLite). The
rollups now carry per day and department the counts and the hours to first
response and to resolution, the ratings of those requests and the ratings
given that day (`insights_request_days`), and per day,
department and masked question the requests, resolved ones, the gap topic
and a sketch of the requesters (`insights_request_topics`).

The next `kb insights refresh` (or the scheduler of `kb serve`) fills them:
it has no mark for the request history yet, so it rolls up every day that
has requests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_insights_request_days"
down_revision = "0013_request_tools"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False)


def upgrade() -> None:
    op.create_table(
        "insights_request_days",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        _count("requests"),
        _count("first_judged"),
        _count("first_within"),
        _count("resolved_judged"),
        _count("resolved_within"),
        _count("ratings"),
        _count("rating_sum"),
        _count("rated"),
        _count("rated_sum"),
        sa.Column("first_response_hours", sa.LargeBinary),
        sa.Column("resolution_hours", sa.LargeBinary),
        sa.PrimaryKeyConstraint("day", "department", name="pk_insights_request_days"),
    )
    op.create_table(
        "insights_request_topics",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("topic_id", ID),
        _count("requests"),
        _count("resolved"),
        sa.Column("requesters_sketch", sa.LargeBinary),
        sa.PrimaryKeyConstraint(
            "day", "department", "query_norm", name="pk_insights_request_topics"
        ),
    )
    op.create_index(
        "ix_insights_request_topics_query_norm", "insights_request_topics", ["query_norm"]
    )
    op.create_index(
        "ix_insights_request_topics_topic_id_day", "insights_request_topics", ["topic_id", "day"]
    )


def downgrade() -> None:
    op.drop_table("insights_request_topics")
    op.drop_table("insights_request_days")
