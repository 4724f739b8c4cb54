"""Taking a role from an account (`kb users revoke`); giving one is
`kb.accounts.service.add_user`. Both are kept in the grant history
(`kb.accounts.grant_history`), which the store writes."""

from __future__ import annotations

import logging
from dataclasses import replace

from kb.accounts.records import SYSTEM_USERNAME, Role, User
from kb.accounts.service import existing_user, make_grant
from kb.errors import NotFoundError
from kb.store.protocols import Store

logger = logging.getLogger(__name__)


def revoke_role(
    store: Store,
    username: str,
    role: str | Role,
    department: str | None = None,
    *,
    actor: str = SYSTEM_USERNAME,
) -> User:
    """Take the grant `role` (for `department`) from the account `username`
    (exactly as stored), kept in the grant history by `actor`; its sessions
    end, since what it may do changed. NotFoundError when there is no such
    account, or it does not hold exactly that grant (the error names those it
    holds)."""
    grant = make_grant(role, department)
    existing = existing_user(store, username, "`kb users list` shows the accounts")
    if grant not in existing.grants:
        held = ", ".join(g.label for g in existing.grants) or "none"
        raise NotFoundError(
            f"{username} does not hold {grant.label}; their roles: {held}",
            details={"username": username, "role": grant.label},
            key="no_such_grant",
            values={"name": username, "role": grant.label, "held": held},
        )
    user = replace(existing, grants=[g for g in existing.grants if g != grant])
    store.update_user(user, actor=actor)
    store.end_sessions(username)
    logger.warning("accounts: %s no longer %s; their sessions have ended", username, grant.label)
    return user
