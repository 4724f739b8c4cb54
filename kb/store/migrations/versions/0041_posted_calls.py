"""What a call sent with an idempotency key posted, saved with the post itself.

Revision ID: 0041_posted_calls
Revises: 0040_answer_notices
Create Date: 2026-12-05

Before, a call's answer was kept for its retries in a transaction of its own,
after the reply it posted: when that failed (the database busy or gone for a
moment), the claim lapsed 30 s later and a retry posted the reply again. The
transaction that saves the reply now also marks the claim as answered
(`kb.store.sql_replays.mark_posted`) and records here what it posted (the
history entry, the files) and which run of the call did (a token): a retry
gets the first answer however the rest of the call went.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041_posted_calls"
down_revision = "0040_answer_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, as 0040: both databases add a nullable column in place.
    op.add_column("idempotent_answers", sa.Column("posted", sa.Text()))


def downgrade() -> None:
    op.execute("ALTER TABLE idempotent_answers DROP COLUMN posted")
