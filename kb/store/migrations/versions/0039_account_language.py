"""The language an account picked, for the mails it is sent.

Revision ID: 0039_account_language
Revises: 0038_shared_attachments
Create Date: 2026-12-05

A signed-in user who switches the interface language (`?hl=de`) keeps the
choice in `users.language`; mails to that account (an assignment, a task
handed over, a reply to their request) are then written in it rather than
in the language of the request's question. Empty: none picked yet, the
question's language as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039_account_language"
down_revision = "0038_shared_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, as 0033: SQLite adds a column in place.
    op.add_column(
        "users",
        sa.Column("language", sa.String(8), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
