"""The department field of the web's grant forms (a new account, a role
granted on an account's page).

An agent or a content owner works for the department chosen, or for every
department only when "Every department" is chosen (`EVERY_DEPARTMENT`); the
field left at "None" is refused for them rather than read as every
department, so that a form sent without a look at the field never makes
someone an agent or a content owner of all of them. Roles that are not per
department take "None". The JSON API keeps its documented rule (no
`department`: every department).
"""

from __future__ import annotations

from kb.accounts.service import DEPARTMENT_ROLES, parse_role
from kb.errors import ValidationError

EVERY_DEPARTMENT = "*"


def form_department(role: str, value: str | None) -> str | None:
    """The grant's department as the form chose it: a slug, or None for every
    department (or for a role that is not per department)."""
    chosen = (value or "").strip()
    if chosen == EVERY_DEPARTMENT:
        return None
    if not chosen and _per_department(role):
        raise ValidationError(
            "department: choose the department an agent or content owner works for, "
            "or every department",
            details={"field": "department"},
            key="grant_department_missing",
        )
    return chosen or None


def _per_department(role: str) -> bool:
    try:
        return parse_role(role) in DEPARTMENT_ROLES
    except ValidationError:
        return False  # the grant itself names the unknown role
