"""Knowledge gaps closed by use; a department's gaps counted in that department.

Revision ID: 0042_gap_uses
Revises: 0045_restore_marks
Create Date: 2026-12-05

A gap whose searches were answered but whose answers nobody opened could
never close: the re-run of its questions against a new snapshot measured the
answered share, which was already all of them. `insights_gap_uses` keeps,
per day and question text of a gap topic, its searches and how many of them
were used (a result opened or voted helpful); `gap_topics` records which
measure closes the gap and what its last check found (`kb.insights.verify`).

The gaps page filtered by department counted each topic's searches and
people in every department: `insights_questions` (per day, text and
department) gains a sketch of the people who failed with the text there.

Both are filled by rolling up the days again: the mark of the rolled-up
searches is forgotten here, as in 0015, so that the next refresh (or the
scheduler of `kb serve`) counts every day whose events are stored again
(about a minute per million searches); days whose events were purged keep
their figures and have neither.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042_gap_uses"
down_revision = "0045_restore_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insights_gap_uses",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("query_norm", sa.Text, nullable=False),
        sa.Column("searches", sa.Integer, nullable=False),
        sa.Column("used", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "query_norm", name="pk_insights_gap_uses"),
    )
    op.create_index("ix_insights_gap_uses_query_norm", "insights_gap_uses", ["query_norm"])
    # Plain ALTER TABLE, as 0041: both databases add these columns in place.
    op.add_column(
        "gap_topics",
        sa.Column("measure", sa.String(16), nullable=False, server_default="answered"),
    )
    op.add_column("gap_topics", sa.Column("used_searches", sa.Integer))
    op.add_column("gap_topics", sa.Column("used_after", sa.Float))
    op.add_column("gap_topics", sa.Column("checked_at", sa.DateTime(timezone=True)))
    op.add_column("insights_questions", sa.Column("people_sketch", sa.LargeBinary))
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name == "search_events"))


def downgrade() -> None:
    op.execute("ALTER TABLE insights_questions DROP COLUMN people_sketch")
    for column in ("checked_at", "used_after", "used_searches", "measure"):
        op.execute(f"ALTER TABLE gap_topics DROP COLUMN {column}")
    op.drop_table("insights_gap_uses")
