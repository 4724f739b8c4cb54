"""Request forms: the catalogue type of a request and the values of its form.

Revision ID: 0005_request_forms
Revises: 0004_insights_articles
Create Date: 2026-11-30

`requests.request_type` names the catalogue entry a request was filed from
(None for a free question) and `requests.fields` holds the values of its
form as a JSON object; existing requests get an empty one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_request_forms"
down_revision = "0004_insights_articles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("request_type", sa.Text))
        batch.add_column(sa.Column("fields", sa.Text, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("fields")
        batch.drop_column("request_type")
