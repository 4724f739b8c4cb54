"""`DepartmentMoveStore` in SQL (see `kb.store.department_moves`).

The move is one transaction: the requests of the queue and the tasks of the
department are rewritten by two UPDATEs (the requests of those tasks locked
first, in the order a task's save locks them), each touched request's version goes
up (an edit begun before the move is refused, not saved under the old
name), and each gets its history entry. `updated` is left alone: the move is
no one's work on the request (it would reopen a requester's reopen window).
With `grants`, the roles held for the department move in the same
transaction: each account's grants are rewritten, its sessions end, and each
grant moved is a row of the grant history (`moved`, `kb.store.sql_grant_changes`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, select, update

from kb.accounts.grant_history import GrantChange
from kb.accounts.records import Role
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import RequestEntry
from kb.store.department_moves import DepartmentMove, DepartmentUse
from kb.store.schema import request_tasks, requests, users
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import read_changes, record_changes
from kb.store.sql_request_rows import insert_entry
from kb.validators import ensure_utc, normal_name

OPEN_STATUSES = tuple(s.value for s in RequestStatus if s.is_open)


class SqlDepartmentMoves(SqlBase):
    """The department moves part of `SqlStore`."""

    def department_use(self) -> list[DepartmentUse]:
        is_open = case((requests.c.status.in_(OPEN_STATUSES), 1), else_=0)
        queues = select(requests.c.department, func.count(), func.sum(is_open)).group_by(
            requests.c.department
        )
        tasks = select(request_tasks.c.department, func.count()).group_by(
            request_tasks.c.department
        )
        found: dict[str, DepartmentUse] = {}
        with self._read("count the requests of each department") as conn:
            for name, count, open_count in conn.execute(queues):
                found[name] = DepartmentUse(name, int(count), int(open_count or 0))
            for name, count in conn.execute(tasks):
                use = found.get(name, DepartmentUse(name))
                found[name] = DepartmentUse(name, use.requests, use.open, int(count))
        return [found[name] for name in sorted(found)]

    def move_department(
        self,
        department: str,
        to: str,
        actor: str,
        reason: str,
        ts: datetime,
        *,
        grants: bool = False,
    ) -> DepartmentMove:
        old, new, ts = normal_name(department), normal_name(to), ensure_utc("ts", ts)
        if not old or not new or old == new:
            raise ValueError(f"move a department to another one, got {old!r} to {new!r}")
        data = {"from_department": old, "to_department": new, "renamed": True}
        with self._write("move a department's requests") as conn:
            # The ids come from the UPDATEs themselves: on PostgreSQL a request
            # filed into the queue, or moved out of it, by a transaction that
            # commits while this one runs is seen by a statement begun after it,
            # so a SELECT before them could name other rows than they change.
            own = sorted(
                rid
                for (rid,) in conn.execute(
                    update(requests)
                    .where(requests.c.department == old)
                    .values(department=new, version=requests.c.version + 1)
                    .returning(requests.c.id)
                )
            )
            _lock_requests_of_tasks(conn, old)
            tasked = conn.execute(
                update(request_tasks)
                .where(request_tasks.c.department == old)
                .values(department=new, version=request_tasks.c.version + 1)
                .returning(request_tasks.c.request_id)
            ).all()
            others = sorted({rid for (rid,) in tasked} - set(own))
            if others:
                conn.execute(
                    update(requests)
                    .where(requests.c.id.in_(others))
                    .values(version=requests.c.version + 1)
                )
            moved = RequestEntry(
                request_id=1,
                actor=actor,
                kind="reassigned",
                message=reason,
                data=data,
                visible_to_requester=False,
                ts=ts,
            )
            noted = replace(moved, kind="comment", data={"renamed": data})
            for rid in own:
                insert_entry(conn, replace(moved, request_id=rid))
            for rid in others:
                insert_entry(conn, replace(noted, request_id=rid))
            change = GrantChange("", Role.AGENT, old, new, actor, reason, ts)
            moved_grants = _move_grants(conn, change) if grants else ()
        return DepartmentMove(old, new, tuple(own), tuple(others), len(tasked), moved_grants)

    def grant_changes(self, username: str | None = None) -> list[GrantChange]:
        with self._read("read the grant history") as conn:
            return read_changes(conn, username)


def _lock_requests_of_tasks(conn: Connection, department: str) -> None:
    """Lock the requests whose tasks `department` holds, before those tasks: a
    task's save locks its request, then the task (`kb.store.sql_tasks`), and
    taking them the other way round would deadlock with it on PostgreSQL (one
    side aborted, "try again")."""
    conn.execute(
        select(requests.c.id)
        .where(
            requests.c.id.in_(
                select(request_tasks.c.request_id).where(request_tasks.c.department == department)
            )
        )
        .order_by(requests.c.id)
        .with_for_update()
    ).all()


def _moved(grants: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    """The grants with `old` as `new`, each role for `new` once."""
    found: list[dict[str, Any]] = []
    for grant in grants:
        department = grant.get("department")
        moved = {
            **grant,
            "department": new if department and normal_name(department) == old else department,
        }
        if moved not in found:
            found.append(moved)
    return found


def _move_grants(conn: Connection, change: GrantChange) -> tuple[GrantChange, ...]:
    """Every role held for `change.department` becomes the role for `change.to`
    (the accounts' rows locked while they are rewritten), with a history row
    each; a holder's sessions end, since what they may do changed."""
    old, new = change.department, change.to
    done: list[GrantChange] = []
    rows = conn.execute(
        select(users.c.username, users.c.grants).order_by(users.c.username).with_for_update()
    ).all()
    for username, grants in rows:
        roles = [
            g["role"] for g in grants if g.get("department") and normal_name(g["department"]) == old
        ]
        if not roles:
            continue
        conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(
                grants=_moved(grants, old, new),
                session_generation=users.c.session_generation + 1,
            )
        )
        for role in dict.fromkeys(roles):
            done.append(replace(change, username=username, role=Role(role)))
    record_changes(conn, done)
    return tuple(done)
