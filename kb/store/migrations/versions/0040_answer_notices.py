"""When a requester last got an answer, and which answer they have seen.

Revision ID: 0040_answer_notices
Revises: 0039_account_language
Create Date: 2026-12-05

Without e-mail, a requester learnt of an answer only by opening My requests
and looking. `requests.answered_at` is the moment of the newest reply or
resolution the requester got from someone who works the request
(`kb.requests.answers`); `requests.requester_seen_at` the newest of those the
requester has seen, written when they open the request. A request whose
answer is newer than what its requester saw has a new answer: the menu counts
those, My requests marks them. Requests from before have neither, so none of
them counts as new.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kb.store.columns import UtcDateTime

revision = "0040_answer_notices"
down_revision = "0039_account_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, as 0033: SQLite adds a column in place.
    op.add_column("requests", sa.Column("answered_at", UtcDateTime()))
    op.add_column("requests", sa.Column("requester_seen_at", UtcDateTime()))


def downgrade() -> None:
    # Not a batch, as in 0034 and 0035: SQLite's batch copies `requests` and
    # drops the old table, whose ON DELETE CASCADE would empty the histories,
    # tasks and files. Both databases drop a plain column in place (SQLite 3.35 on).
    for column in ("requester_seen_at", "answered_at"):
        op.execute(f"ALTER TABLE requests DROP COLUMN {column}")
