"""Demonstration accounts with known passwords, for `make run` only."""

from __future__ import annotations

from collections.abc import Iterable

from kb.accounts.records import Grant, Role, User, hash_password
from kb.accounts.service import make_grant, refuse_reserved
from kb.store.protocols import Store

DEMO_DEPARTMENTS = ("hr", "it", "facilities", "finance", "legal", "operations", "triage")
DEMO_TRIAGE = "triage"


def demo_accounts(
    departments: Iterable[str], triage: str = DEMO_TRIAGE
) -> list[tuple[str, list[Grant]]]:
    """The demo accounts (username, grants): an employee, an agent per department and
    the triage queue, a content owner per department (the triage queue has no
    articles, so no owner), an analyst and an admin."""
    departments = list(departments)
    wanted: list[tuple[str, list[Grant]]] = [("employee", [Grant(role=Role.EMPLOYEE)])]
    wanted += [(f"agent-{d}", [make_grant(Role.AGENT, d)]) for d in departments]
    # One owner per department, so that a draft an agent writes can be published
    # by someone of that department and not only by the admin.
    wanted += [
        (f"owner-{d}", [make_grant(Role.CONTENT_OWNER, d)]) for d in departments if d != triage
    ]
    wanted += [("analyst", [Grant(role=Role.ANALYST)]), ("admin", [Grant(role=Role.ADMIN)])]
    return wanted


def ensure_demo_users(
    store: Store, departments: Iterable[str] = DEMO_DEPARTMENTS, triage: str = DEMO_TRIAGE
) -> list[tuple[str, str, list[str]]]:
    """Create the demo accounts (see `demo_accounts`) unless they exist; each
    password is the username plus `-demo`. Returns (username, password, roles)
    of the accounts whose demo password works."""
    accounts = []
    for username, grants in demo_accounts(departments, triage):
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
