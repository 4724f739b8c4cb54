"""Each request's question and description folded for the queue's search.

Revision ID: 0035_request_search_text
Revises: 0034_self_watchers
Create Date: 2026-12-04

`requests.search_text` holds the question and description without case or
accents, umlauts also spelled out (`kb.store.request_search_text`), so that
a queue's search finds "Büro" for "buro", "BÜRO" or "buero" on both
databases. Existing requests are folded here, a thousand at a time; the
column's default, empty, marks a row not yet folded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kb.store.request_search_text import fill_search_texts

revision = "0035_request_search_text"
down_revision = "0034_self_watchers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    fill_search_texts(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not a batch: SQLite's batch copies the table and drops the old one,
        # and the ON DELETE CASCADE of its children (histories, tasks, files)
        # would empty them. SQLite drops a plain column in place (3.35 on).
        op.execute("ALTER TABLE requests DROP COLUMN search_text")
    else:
        op.drop_column("requests", "search_text")
