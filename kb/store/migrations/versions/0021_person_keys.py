"""Users: a key that insights count the account by, kept when it is renamed.

Revision ID: 0021_person_keys
Revises: 0020_composed_history
Create Date: 2026-12-02

Insights counted a person by their username (a keyed pseudonym of it for
searches, the name itself for requesters), so a renamed account was counted
as a new person from the rename on. Each account now has a `person_key`
(`kb.accounts.records.User.person_key`): a random key for accounts created
from now on, kept through renames. Accounts from before keep NULL, which
stands for their username, so what they did before this migration counts
as the same person; a rename sets it to the old name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_person_keys"
down_revision = "0020_composed_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("person_key", sa.String(254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("person_key")
