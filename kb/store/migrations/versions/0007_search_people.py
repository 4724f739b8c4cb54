"""Search events: who searched (a keyed pseudonym) and the answer's article.

Revision ID: 0007_search_people
Revises: 0006_article_versions
Create Date: 2026-11-30

Query suggestions offer a past query only when several distinct people
searched it and its answer is an article the viewer may read. The browser's
random id (`user_id`) cannot count people (a client without cookies is a new
"person" on every call), so `person` holds a keyed pseudonym of the
signed-in user or the network address, and `answer_id` the article the
answer came from. Events logged before have neither and are never suggested.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_search_people"
down_revision = "0006_article_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.add_column(sa.Column("person", sa.Text, nullable=True))
        batch.add_column(sa.Column("answer_id", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.drop_column("answer_id")
        batch.drop_column("person")
