"""Where the store names an account outside `users`, and moving those names.

Requests (requester, assignee, watchers), their tasks' assignees, history
entries (the actor, and the people an assignment, watcher change or merge
names), attachments (who uploaded), article versions (the author) and the
grant history (whose grant moved) name people by username, as text: no foreign key ties them to `users`, because
history outlives accounts. `kb users rename` moves every one of those names
to the new one in the transaction that renames the account; `kb users
remove` moves them to `removed_label(name)`, which no account can ever hold,
so what the person did stays readable and a later account of the same name
inherits none of it (nor the idempotency keys of its requests and the answers
kept for its retries, which are dropped). A rewritten request or task gets a new version, so an
edit begun before the move is refused rather than writing the old name back.
An assignment saved while the account is renamed or removed is checked
against `users` in its own transaction (`require_assignee`), so it cannot
name an account that has just gone; so is a request a signed-in account files
for itself (`require_requester`), which a later account of the freed name
would otherwise inherit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, select, type_coerce, update
from sqlalchemy.sql.elements import ColumnElement

from kb.accounts.records import User
from kb.errors import ConflictError, ValidationError
from kb.requests.lifecycle import RequestStatus, TaskStatus
from kb.requests.records import Request, RequestEntry
from kb.store.schema import (
    article_versions,
    grant_changes,
    request_attachments,
    request_entries,
    request_tasks,
    users,
)
from kb.store.schema import requests as requests_table
from kb.store.sql_replays import forget_account
from kb.store.sql_request_rows import insert_entry

# Entry kind → the keys of its `data` that hold usernames (and only those:
# a status entry's `from` and `to` are statuses, whatever the usernames).
PERSON_KEYS: dict[str, tuple[str, ...]] = {
    "assigned": ("from", "to"),
    "watchers": ("added", "removed"),
    "merged": ("requester",),
}
OPEN_STATUSES = [s.value for s in RequestStatus if s.is_open]
UNFINISHED_TASKS = [s.value for s in TaskStatus if not s.is_finished]


@dataclass(frozen=True)
class NameMoves:
    """How many rows of each kind named the account and were rewritten."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, rows: int) -> None:
        if rows:
            self.counts[what] = self.counts.get(what, 0) + rows


@dataclass(frozen=True)
class OpenAssignments:
    """Open requests (ids) and unfinished tasks (request id, task number) assigned to someone."""

    requests: list[int]
    tasks: list[tuple[int, int]]

    def __bool__(self) -> bool:
        return bool(self.requests or self.tasks)


def open_assignments(conn: Connection, username: str) -> OpenAssignments:
    """What `username` is assigned that is not finished yet."""
    found = conn.execute(
        select(requests_table.c.id)
        .where(requests_table.c.assignee == username)
        .where(requests_table.c.status.in_(OPEN_STATUSES))
        .order_by(requests_table.c.id)
    )
    tasks = conn.execute(
        select(request_tasks.c.request_id, request_tasks.c.task_no)
        .where(request_tasks.c.assignee == username)
        .where(request_tasks.c.status.in_(UNFINISHED_TASKS))
        .order_by(request_tasks.c.request_id, request_tasks.c.task_no)
    )
    return OpenAssignments(
        requests=[int(r.id) for r in found],
        tasks=[(int(t.request_id), int(t.task_no)) for t in tasks],
    )


def unassign_work(
    conn: Connection, username: str, held: OpenAssignments, actor: str, now: datetime
) -> None:
    """Take `held` from `username`, each request with an `assigned` entry by `actor`."""
    for request_id in held.requests:
        conn.execute(
            update(requests_table)
            .where(requests_table.c.id == request_id)
            .values(assignee=None, updated=now, version=requests_table.c.version + 1)
        )
        entry = RequestEntry(
            request_id=request_id,
            actor=actor,
            kind="assigned",
            data={"from": username, "to": None},
            visible_to_requester=False,
            ts=now,
        )
        insert_entry(conn, entry)
    for request_id, task_no in held.tasks:
        conn.execute(
            update(request_tasks)
            .where(request_tasks.c.request_id == request_id, request_tasks.c.task_no == task_no)
            .values(assignee=None, version=request_tasks.c.version + 1)
        )


def require_assignee(conn: Connection, request: Request, entry: RequestEntry) -> None:
    """An assignment saves only while its assignee's account exists, checked in the
    saving transaction: the service's check ran before it, and an account renamed
    or removed in between (`kb users rename`, `remove`) would leave the request
    with a name nobody holds. The account's row is locked for the transaction
    (PostgreSQL; SQLite's writers are serialised), so a rename or removal waits
    and then moves the name it finds here, or commits first and is seen here."""
    if entry.kind != "assigned" or request.assignee is None:
        return
    if _held_key(conn, request.assignee) is None:
        raise ValidationError(
            f"assignee: no account is named {request.assignee!r} any more (it was renamed or "
            "removed meanwhile); nothing was saved: choose the assignee again",
            details={"field": "assignee", "value": request.assignee},
            key="assignee_gone",
            values={"name": request.assignee},
        )


def require_requester(conn: Connection, request: Request, account: User) -> None:
    """A request `account` files for itself saves only while that account exists,
    checked in the saving transaction: removed (or renamed) after the web read
    it, the request would name a username nobody holds, which the next account
    given that name inherits. The same account, too: one removed and created
    again under the name is another person (its `person_key`). The row is
    locked as in `require_assignee`, so a removal or rename waits and then
    moves this request with the others, or commits first and is seen here."""
    if account.username != request.requester:
        raise ValueError(
            f"the request is filed for {request.requester!r}, not for the account "
            f"{account.username!r} given to check"
        )
    held = _held_key(conn, request.requester)
    if held is not None and (not account.person_key or held == account.person_key):
        return
    raise ConflictError(
        f"requester: the account {request.requester!r} was removed or renamed while the "
        "request was filed; nothing was filed: sign in again and file it anew",
        details={"field": "requester", "value": request.requester},
        key="requester_gone",
        values={"name": request.requester},
    )


def _held_key(conn: Connection, username: str) -> str | None:
    """The `person_key` of the account `username` ("" without one), its row locked
    until the transaction ends; None when no account is so named now."""
    found = (
        select(users.c.person_key).where(users.c.username == username).with_for_update(read=True)
    )
    row = conn.execute(found).first()
    return None if row is None else str(row.person_key or "")


def move_names(conn: Connection, old: str, new: str, *, watching: bool = True) -> NameMoves:
    """Rewrite every `old` outside `users` to `new`; without `watching`, `old`
    leaves watcher lists instead of becoming `new` there."""
    moves = NameMoves()
    # Idempotency keys are kept per username (`requester:key`, or its digest):
    # left as they are, a later account given the freed name, sending the same
    # key, would be answered with these requests. A retry of a submission from
    # before the change files a new request instead.
    conn.execute(
        update(requests_table)
        .where(requests_table.c.requester == old)
        .where(requests_table.c.idempotency_key.is_not(None))
        .values(idempotency_key=None)
    )
    forget_account(conn, old)  # the answers kept for its retries, likewise
    for column, what in (
        (requests_table.c.requester, "requests filed"),
        (requests_table.c.assignee, "requests assigned"),
    ):
        moves.add(
            what,
            conn.execute(
                update(requests_table)
                .where(column == old)
                .values({column.name: new, "version": requests_table.c.version + 1})
            ).rowcount,
        )
    moves.add(
        "tasks assigned",
        conn.execute(
            update(request_tasks)
            .where(request_tasks.c.assignee == old)
            .values(assignee=new, version=request_tasks.c.version + 1)
        ).rowcount,
    )
    moves.add("requests watched", _move_watchers(conn, old, new if watching else None))
    moves.add(
        "history entries",
        conn.execute(
            update(request_entries).where(request_entries.c.actor == old).values(actor=new)
        ).rowcount,
    )
    _move_entry_data(conn, old, new)
    for column, what in (
        (request_attachments.c.uploaded_by, "attachments"),
        (article_versions.c.author, "article versions"),
        (grant_changes.c.username, "grant changes"),
    ):
        moves.add(
            what,
            conn.execute(
                update(column.table).where(column == old).values({column.name: new})
            ).rowcount,
        )
    return moves


def mentions(column: Any, name: str) -> ColumnElement[bool]:
    """Rows whose JSON text may hold the string `name` (checked exactly in Python
    after: `_` in a username is LIKE's any-character, SQLite's LIKE ignores case)."""
    return type_coerce(column, Text).like(f'%"{name}"%')


def _move_watchers(conn: Connection, old: str, new: str | None) -> int:
    """Rename `old` among watchers and self-watchers (None: drop it). Merged into
    an account that watches the request too, the name is a self-watch only when
    both watches were."""
    rows = conn.execute(
        select(
            requests_table.c.id, requests_table.c.watchers, requests_table.c.self_watchers
        ).where(mentions(requests_table.c.watchers, old))
    ).all()

    def renamed(names: Iterable[str]) -> list[str]:
        if new is None:
            return [w for w in names if w != old]
        return _unique(new if w == old else w for w in names)

    moved = 0
    for row in rows:
        if old not in row.watchers:
            continue
        ordinary = set(renamed(w for w in row.watchers if w not in row.self_watchers))
        conn.execute(
            update(requests_table)
            .where(requests_table.c.id == row.id)
            .values(
                watchers=renamed(row.watchers),
                self_watchers=[w for w in renamed(row.self_watchers) if w not in ordinary],
                version=requests_table.c.version + 1,
            )
        )
        moved += 1
    return moved


def _move_entry_data(conn: Connection, old: str, new: str) -> None:
    rows = conn.execute(
        select(request_entries.c.id, request_entries.c.kind, request_entries.c.data)
        .where(request_entries.c.kind.in_(PERSON_KEYS))
        .where(mentions(request_entries.c.data, old))
    ).all()
    for row in rows:
        data = dict(row.data)
        for key in PERSON_KEYS[row.kind]:
            if data.get(key) == old:
                data[key] = new
        if data != row.data:
            conn.execute(
                update(request_entries).where(request_entries.c.id == row.id).values(data=data)
            )


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
