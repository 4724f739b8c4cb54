"""Users: a session generation, raised to end every session of a user.

Revision ID: 0008_session_generation
Revises: 0007_search_people
Create Date: 2026-11-30

A signed session cookie stays valid until it expires, wherever it was copied
to. The web app writes the user's `session_generation` into the session at
sign-in and accepts the session only while the stored value is the same; the
store raises it at sign-out, a password change and a role change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_session_generation"
down_revision = "0007_search_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
