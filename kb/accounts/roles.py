"""Giving an account a role and taking one from it: `kb users add` and `kb
users revoke` at the command line, the accounts page on the web. Both are
kept in the grant history (`kb.accounts.grant_history`), which the store
writes, with who did it and why."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from kb.accounts.last_admin import refuse_revoking_last_admin
from kb.accounts.records import SYSTEM_USERNAME, Grant, Role, User
from kb.accounts.service import existing_user, make_grant
from kb.errors import ConflictError, NotFoundError, ValidationError
from kb.store.protocols import Store

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 500


def required_reason(reason: str | None) -> str:
    """`reason` trimmed; ValidationError (field `reason`) when it is empty or
    longer than MAX_REASON_CHARS: the grant history says why a role changed
    hands, and a change made on the web must say it."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError(
            "say why the role changes: the grant history keeps the reason",
            details={"field": "reason"},
            key="grant_reason_missing",
        )
    if len(text) > MAX_REASON_CHARS:
        raise ValidationError(
            f"the reason has {len(text)} characters; keep it to {MAX_REASON_CHARS}",
            details={"field": "reason"},
            key="grant_reason_too_long",
            values={"limit": MAX_REASON_CHARS, "n": len(text)},
        )
    return text


def refuse_unknown_department(grant: Grant, departments: Collection[str] | None) -> None:
    """ValidationError (field `department`) when `grant` names a department not
    among `departments`, where given (the page and the API offer only those)."""
    if departments is not None and grant.department and grant.department not in departments:
        known = ", ".join(sorted(departments))
        raise ValidationError(
            f"unknown department {grant.department!r}; known: {known}",
            details={"field": "department", "value": grant.department},
            key="unknown_department",
            values={"value": grant.department, "known": known},
        )


def grant_role(
    store: Store,
    username: str,
    role: str | Role,
    department: str | None = None,
    *,
    actor: str,
    reason: str,
    departments: Collection[str] | None = None,
) -> User:
    """Give the existing account `username` (exactly as stored) the grant `role`
    (for `department`), as `kb users add` does, kept in the grant history by
    `actor` for `reason` (required); its sessions end. NotFoundError without
    such an account, ConflictError when it holds that grant already;
    ValidationError (field `department`) for a department not among
    `departments`, where given (the page and the API offer only those)."""
    reason = required_reason(reason)
    grant = make_grant(role, department)
    refuse_unknown_department(grant, departments)
    existing = existing_user(store, username, "the accounts page lists the accounts")

    def with_grant(account: User, others: Sequence[User]) -> list[Grant]:
        if grant in account.grants:
            raise ConflictError(
                f"{username} holds {grant.label} already",
                details={"username": username, "role": grant.label},
                key="grant_held",
                values={"name": username, "role": grant},
            )
        return [*account.grants, grant]

    # Read and written in one transaction, as a revoke is: the roles read
    # before could be written back over another administrator's revoke.
    user = store.change_grants(existing.username, with_grant, actor=actor, reason=reason)
    logger.info("accounts: %s now also %s; their sessions have ended", username, grant.label)
    return user


def revoke_role(
    store: Store,
    username: str,
    role: str | Role,
    department: str | None = None,
    *,
    actor: str = SYSTEM_USERNAME,
    reason: str = "",
) -> User:
    """Take the grant `role` (for `department`) from the account `username`
    (exactly as stored), kept in the grant history by `actor` for `reason`;
    its sessions end, since what it may do changed. NotFoundError when there
    is no such account, or it does not hold exactly that grant (the error
    names those it holds); ConflictError when it is the last account holding
    the administrator role (nobody could then manage accounts on the web).
    The store checks both in the transaction that takes the grant, so two
    administrators taking each other's role at once cannot both succeed."""
    grant = make_grant(role, department)
    existing = existing_user(store, username, "`kb users list` shows the accounts")

    def without_grant(account: User, others: Sequence[User]) -> list[Grant]:
        if grant not in account.grants:
            held = ", ".join(g.label for g in account.grants) or "none"
            raise NotFoundError(
                f"{username} does not hold {grant.label}; their roles: {held}",
                details={"username": username, "role": grant.label},
                key="no_such_grant",
                values={"name": username, "role": grant, "held": list(account.grants)},
            )
        if grant.role is Role.ADMIN:
            refuse_revoking_last_admin(account.username, others)
        return [g for g in account.grants if g != grant]

    user = store.change_grants(existing.username, without_grant, actor=actor, reason=reason)
    logger.warning("accounts: %s no longer %s; their sessions have ended", username, grant.label)
    return user
