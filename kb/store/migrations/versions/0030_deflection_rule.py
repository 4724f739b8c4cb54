"""Each rolled-up day records the deflection rule it was counted under.

Revision ID: 0030_deflection_rule
Revises: 0029_unlogged_search_words
Create Date: 2026-12-03

Deflection now counts a person once per ISO week, only when the ask form's
search served suggestions and a click on one was recorded
(`kb.store.insights_deflection`). Days rolled up before keep the counts of
the first rule (once per person and day) until `kb insights recount` counts
them again; `insights_day_people.deflection_rule` says which rule a day was
counted under: 1 for every row already there, the current rule for each day
rolled up from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_deflection_rule"
down_revision = "0029_unlogged_search_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "insights_day_people",
        sa.Column("deflection_rule", sa.SmallInteger, nullable=False, server_default="1"),
    )


def downgrade() -> None:
    with op.batch_alter_table("insights_day_people") as batch:
        batch.drop_column("deflection_rule")
