"""Attachments of requests and replies, and the bytes of the files.

Revision ID: 0010_request_attachments
Revises: 0009_insights_deflection
Create Date: 2026-11-30

`request_attachments` holds what is known about each attached file (its
request, the history entry it came with, name, kind told from its bytes,
size, SHA-256, who attached it, whether the requester may see it, the text
read from it and a folded copy for search). `attachment_blobs` holds the
files' bytes by SHA-256 when the setting attachment_store is database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_request_attachments"
down_revision = "0009_insights_deflection"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "request_attachments",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", ID, nullable=False),
        sa.Column("entry_id", sa.BigInteger),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("visible_to_requester", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_problem", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name="fk_request_attachments_request_id_requests",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_request_attachments"),
    )
    op.create_index("ix_request_attachments_request_id", "request_attachments", ["request_id"])
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_attachment_blobs"),
    )


def downgrade() -> None:
    op.drop_table("attachment_blobs")
    op.drop_index("ix_request_attachments_request_id", "request_attachments")
    op.drop_table("request_attachments")
