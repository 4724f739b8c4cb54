"""The grant history in SQL (`kb.accounts.grant_history`): rows of
`grant_changes`, written in the transaction that changes the account's
grants (`kb.store.sql_accounts`, `kb.store.sql_department_moves`) and read
oldest first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select

from kb.accounts.grant_history import GrantChange, GrantChangeKind, changes_of
from kb.accounts.records import Grant, Role
from kb.store.schema import grant_changes, users
from kb.validators import utc_now


def record_changes(conn: Connection, changes: Sequence[GrantChange]) -> None:
    """Add `changes` to the grant history."""
    if not changes:
        return
    conn.execute(
        insert(grant_changes),
        [
            {
                "username": c.username,
                "role": c.role.value if c.role is not None else "",
                "change": c.kind.value,
                "from_department": c.department,
                "to_department": c.to,
                "actor": c.actor,
                "reason": c.reason,
                "ts": c.ts,
            }
            for c in changes
        ],
    )


def read_changes(conn: Connection, username: str | None = None) -> list[GrantChange]:
    """The grant history (of `username` alone), oldest first."""
    query = select(grant_changes).order_by(grant_changes.c.id)
    if username is not None:
        query = query.where(grant_changes.c.username == username)
    return [
        GrantChange(
            r.username,
            Role(r.role) if r.role else None,
            r.from_department,
            r.to_department,
            r.actor,
            r.reason,
            r.ts,
            GrantChangeKind(r.change),
        )
        for r in conn.execute(query)
    ]


def grants_of(conn: Connection, username: str) -> list[Grant]:
    """The grants the account `username` holds now ([] without one)."""
    row = conn.execute(select(users.c.grants).where(users.c.username == username)).first()
    return [Grant(role=g["role"], department=g.get("department")) for g in row[0]] if row else []


def grants_value(grants: Sequence[Grant]) -> list[dict[str, str | None]]:
    """`grants` as the user row's JSON column holds them."""
    return [{"role": g.role.value, "department": g.department} for g in grants]


def revoke_all(
    conn: Connection, username: str, actor: str, reason: str, *, keep: Sequence[Grant] = ()
) -> None:
    """Write every grant of `username` but those in `keep` to the grant history
    as revoked (the account is about to go)."""
    held = [g for g in grants_of(conn, username) if g not in keep]
    record_changes(conn, changes_of(username, held, [], actor=actor, reason=reason, ts=utc_now()))
