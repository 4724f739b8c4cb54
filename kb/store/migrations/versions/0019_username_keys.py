"""Users: usernames are unique whatever their letter case.

Revision ID: 0019_username_keys
Revises: 0018_composed_names
Create Date: 2026-12-02

`Alice` and `alice` could both be created, and one could pass for the other
in lists, mentions, watchers and histories. Each user now has a
`username_key` (NFC, case-folded), unique. A database that already holds
such twins must keep working: the oldest of each keeps the key, the others
keep NULL (a unique index allows any number of NULLs) and are named in a
warning here, at `kb serve` and by `kb users check`; nothing is merged or
renamed, since only a person can tell which account is genuine. A backup
made before this is restored the same way (`kb.backup.database`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kb.store.sql_accounts import fill_username_keys, warn_of_twins

revision = "0019_username_keys"
down_revision = "0018_composed_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_key", sa.String(254), nullable=True))
    warn_of_twins(fill_username_keys(op.get_bind()))
    op.create_index("ix_users_username_key", "users", ["username_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_username_key", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("username_key")
