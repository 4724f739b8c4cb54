"""The answers of calls on requests sent with an idempotency key.

Revision ID: 0037_idempotent_answers
Revises: 0036_attachment_search_text
Create Date: 2026-12-05

A client that posts a reply, an internal note or files again after a timeout
sends the same `Idempotency-Key`; the first answer is kept here for a day
(`kb.store.sql_replays`), so the retry gets it again and nothing is posted
twice. Keys are kept per account (`account`: dropped when it is renamed or
removed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037_idempotent_answers"
down_revision = "0036_attachment_search_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_answers",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_idempotent_answers"),
    )
    op.create_index("ix_idempotent_answers_account", "idempotent_answers", ["account"])
    op.create_index("ix_idempotent_answers_created", "idempotent_answers", ["created"])


def downgrade() -> None:
    op.drop_index("ix_idempotent_answers_created", table_name="idempotent_answers")
    op.drop_index("ix_idempotent_answers_account", table_name="idempotent_answers")
    op.drop_table("idempotent_answers")
