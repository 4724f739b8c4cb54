"""Index snapshots in the database, for several web nodes without a shared disk.

Revision ID: 0002_snapshot_store
Revises: 0001
Create Date: 2026-11-30

Files are stored once per SHA-256 in parts of a few MiB (PostgreSQL's bytea
values are read whole, so parts bound the memory of a transfer); `snapshots`
keeps each published manifest and `snapshot_current` the one row naming the
current snapshot. Used only when the setting snapshot_store is `database`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_snapshot_store"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "snapshot_files",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("parts", sa.Integer, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_snapshot_files"),
    )
    op.create_table(
        "snapshot_parts",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("part", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("digest", "part", name="pk_snapshot_parts"),
        sa.ForeignKeyConstraint(
            ["digest"],
            ["snapshot_files.digest"],
            name="fk_snapshot_parts_digest_snapshot_files",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "snapshots",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("published", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_snapshots"),
    )
    op.create_table(
        "snapshot_current",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot_current"),
    )


def downgrade() -> None:
    for table in ("snapshot_current", "snapshots", "snapshot_parts", "snapshot_files"):
        op.drop_table(table)
