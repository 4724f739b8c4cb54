"""Department ids and article ids in composed form (NFC), as the code reads them.

Revision ID: 0018_composed_names
Revises: 0017_wide_numbers
Create Date: 2026-12-02

Since department names and article ids are read in composed form (a folder
named "Büro" on macOS holds a decomposed ü), every lookup asks the store for
the composed id: requests, tasks and search events an older version stored
under the decomposed id were in no queue and no department's figures, and
grants, gap topics, clicks, votes and version histories under it belonged
to nobody. They are rewritten in composed form here.

Where the store already holds the composed twin of a decomposed id (both
folder names were in use, which the content reader makes one department),
the rows are still joined under the composed id, as the app shows them
now, and each such join is logged as a warning naming the table, the id
and the rows moved; a grant that becomes a second copy of one the account
has is dropped with a warning. The one history that cannot be joined is an
article's versions (numbered per id): when both forms have versions, the
decomposed ones are left where they are, with a warning to look at them.
The insights rollups are rebuilt from the events by the next refresh (their
marks are forgotten, as in 0016).
"""

from __future__ import annotations

import json
import logging
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018_composed_names"
down_revision = "0017_wide_numbers"
branch_labels = None
depends_on = None

logger = logging.getLogger("kb.store.migrations.composed_names")

# Columns holding a department or article id that many rows may share.
SHARED_COLUMNS = (
    ("requests", "department"),
    ("request_tasks", "department"),
    ("search_events", "department"),
    ("gap_topics", "department"),
    ("gap_topics", "assigned_department"),
    ("click_events", "article_id"),
    ("feedback_events", "article_id"),
)
WATERMARKS = ("search_events", "click_events", "feedback_events", "requests")


def composed(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _decomposed_values(conn: sa.Connection, table: sa.TableClause, column: str) -> list[str]:
    found = conn.execute(sa.select(table.c[column]).distinct()).scalars()
    return [v for v in found if isinstance(v, str) and composed(v) != v]


def _count(conn: sa.Connection, table: sa.TableClause, column: str, value: str) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(table.c[column] == value)
    return int(conn.execute(query).scalar() or 0)


def _compose_column(conn: sa.Connection, name: str, column: str) -> None:
    table = sa.table(name, sa.column(column, sa.Text))
    for value in _decomposed_values(conn, table, column):
        target = composed(value)
        twins = _count(conn, table, column, target)
        moved = conn.execute(
            table.update().where(table.c[column] == value).values({column: target})
        ).rowcount
        if twins:
            logger.warning(
                "%s.%s: %d row(s) stored under the decomposed form of %r joined the %d "
                "under its composed form; the app has shown them as one since department "
                "names are read composed. Check them if the two were meant apart.",
                name, column, moved, target, twins,
            )  # fmt: skip


def _compose_grants(conn: sa.Connection) -> None:
    users = sa.table("users", sa.column("username", sa.String), sa.column("grants", sa.Text))
    for username, raw in conn.execute(sa.select(users.c.username, users.c.grants)).all():
        grants: list[dict[str, Any]] = json.loads(raw) if isinstance(raw, str) else raw
        kept: list[dict[str, Any]] = []
        for grant in grants:
            department = grant.get("department")
            if isinstance(department, str):
                grant = {**grant, "department": composed(department)}
            if grant in kept:
                logger.warning(
                    "users: %s had the grant %s under both forms of the department's "
                    "name; one is kept", username, grant,
                )  # fmt: skip
                continue
            kept.append(grant)
        if kept != grants:
            conn.execute(
                users.update()
                .where(users.c.username == username)
                .values(grants=json.dumps(kept, ensure_ascii=False, sort_keys=True))
            )


def _compose_versions(conn: sa.Connection) -> None:
    versions = sa.table("article_versions", sa.column("article_id", sa.Text))
    for value in _decomposed_values(conn, versions, "article_id"):
        target = composed(value)
        twins = _count(conn, versions, "article_id", target)
        if twins:
            logger.warning(
                "article_versions: %r has %d version(s) under its composed id and %d under "
                "the decomposed one, which are left apart (both are numbered from 1); "
                "the editor shows the composed history",
                target, twins, _count(conn, versions, "article_id", value),
            )  # fmt: skip
            continue
        conn.execute(
            versions.update().where(versions.c.article_id == value).values(article_id=target)
        )


def upgrade() -> None:
    conn = op.get_bind()
    for name, column in SHARED_COLUMNS:
        _compose_column(conn, name, column)
    _compose_grants(conn)
    _compose_versions(conn)
    state = sa.table("insights_state", sa.column("name", sa.String))
    op.execute(state.delete().where(state.c.name.in_(WATERMARKS)))


def downgrade() -> None:
    """Nothing to undo: the composed ids are what every version reads."""
