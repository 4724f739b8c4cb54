"""Insights: daily rollups of the event tables, knowledge-gap topics.

Revision ID: 0003_insights
Revises: 0002_snapshot_store
Create Date: 2026-11-30

The rollups hold per day and department what the insights pages add up
(`insights_days`), who searched (`insights_people`, pseudonymous ids, for
distinct counts), and per failed question text its figures and its people
(`insights_questions`, `insights_question_people`); `insights_state` keeps
the event ids the rollups have seen. `gap_topics` and `gap_questions` are the
topics failed questions were grouped into, with each question's vector.
Existing events are rolled up on the first `kb insights refresh` (or by the
scheduler of `kb serve`), not here: a migration should stay quick.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_insights"
down_revision = "0002_snapshot_store"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # The rollups ask, per search, whether feedback refers to it.
    op.create_index("ix_feedback_events_search_id", "feedback_events", ["search_id"])
    op.create_table(
        "insights_days",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.Column("zero_results", sa.Integer, nullable=False),
        sa.Column("clicked", sa.Integer, nullable=False),
        sa.Column("helpful", sa.Integer, nullable=False),
        sa.Column("not_helpful", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "department", name="pk_insights_days"),
    )
    op.create_table(
        "insights_people",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("person", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("day", "department", "person", name="pk_insights_people"),
    )
    op.create_table(
        "insights_questions",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("unanswered", sa.Integer, nullable=False),
        sa.Column("unclicked", sa.Integer, nullable=False),
        sa.Column("not_helpful", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "query_norm", "department", name="pk_insights_questions"),
    )
    op.create_index("ix_insights_questions_query_norm", "insights_questions", ["query_norm"])
    op.create_table(
        "insights_question_people",
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("person", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("query_norm", "day", "person", name="pk_insights_question_people"),
    )
    op.create_index("ix_insights_question_people_day", "insights_question_people", ["day"])
    op.create_table(
        "insights_state",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_insights_state"),
    )
    op.create_table(
        "gap_topics",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assigned_department", sa.Text),
        sa.Column("assigned_at", TS),
        sa.Column("created", TS, nullable=False),
        sa.Column("updated", TS, nullable=False),
        sa.Column("centroid", sa.LargeBinary, nullable=False),
        sa.Column("closed_at", TS),
        sa.Column("closed_by", sa.Text),
        sa.Column("answered_before", sa.Float),
        sa.Column("answered_after", sa.Float),
        sa.Column("verified_snapshot", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_gap_topics"),
    )
    op.create_index("ix_gap_topics_status", "gap_topics", ["status"])
    op.create_index("ix_gap_topics_assigned_department", "gap_topics", ["assigned_department"])
    op.create_table(
        "gap_questions",
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("topic_id", ID),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.PrimaryKeyConstraint("query_norm", name="pk_gap_questions"),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["gap_topics.id"],
            name="fk_gap_questions_topic_id_gap_topics",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_gap_questions_topic_id", "gap_questions", ["topic_id"])


def downgrade() -> None:
    for table in (
        "gap_questions",
        "gap_topics",
        "insights_state",
        "insights_question_people",
        "insights_questions",
        "insights_people",
        "insights_days",
    ):
        op.drop_table(table)
    op.drop_index("ix_feedback_events_search_id", "feedback_events")
