"""Votes and requests keep the words searched for when their search is not linked.

Revision ID: 0029_unlogged_search_words
Revises: 0028_grant_history
Create Date: 2026-12-03

A vote or a request names the search it came from by id. A search answered
before it was logged (the database busy) is linked by its signed reference
once it is stored; one that is never logged (the search log full or failing)
leaves nothing to link, and the question was lost with it. Such a vote keeps
the words searched for in `feedback_events.query`, such a request in
`requests.search_query` (both empty when a search is linked, and for the rows
before this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029_unlogged_search_words"
down_revision = "0028_grant_history"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch copy: SQLite adds (and, from 3.35, drops) a
# column in place, where copying `requests` would drop the table its entries,
# tasks and attachments name.


def upgrade() -> None:
    op.add_column("feedback_events", sa.Column("query", sa.Text, nullable=False, server_default=""))
    op.add_column("requests", sa.Column("search_query", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("requests", "search_query")
    op.drop_column("feedback_events", "query")
