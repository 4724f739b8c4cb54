"""A vote that keeps the words searched for keeps who voted, as a pseudonym.

Revision ID: 0031_vote_person
Revises: 0030_deflection_rule
Create Date: 2026-12-03

A vote on an article from a search that was never logged keeps the words
searched for (`feedback_events.query`, 0029). Insights count such a "not
helpful" vote as a failed question beside the searches' own, and a question
text is shown only when enough distinct people asked it: `person` keeps the
keyed pseudonym of the account or network address that voted (as a search
keeps it), empty for a vote that names its search (its search says who
asked) and for the votes before this revision. The marks of what was rolled
up are kept: votes with words are as recent as 0029, and a day is counted
again whenever a new event touches it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_vote_person"
down_revision = "0030_deflection_rule"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, as 0029: SQLite adds (and, from 3.35, drops) a column in place.


def upgrade() -> None:
    op.add_column(
        "feedback_events", sa.Column("person", sa.Text, nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("feedback_events", "person")
