"""Demonstration accounts with known passwords, for `make run` only."""

from __future__ import annotations

from collections.abc import Iterable

from kb.accounts.records import Grant, Role, User, hash_password
from kb.accounts.service import make_grant, refuse_reserved
from kb.store.protocols import Store

DEMO_DEPARTMENTS = ("hr", "it", "facilities", "finance", "legal", "operations", "triage")


def ensure_demo_users(
    store: Store, departments: Iterable[str] = DEMO_DEPARTMENTS
) -> list[tuple[str, str, list[str]]]:
    """Create demo accounts (username, password, roles) unless they exist.

    An employee, an agent per department, a content owner (of HR), an
    analyst and an admin; each password is the username plus `-demo`.
    Returns the accounts whose demo password works.
    """
    departments = list(departments)
    wanted: list[tuple[str, list[Grant]]] = [("employee", [Grant(role=Role.EMPLOYEE)])]
    wanted += [(f"agent-{d}", [make_grant(Role.AGENT, d)]) for d in departments]
    owner_dept = "hr" if "hr" in departments else departments[0] if departments else None
    if owner_dept:
        wanted.append(("content-owner", [make_grant(Role.CONTENT_OWNER, owner_dept)]))
    wanted += [("analyst", [Grant(role=Role.ANALYST)]), ("admin", [Grant(role=Role.ADMIN)])]
    accounts = []
    for username, grants in wanted:
        refuse_reserved(username)  # an agent's name comes from a department's
        password = f"{username}-demo"
        user = store.get_user(username)
        if user is None:
            user = User(username=username, grants=grants, password_hash=hash_password(password))
            store.add_user(user)
        elif not user.check_password(password):
            continue  # someone changed it: not a demo account any more
        accounts.append((username, password, [g.label for g in user.grants]))
    return accounts
