"""The highest snapshot sequence the cluster has published or served.

Revision ID: 0027_snapshot_sequence
Revises: 0026_grant_changes
Create Date: 2026-12-03

A node with `secret_key` refuses a snapshot from the store whose signed
`sequence` is not above the one it serves; a node with no snapshot yet had
nothing to compare with and took what the store named. `snapshot_sequence`
holds one row (`indexer.sequence_mark`): the highest sequence an indexer or
restore published or a node served, and that snapshot's name. Nothing to
fill: the first snapshot published or taken after the upgrade records it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_snapshot_sequence"
down_revision = "0026_grant_changes"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "snapshot_sequence",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot_sequence"),
    )


def downgrade() -> None:
    op.drop_table("snapshot_sequence")
