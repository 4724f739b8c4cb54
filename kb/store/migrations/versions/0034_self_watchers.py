"""Which watchers of a request added themselves.

Revision ID: 0034_self_watchers
Revises: 0033_must_change_password
Create Date: 2026-12-04

`requests.self_watchers` lists those of a request's `watchers` who added
themselves and are not its requester (JSON). Such a watch gives no reading
of its own: the person reads the request, and gets its e-mails, only while a
role lets them. Existing requests get theirs from their history: a watcher
whose last `watchers` entry adding them is their own is a self-watcher; one
added by someone else, or by a merge of their duplicate since, is not.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0034_self_watchers"
down_revision = "0033_must_change_password"
branch_labels = None
depends_on = None

requests = sa.table(
    "requests",
    sa.column("id", sa.BigInteger),
    sa.column("requester", sa.Text),
    sa.column("watchers", sa.Text),
    sa.column("self_watchers", sa.Text),
)
entries = sa.table(
    "request_entries",
    sa.column("id", sa.BigInteger),
    sa.column("request_id", sa.BigInteger),
    sa.column("actor", sa.Text),
    sa.column("kind", sa.String),
    sa.column("data", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("self_watchers", sa.Text, nullable=False, server_default="[]"))
    conn = op.get_bind()
    watched = conn.execute(
        sa.select(requests.c.id, requests.c.requester, requests.c.watchers).where(
            requests.c.watchers != "[]"
        )
    ).all()
    for row in watched:
        found = _self_watchers(conn, row.id, row.requester, json.loads(row.watchers))
        if found:
            conn.execute(
                requests.update()
                .where(requests.c.id == row.id)
                .values(self_watchers=json.dumps(found, ensure_ascii=False, sort_keys=True))
            )


def _self_watchers(
    conn: sa.Connection, request_id: int, requester: str, watchers: list[str]
) -> list[str]:
    rows = conn.execute(
        sa.select(entries.c.actor, entries.c.kind, entries.c.data)
        .where(entries.c.request_id == request_id)
        .where(entries.c.kind.in_(["watchers", "merged"]))
        .order_by(entries.c.id)
    )
    added_by: dict[str, str] = {}  # watcher → who added them last
    for entry in rows:
        data = json.loads(entry.data or "{}")
        if entry.kind == "watchers" and data.get("added"):
            added_by[str(data["added"])] = entry.actor
        elif entry.kind == "merged" and "from" in data and data.get("requester"):
            added_by[str(data["requester"])] = ""  # a merge: never a self-watch
    return [w for w in watchers if w != requester and added_by.get(w) == w]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not a batch: SQLite's batch copies the table and drops the old one,
        # and the ON DELETE CASCADE of its children (histories, tasks, files)
        # would empty them. SQLite drops a plain column in place (3.35 on).
        op.execute("ALTER TABLE requests DROP COLUMN self_watchers")
    else:
        op.drop_column("requests", "self_watchers")
