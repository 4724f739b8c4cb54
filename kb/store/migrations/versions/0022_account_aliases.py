"""Former names of single-sign-on accounts, for a proxy not renamed yet.

Revision ID: 0022_account_aliases
Revises: 0021_person_keys
Create Date: 2026-12-02

An account renamed here but not at the identity provider came back through
the single-sign-on proxy under its old name as a new, empty account. A
rename of an account without a password now keeps the old name in
`account_aliases` (`kb.store.sql_account_aliases`), which header sign-in
follows until the proxy sends the new name. Nothing to fill: renames made
before keep their old behaviour.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_account_aliases"
down_revision = "0021_person_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_aliases",
        sa.Column("name_key", sa.String(254), nullable=False),
        sa.Column("name", sa.String(254), nullable=False),
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_key", name="pk_account_aliases"),
    )
    op.create_index("ix_account_aliases_username", "account_aliases", ["username"])


def downgrade() -> None:
    op.drop_index("ix_account_aliases_username", table_name="account_aliases")
    op.drop_table("account_aliases")
