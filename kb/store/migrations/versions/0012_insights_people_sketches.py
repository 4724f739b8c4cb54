"""Insights: people as sketches in the daily rollups; questions per day with their topic.

Revision ID: 0012_insights_people_sketches
Revises: 0011_rate_limits
Create Date: 2026-12-01

The insights pages counted distinct people from (day, person) rows at read
time, which took seconds at a million searches. The rollups now carry, per
day and department (`insights_days`) and per day (`insights_day_people`),
how many people searched, how many of them filed a request from such a
search, and a sketch of those people (`kb.insights.sketches`); failed
questions are added up per day and text with their gap topic
(`insights_question_days`) and per day and topic (`insights_topic_days`).
Request questions are masked once (`insights_request_texts`); articles get
their votes per day. The rows of people per day (`insights_people`) go.

The rollups are rebuilt from the events by the next `kb insights refresh`
(or the scheduler of `kb serve`): the marks of what was rolled up are
forgotten here, not recomputed, so the migration stays quick.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_insights_people_sketches"
down_revision = "0011_rate_limits"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


def upgrade() -> None:
    with op.batch_alter_table("insights_days") as batch:
        batch.add_column(_count("people"))
        batch.add_column(_count("requested"))
        batch.add_column(sa.Column("people_sketch", sa.LargeBinary))
    with op.batch_alter_table("insights_articles") as batch:
        batch.add_column(_count("helpful"))
        batch.add_column(_count("not_helpful"))
    op.create_table(
        "insights_day_people",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("requested", sa.Integer, nullable=False),
        sa.Column("people_sketch", sa.LargeBinary),
        sa.PrimaryKeyConstraint("day", name="pk_insights_day_people"),
    )
    op.create_table(
        "insights_question_days",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("topic_id", ID),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "query_norm", name="pk_insights_question_days"),
    )
    op.create_index(
        "ix_insights_question_days_query_norm", "insights_question_days", ["query_norm"]
    )
    op.create_index(
        "ix_insights_question_days_by_topic",
        "insights_question_days",
        ["topic_id", "query_norm", "day", "searches", "people"],
    )
    op.create_table(
        "insights_topic_days",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("topic_id", ID, nullable=False),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("people_sketch", sa.LargeBinary),
        sa.PrimaryKeyConstraint("day", "topic_id", name="pk_insights_topic_days"),
    )
    op.create_table(
        "insights_request_texts",
        sa.Column("request_id", ID, nullable=False, autoincrement=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("topic_id", ID),
        sa.PrimaryKeyConstraint("request_id", name="pk_insights_request_texts"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name="fk_insights_request_texts_request_id_requests",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_insights_request_texts_query_norm", "insights_request_texts", ["query_norm"]
    )
    op.drop_table("insights_people")
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def downgrade() -> None:
    op.create_table(
        "insights_people",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("person", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("day", "department", "person", name="pk_insights_people"),
    )
    for table in ("insights_request_texts", "insights_topic_days", "insights_question_days"):
        op.drop_table(table)
    op.drop_table("insights_day_people")
    with op.batch_alter_table("insights_articles") as batch:
        batch.drop_column("not_helpful")
        batch.drop_column("helpful")
    with op.batch_alter_table("insights_days") as batch:
        batch.drop_column("people_sketch")
        batch.drop_column("requested")
        batch.drop_column("people")
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name.in_(WATERMARKS)))
