"""The site's own signing key, for a server without a configured `secret_key`.

Revision ID: 0050_site_keys
Revises: 0042_gap_uses
Create Date: 2026-12-05

Without `secret_key` each `kb serve` made a random key per run: a restart
broke every signed leave link in mails already sent, every session and every
form token, and two nodes on one database signed differently. The first
process that needs a key now makes one and keeps it here, where every node
and every restart of the same database finds it (`kb.store.site_keys`).
Backups leave the table out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050_site_keys"
down_revision = "0042_gap_uses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_keys",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("site_keys")
