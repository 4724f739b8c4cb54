"""Each attachment's name and text folded as the requests' words are.

Revision ID: 0036_attachment_search_text
Revises: 0035_request_search_text
Create Date: 2026-12-04

`request_attachments.search_text` held the name and text with umlauts only
spelled out, so "uberweisung" did not find "Überweisung" and "cafe" did not
find "Café", where the queue's search of requests finds both. It now holds
them as `kb.store.word_folding.searchable` folds them; every file stored
before is folded again here, a hundred at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kb.catalogue.triggers import fold
from kb.store.sql_attachments import fold_attachment_texts

revision = "0036_attachment_search_text"
down_revision = "0035_request_search_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    fold_attachment_texts(op.get_bind())


def downgrade() -> None:
    # The older version's folding: name and text as one line, umlauts spelled out.
    conn = op.get_bind()
    files = sa.table(
        "request_attachments",
        sa.column("id", sa.Integer),
        sa.column("name", sa.Text),
        sa.column("text", sa.Text),
        sa.column("search_text", sa.Text),
    )
    rows = sa.select(files.c.id, files.c.name, files.c.text).order_by(files.c.id).limit(100)
    after = -1
    while page := conn.execute(rows.where(files.c.id > after)).all():
        for row in page:
            text = fold(f"{row.name} {row.text}")
            conn.execute(sa.update(files).where(files.c.id == row.id).values(search_text=text))
        after = page[-1].id
