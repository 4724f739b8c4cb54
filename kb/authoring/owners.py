"""Who may edit a department's content: its content owners and the admins.

`AuthoringService` asks here before every read for the editor and every
write; the manage pages list the departments a reader owns from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.accounts.records import Grant, Role, User
from kb.errors import PermissionDenied


def owned_departments(actor: User, known: list[str]) -> list[str]:
    """The departments whose content `actor` may edit (all of them for admins)."""
    if actor.has_role(Role.ADMIN):
        return list(known)
    owned = actor.departments(Role.CONTENT_OWNER)
    return list(known) if owned is None else [d for d in known if d in owned]


def content_owners(users: Iterable[User], department: str) -> list[str]:
    """The usernames of the content owners of `department` among `users` (a grant
    for every department included; admins, who may edit it too, are not its
    owners): who publish its drafts."""
    return [u.username for u in users if u.has_role(Role.CONTENT_OWNER, department)]


def require_owner(actor: User, department: str) -> None:
    """`PermissionDenied` unless `actor` owns `department`'s content or is an admin."""
    if actor.has_role(Role.ADMIN) or actor.has_role(Role.CONTENT_OWNER, department):
        return
    raise PermissionDenied(
        f"{actor.username} may not edit articles of {department}: only content owners of "
        f"{department} and admins may; ask an admin for the role content_owner:{department}",
        details={"department": department, "user": actor.username},
        key="content_owner_who",
        values={
            "department": department,
            "role": Grant(role=Role.CONTENT_OWNER, department=department),
        },
    )
