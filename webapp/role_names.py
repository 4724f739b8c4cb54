"""How the web names roles and grants in the reader's language: by their
labels (`kb.i18n.labels`: `Bearbeitende`, `Agent`) and departments by their
names, on the accounts page and in refusals alike (`webapp.errors.message_for`),
never by their ids alone (`agent:it`), which are for programs and the command
line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kb.accounts.records import Grant, Role
from kb.accounts.service import DEPARTMENT_ROLES
from webapp.departments import department_name
from webapp.i18n import gettext, label


def grant_label(grant: Grant) -> str:
    """`Agent – IT Service Desk`, `Agent – every department`, `Administrator`."""
    role = label("role", grant.role.value)
    if grant.department:
        return f"{role} – {department_name(grant.department)}"
    if grant.role in DEPARTMENT_ROLES:
        return f"{role} – {gettext('accounts_every_department')}"
    return role


def error_roles(values: Mapping[str, Any], *, with_ids: bool) -> dict[str, str]:
    """The values of a refusal that are roles or grants (a `Role`, a `Grant`, or
    a list of them, such as the roles an account holds, `held`), named as the
    accounts page names them: `Bearbeitende – IT Service Desk`, not `agent:it`. With
    `with_ids` (the API) each also gives its id, as a program sends it:
    `Agent – IT Service Desk (agent:it)`."""
    shown: dict[str, str] = {}
    for name, value in values.items():
        items = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, Role | Grant) for item in items):
            continue
        if not items and name != "held":
            continue
        names = [_role_name(item, with_id=with_ids) for item in items]
        none = gettext("accounts_no_roles")
        shown[name] = ", ".join(names) or none[:1].lower() + none[1:]
    return shown


def _role_name(value: Role | Grant, *, with_id: bool) -> str:
    shown = grant_label(value) if isinstance(value, Grant) else label("role", value.value)
    return f"{shown} ({value})" if with_id else shown
