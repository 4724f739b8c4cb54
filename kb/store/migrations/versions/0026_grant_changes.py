"""Grants moved with a department's requests, and their history.

Revision ID: 0026_grant_changes
Revises: 0025_query_key_hashes
Create Date: 2026-12-03

`kb requests move-department OLD NEW --move-grants` gives the agents and
content owners of a department whose folder was renamed their roles for the
new name, in the transaction that moves the requests. Each grant moved is
kept in `grant_changes` (`kb.store.sql_department_moves`): whose role, from
and to which department, by whom, when and why. Nothing to fill: grants
given before were given by `kb users add`, which keeps no history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_grant_changes"
down_revision = "0025_query_key_hashes"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "grant_changes",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("from_department", sa.Text, nullable=False),
        sa.Column("to_department", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grant_changes"),
    )
    op.create_index("ix_grant_changes_username", "grant_changes", ["username"])


def downgrade() -> None:
    op.drop_index("ix_grant_changes_username", table_name="grant_changes")
    op.drop_table("grant_changes")
