"""The initial schema: events, users, requests with tasks and history, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-27

Types are spelled out here rather than imported from `kb.store.schema`, so
this revision keeps creating the same tables whatever later code looks like.
Timestamps are `timestamptz` on PostgreSQL; JSON documents are TEXT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "search_events",
        _id(),
        sa.Column("ts", TS, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("filters", sa.Text, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("department", sa.Text),
        sa.Column("department_confidence", sa.Float, nullable=False),
        sa.Column("result_ids", sa.Text, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_events"),
    )
    op.create_index("ix_search_events_ts", "search_events", ["ts"])
    op.create_index(
        "ix_search_events_answered_query_norm", "search_events", ["answered", "query_norm"]
    )

    op.create_table(
        "click_events",
        _id(),
        sa.Column("search_id", ID, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_click_events"),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["search_events.id"],
            name="fk_click_events_search_id_search_events",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_click_events_search_id", "click_events", ["search_id"])
    op.create_index("ix_click_events_ts", "click_events", ["ts"])

    op.create_table(
        "feedback_events",
        _id(),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("search_id", sa.BigInteger),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_events"),
    )
    op.create_index("ix_feedback_events_ts", "feedback_events", ["ts"])
    op.create_index("ix_feedback_events_article_id", "feedback_events", ["article_id"])

    op.create_table(
        "users",
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("grants", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("created", TS, nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_users"),
    )

    op.create_table(
        "requests",
        _id(),
        sa.Column("requester", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("assignee", sa.Text),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("updated", TS, nullable=False),
        sa.Column("first_response_due", TS),
        sa.Column("resolution_due", TS),
        sa.Column("first_responded_at", TS),
        sa.Column("resolved_at", TS),
        sa.Column("resolution", sa.Text),
        sa.Column("linked_articles", sa.Text, nullable=False),
        sa.Column("search_id", sa.BigInteger),
        sa.Column("suggestions_shown", sa.Boolean, nullable=False),
        sa.Column("went_on_anyway", sa.Boolean, nullable=False),
        sa.Column("workflow", sa.Text),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_requests"),
        sa.UniqueConstraint("idempotency_key", name="uq_requests_idempotency_key"),
    )
    op.create_index("ix_requests_department_status", "requests", ["department", "status"])
    op.create_index("ix_requests_requester", "requests", ["requester"])
    op.create_index("ix_requests_assignee", "requests", ["assignee"])
    op.create_index("ix_requests_resolution_due", "requests", ["resolution_due"])
    op.create_index("ix_requests_created", "requests", ["created"])

    op.create_table(
        "request_tasks",
        sa.Column("request_id", ID, nullable=False),
        sa.Column("task_no", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("depends_on", sa.Text, nullable=False),
        sa.Column("assignee", sa.Text),
        sa.Column("due", TS),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("request_id", "task_no", name="pk_request_tasks"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name="fk_request_tasks_request_id_requests",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_request_tasks_department_status", "request_tasks", ["department", "status"])

    op.create_table(
        "request_entries",
        _id(),
        sa.Column("request_id", ID, nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("visible_to_requester", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_request_entries"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name="fk_request_entries_request_id_requests",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_request_entries_request_id", "request_entries", ["request_id"])
    op.create_index("ix_request_entries_kind", "request_entries", ["kind"])

    op.create_table(
        "outbox",
        _id(),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("next_attempt_at", TS),
        sa.Column("delivered_at", TS),
        sa.Column("last_error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_delivered_at_next_attempt_at", "outbox", ["delivered_at", "next_attempt_at"]
    )


def downgrade() -> None:
    for table in (
        "outbox",
        "request_entries",
        "request_tasks",
        "requests",
        "users",
        "feedback_events",
        "click_events",
        "search_events",
    ):
        op.drop_table(table)
