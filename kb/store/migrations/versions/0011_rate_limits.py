"""Rate limits: counters every worker and node share.

Revision ID: 0011_rate_limits
Revises: 0010_request_attachments
Create Date: 2026-11-30

Sign-in attempts, searches and asks are limited per account and per client
address (`webapp.throttle`); the counters must hold across processes and
machines, so they live in the database: one row per key, counted in a fixed
window that ends at `window_end` (seconds since the epoch).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_rate_limits"
down_revision = "0010_request_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("window_end", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
    )
    op.create_index("ix_rate_limits_window_end", "rate_limits", ["window_end"])


def downgrade() -> None:
    op.drop_index("ix_rate_limits_window_end", "rate_limits")
    op.drop_table("rate_limits")
