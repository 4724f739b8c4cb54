"""A restore's mark: whether the transaction that loaded a backup committed.

Revision ID: 0045_restore_marks
Revises: 0041_posted_calls
Create Date: 2026-12-05

`kb restore` loads the database in one transaction and then switches the
content folder and the index. A restore killed between the two (SIGKILL, a
power cut) left the backup's rows beside the old files. The restore now
writes a journal beside the index before the load and a row here, holding
the journal's token, in the load's own transaction: the next start finds the
journal and, by this row, knows whether the rows were loaded (finish the
switch) or not (remove what was prepared). The row is deleted once the
restore is done; backups leave the table out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045_restore_marks"
down_revision = "0041_posted_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("restore_marks", sa.Column("token", sa.String(64), primary_key=True))


def downgrade() -> None:
    op.drop_table("restore_marks")
