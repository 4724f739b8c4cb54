"""How the accounts page names roles, grants and the changes of the grant history
in the reader's language (grants as `webapp.role_names` names them, everywhere
the web shows one, refusals included)."""

from __future__ import annotations

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.records import Grant, Role
from webapp.departments import department_name
from webapp.i18n import gettext, label
from webapp.requests.presenters import department_choices
from webapp.role_names import grant_label


def change_grant(change: GrantChange) -> str:
    """The grant a history row is about; a move names both departments; a
    temporary password is about none."""
    if change.role is None:
        return "–"
    if change.kind is GrantChangeKind.MOVED:
        moved = gettext(
            "accounts_moved",
            source=department_name(change.department),
            target=department_name(change.to),
        )
        return f"{label('role', change.role.value)} – {moved}"
    return grant_label(Grant(role=change.role, department=change.department or None))


def role_choices() -> list[tuple[str, str]]:
    """(value, label) of every role, in the order of `Role`."""
    return [(role.value, label("role", role.value)) for role in Role]


def grant_choices() -> dict[str, object]:
    """The grant form's lists: the roles, and the departments a grant may name."""
    return {"roles": role_choices(), "departments": department_choices()}


def grant_departments() -> list[str]:
    """The departments a grant may name: those the grant form offers."""
    return [slug for slug, _ in department_choices()]
