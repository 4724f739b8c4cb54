"""The task departments an internal file is shared with, for the attachment search.

Revision ID: 0038_shared_attachments
Revises: 0037_idempotent_answers
Create Date: 2026-12-05

An agent of a value-stream task's department who adds files to an internal
note shares it with their department (`shared_with` in the note's data): its
agents read the files, but the attachment search offered them only the files
the requester sees. `request_attachments.shared_with` now holds those
departments, each on a line of its own, so the search finds a shared file for
them and for nobody else; the files stored before take theirs from their
notes here, a hundred at a time.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from kb.store.sql_attachments import shared_lines

revision = "0038_shared_attachments"
down_revision = "0037_idempotent_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "request_attachments",
        sa.Column("shared_with", sa.Text, nullable=False, server_default=""),
    )
    conn = op.get_bind()
    files = sa.table(
        "request_attachments",
        sa.column("id", sa.Integer),
        sa.column("entry_id", sa.BigInteger),
        sa.column("visible_to_requester", sa.Boolean),
        sa.column("shared_with", sa.Text),
    )
    entries = sa.table(
        "request_entries", sa.column("id", sa.BigInteger), sa.column("data", sa.Text)
    )
    internal = (
        sa.select(files.c.id, entries.c.data)
        .join(entries, entries.c.id == files.c.entry_id)
        .where(sa.not_(files.c.visible_to_requester))
        .order_by(files.c.id)
        .limit(100)
    )
    after = -1
    while page := conn.execute(internal.where(files.c.id > after)).all():
        for row in page:
            shared = (json.loads(row.data or "{}") or {}).get("shared_with")
            if isinstance(shared, list) and shared:
                lines = shared_lines([str(d) for d in shared])
                conn.execute(sa.update(files).where(files.c.id == row.id).values(shared_with=lines))
        after = page[-1].id


def downgrade() -> None:
    with op.batch_alter_table("request_attachments") as batch:
        batch.drop_column("shared_with")
