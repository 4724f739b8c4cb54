"""Requests of a department whose folder was renamed or removed, and moving them.

A request names its department by the folder's name, as do its value-stream
tasks; renaming the folder leaves them under the old name, in a queue
nobody is offered. `DepartmentMoveStore.department_use` says which
departments requests and tasks name (the admins' queue page shows those the
content root no longer has), and `move_department` moves every request and
task of one department to another in one transaction (`kb requests
move-department`), with a history entry on each request it touches; given
`grants`, the roles held for the department move with it, each kept in the
grant history (`grant_changes`, `kb.accounts.grant_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kb.accounts.grant_history import GrantChange


@dataclass(frozen=True)
class DepartmentUse:
    """What names one department: requests in its queue (`open` of them still
    open) and value-stream tasks it owns, of requests of any queue."""

    department: str
    requests: int = 0
    open: int = 0
    tasks: int = 0


@dataclass(frozen=True)
class DepartmentMove:
    """What `move_department` moved: the requests of the queue, the requests of
    other queues whose tasks of the department moved, and the grants moved."""

    department: str
    to: str
    requests: tuple[int, ...] = ()
    with_tasks: tuple[int, ...] = ()
    tasks: int = 0
    grants: tuple[GrantChange, ...] = ()


class DepartmentMoveStore(Protocol):
    """Which departments requests name, and moving one department's to another."""

    def department_use(self) -> list[DepartmentUse]:
        """Every department a request or a task names, by name."""
        ...

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
        """Move every request and task of `department` to `to`, in one transaction:
        each request gets a new version and an internal history entry by `actor`
        (`reassigned` with `renamed` in its data for a request of the queue, an
        internal note for one whose tasks moved); assignees and statuses stay.
        With `grants`, every role held for `department` becomes the role for `to`
        (one grant where its holder had both), its holder's sessions end (what
        they may do changed), and each is kept in the grant history."""
        ...

    def grant_changes(self, username: str | None = None) -> list[GrantChange]:
        """The grant history (of `username` alone), oldest first: every role
        granted, revoked or moved (`kb.accounts.grant_history`)."""
        ...
