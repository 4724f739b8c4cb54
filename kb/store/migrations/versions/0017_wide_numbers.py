"""Numbers people or counters set are 64-bit on PostgreSQL, as on SQLite.

Revision ID: 0017_wide_numbers
Revises: 0016_signed_in_searches
Create Date: 2026-12-02

A result page, a click's rank, a task's number, attempts, hits and versions
were PostgreSQL `integer` columns (32 bits), while SQLite's INTEGER holds 64:
a value past 2,147,483,647 that SQLite kept, PostgreSQL refused, and a store
could not move from one to the other. They become `bigint` there, the
largest number the web layer takes (2^63 - 1). SQLite needs nothing.

Each ALTER rewrites its table (search events and clicks are the large ones)
under a lock, once, inside the upgrade's transaction. The insights rollups
keep `integer`: they count one day's rows, and PostgreSQL would sum `bigint`
columns as `numeric`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_wide_numbers"
down_revision = "0016_signed_in_searches"
branch_labels = None
depends_on = None

COLUMNS = {
    "search_events": ("page",),
    "click_events": ("rank",),
    "users": ("session_generation",),
    "outbox": ("attempts",),
    "snapshot_files": ("parts",),
    "snapshot_parts": ("part",),
    "article_versions": ("number",),
    "rate_limits": ("hits",),
    "requests": ("version",),
    "request_tasks": ("task_no", "version"),
}


def _retype(to: type[sa.Integer]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's INTEGER is 64-bit already
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=to())


def upgrade() -> None:
    _retype(sa.BigInteger)


def downgrade() -> None:
    _retype(sa.Integer)
