"""Grant history: every role granted and revoked, not only those moved.

Revision ID: 0028_grant_history
Revises: 0027_snapshot_sequence
Create Date: 2026-12-03

`grant_changes` kept only the grants `kb requests move-department
--move-grants` moved. Each row now says which `change` it is: `granted`,
`revoked` or `moved`; the store writes a row for every role an account gets
or loses (`kb users add`, `kb users revoke`, `kb users remove`, a single
sign-on proxy's groups), in the transaction that changes the account
(`kb.accounts.grant_history`). The rows from before were all moves. A
granted or revoked row keeps the grant's department in `from_department`
("" for a role of every department) and "" in `to_department`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_grant_history"
down_revision = "0027_snapshot_sequence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grant_changes") as batch:
        batch.add_column(sa.Column("change", sa.Text, nullable=False, server_default="moved"))


def downgrade() -> None:
    op.execute("DELETE FROM grant_changes WHERE change <> 'moved'")
    with op.batch_alter_table("grant_changes") as batch:
        batch.drop_column("change")
