"""Who may see and change which request.

* Everyone signed in is an employee: they may file requests, and see, comment
  on, reopen or close their own.
* An agent of a department works that department's queue: every request
  routed there, and the tasks of value-stream requests it owns. An agent
  grant without a department covers every queue (the triage queue included).
* A content owner of a department may read that department's requests, turn
  the resolved ones into draft articles and publish its drafts.
* Admins may do everything.

Refusals raise `PermissionDenied` saying who may do what was asked.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.accounts.records import Role, User
from kb.errors import PermissionDenied
from kb.requests.records import Request


def is_admin(user: User) -> bool:
    return user.has_role(Role.ADMIN)


def works_queue(user: User, department: str) -> bool:
    """True when `user` is an agent of `department` (or an admin)."""
    return is_admin(user) or user.has_role(Role.AGENT, department)


def owns_content(user: User, department: str) -> bool:
    """True when `user` is a content owner of `department` (or an admin)."""
    return is_admin(user) or user.has_role(Role.CONTENT_OWNER, department)


def is_requester(user: User, request: Request) -> bool:
    return user.username == request.requester


def can_view(user: User, request: Request, task_departments: Iterable[str] = ()) -> bool:
    """The requester, agents of its department or of one of its tasks, content owners
    of its department, and admins."""
    return (
        is_requester(user, request)
        or works_queue(user, request.department)
        or owns_content(user, request.department)
        or any(works_queue(user, d) for d in task_departments)
    )


def require_view(user: User, request: Request, task_departments: Iterable[str] = ()) -> None:
    if not can_view(user, request, task_departments):
        raise PermissionDenied(
            f"{user.username} may not see request {request.id}: only its requester, agents "
            f"and content owners of {request.department} and admins may",
            details={"request": request.id, "user": user.username},
        )


def require_agent(user: User, request: Request, what: str) -> None:
    """Refuse unless `user` works the queue the request is in."""
    if not works_queue(user, request.department):
        raise PermissionDenied(
            f"{user.username} may not {what} request {request.id}: only agents of "
            f"{request.department} and admins may; ask an admin for the role "
            f"agent:{request.department}",
            details={"request": request.id, "user": user.username, "action": what},
        )


def require_queue(user: User, department: str) -> None:
    if not works_queue(user, department):
        raise PermissionDenied(
            f"{user.username} may not work the {department} queue: only agents of "
            f"{department} and admins may; ask an admin for the role agent:{department}",
            details={"department": department, "user": user.username},
        )


def require_content_owner(user: User, department: str, what: str) -> None:
    if not owns_content(user, department):
        raise PermissionDenied(
            f"{user.username} may not {what} in {department}: only content owners of "
            f"{department} and admins may; ask an admin for the role content_owner:{department}",
            details={"department": department, "user": user.username, "action": what},
        )
