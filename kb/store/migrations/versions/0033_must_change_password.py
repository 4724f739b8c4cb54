"""An account may have to change its password at its next sign-in.

Revision ID: 0033_must_change_password
Revises: 0032_vote_language
Create Date: 2026-12-04

An administrator who creates an account on the accounts page, or resets an
account's password there, gives it a one-time temporary password
(`kb.accounts.passwords`). `users.must_change_password` marks such an
account: once signed in, it can do nothing but choose its own password,
which clears the mark. Accounts from before have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_must_change_password"
down_revision = "0032_vote_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, as 0029 and 0032: SQLite adds a column in place.
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
