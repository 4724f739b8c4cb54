"""Requests of a department folder renamed or removed: finding them, moving them.

A request and its value-stream tasks name their department by its folder's
name. Renaming the folder (or removing it) leaves them under a name the
content root no longer has: in no queue anyone is offered. `orphaned` names
those departments (the admins' queue page lists them, with what to do),
`require_listed_queue` lets an admin read such a queue (read-only: nobody can
be its agent), and
`move_department` moves one department's requests and tasks to another
(`kb requests move-department OLD NEW`), through the store's one transaction
(`kb.store.department_moves`), each request with a history entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from kb.accounts.records import SYSTEM_USERNAME, Grant, User
from kb.errors import ValidationError
from kb.records import Department
from kb.requests import permissions
from kb.requests.departments import Departments
from kb.store.department_moves import DepartmentMove, DepartmentMoveStore, DepartmentUse
from kb.validators import normal_name, utc_now


def orphaned(
    store: DepartmentMoveStore, departments: Mapping[str, Department], triage: str
) -> list[DepartmentUse]:
    """The departments requests or tasks name that are neither a department of the
    content root nor the triage queue, by name."""
    known = {*map(normal_name, departments), normal_name(triage)}
    return [use for use in store.department_use() if normal_name(use.department) not in known]


def removed_queue(
    store: DepartmentMoveStore, departments: Mapping[str, Department], triage: str, name: str
) -> DepartmentUse | None:
    """What requests and tasks still name the department `name`, when the content
    root no longer has it (None: it has, or nothing names it)."""
    key = normal_name(name.strip())
    found = orphaned(store, departments, triage)
    return next((use for use in found if normal_name(use.department) == key), None)


def require_listed_queue(
    store: DepartmentMoveStore, departments: Departments, actor: User, department: str
) -> None:
    """Refuse to list a queue `actor` may not read: one of a department the
    content root does not have (`Departments.get`'s error), unless `actor` is
    an admin and requests or tasks still name it (its folder was renamed or
    removed: they read it, read-only, until it is moved); then one `actor` does
    not work."""
    try:
        departments.get(department)
    except ValidationError:
        if not permissions.is_admin(actor):
            raise
        if removed_queue(store, departments.by_slug, departments.triage, department) is None:
            raise
    permissions.require_queue(actor, department)


def move_department(
    store: DepartmentMoveStore,
    departments: Mapping[str, Department],
    triage: str,
    department: str,
    to: str,
    *,
    reason: str = "",
    actor: str = SYSTEM_USERNAME,
    clock: Callable[[], datetime] = utc_now,
    grants: bool = False,
) -> DepartmentMove:
    """Move every request and task of `department` to `to`, which must be a
    department of the content root (or the triage queue): a typo would move
    them into another queue nobody is offered. With `grants`, the roles held
    for `department` move too (`DepartmentMoveStore.move_department`)."""
    old, new = normal_name(department.strip()), normal_name(to.strip())
    known = sorted({*departments, triage})
    if new not in known:
        raise ValidationError(
            f"no department {new!r} in the content root to move the requests to; known: "
            f"{', '.join(known)}",
            details={"field": "to", "value": new},
            key="unknown_department",
            values={"value": new, "known": ", ".join(known)},
        )
    if not old or old == new:
        raise ValidationError(
            f"move the requests of another department than {new!r} to it",
            details={"field": "department", "value": old},
            key="move_department_same",
            values={"value": new},
        )
    message = reason.strip() or (
        f"Moved from the department {old} to {new} (its folder was renamed or removed)."
    )
    return store.move_department(old, new, actor, message, clock(), grants=grants)


def grants_naming(users: Iterable[User], department: str) -> list[tuple[str, Grant]]:
    """(username, grant) of every role held for `department`: what a move leaves
    behind without `grants`, for the command to name."""
    key = normal_name(department.strip())
    return [
        (user.username, grant)
        for user in users
        for grant in user.grants
        if grant.department is not None and normal_name(grant.department) == key
    ]
