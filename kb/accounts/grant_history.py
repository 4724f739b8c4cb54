"""The grant history: every role given, taken away or moved, by whom and when.

A `GrantChange` is one row of it (table `grant_changes`): `granted` when an
account got a role (`kb users add`, an account's first single sign-on, a
proxy sending a new group), `revoked` when it lost one (`kb users revoke`,
`kb users remove`, the proxy no longer sending the group), `moved` when a
department's roles moved with its requests (`kb requests move-department
--move-grants`), `temporary_password` when an administrator gave the account
a one-time password (created on the accounts page, or its password reset
there, `kb users add --temporary-password` or `kb users reset-password`),
`password_changed` when the account's holder chose their own password
(`/auth/password`, `POST /api/me/password`), `password_set` when an
administrator set it (`kb users password`, `kb users add` giving an existing
account a password) and `password_removed` when they took it away (`kb users
password --sso-only`); those four are rows about no role, by whom and when,
never the password itself. The store writes the rows in the
transaction that changes the account (`grant_diff` says what changed), so no
way of changing a grant leaves it out; `kb users grant-history` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kb.accounts.records import Grant, Role

# Who changes grants that no person changed: the proxy's groups header.
SSO_ACTOR = "single sign-on"


class GrantChangeKind(StrEnum):
    """What happened to a grant."""

    GRANTED = "granted"
    REVOKED = "revoked"
    MOVED = "moved"
    TEMPORARY_PASSWORD = "temporary_password"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_SET = "password_set"
    PASSWORD_REMOVED = "password_removed"


# The changes about an account's password, not a role.
PASSWORD_KINDS = frozenset(
    {
        GrantChangeKind.TEMPORARY_PASSWORD,
        GrantChangeKind.PASSWORD_CHANGED,
        GrantChangeKind.PASSWORD_SET,
        GrantChangeKind.PASSWORD_REMOVED,
    }
)


@dataclass(frozen=True)
class GrantChange:
    """One change of `username`'s `role`: for `department` (moved: from it to
    `to`; granted or revoked: the grant's department, "" for every one), by
    `actor` at `ts`, for `reason`. A password given or changed is about no
    role (`role` None, `department` "")."""

    username: str
    role: Role | None
    department: str
    to: str = ""
    actor: str = ""
    reason: str = ""
    ts: datetime | None = None
    kind: GrantChangeKind = GrantChangeKind.MOVED

    @property
    def grant(self) -> str:
        """The grant as `kb users list` shows it: `role:department` or `role`
        ("" for a password given or changed)."""
        if self.role is None:
            return ""
        return f"{self.role.value}:{self.department}" if self.department else self.role.value

    def as_dict(self) -> dict[str, object]:
        """The row as `kb users grant-history --json` and `GET
        /api/accounts/<username>/grant-history` give it."""
        moved = self.kind is GrantChangeKind.MOVED
        return {
            "username": self.username,
            "change": self.kind.value,
            "role": self.role.value if self.role is not None else None,
            "department": self.department or None,
            "from": self.department if moved else None,
            "to": self.to or None,
            "by": self.actor,
            "reason": self.reason,
            "ts": self.ts.isoformat() if self.ts else None,
        }

    @property
    def label(self) -> str:
        """`username role:department → role:to`, `username granted role:department`
        or `username revoked role`, as the command line says it."""
        if self.kind is GrantChangeKind.PASSWORD_CHANGED:
            return f"{self.username} changed their password"
        if self.kind is GrantChangeKind.PASSWORD_SET:
            return f"{self.username} was given a new password"
        if self.kind is GrantChangeKind.PASSWORD_REMOVED:
            return f"{self.username} lost their password (single sign-on only)"
        if self.role is None:
            return f"{self.username} was given a temporary password"
        if self.kind is GrantChangeKind.MOVED:
            return f"{self.username} {self.grant} → {self.role.value}:{self.to}"
        return f"{self.username} {self.kind.value} {self.grant}"


def password_change(
    username: str, kind: GrantChangeKind, *, actor: str, reason: str = "", ts: datetime
) -> GrantChange:
    """The history row of `username`'s password given (`temporary_password`),
    changed by its holder (`password_changed`), set or removed by an
    administrator (`password_set`, `password_removed`), by `actor` at `ts`:
    about no role, and never holding the password."""
    if kind not in PASSWORD_KINDS:
        raise ValueError(f"{kind.value!r} is no change of a password; use changes_of")
    return GrantChange(username, None, "", actor=actor, reason=reason, ts=ts, kind=kind)


def grant_diff(before: Iterable[Grant], after: Iterable[Grant]) -> tuple[list[Grant], list[Grant]]:
    """The grants `after` has and `before` lacks, and those `before` has and
    `after` lacks, each once, in their order."""
    old, new = list(dict.fromkeys(before)), list(dict.fromkeys(after))
    return [g for g in new if g not in old], [g for g in old if g not in new]


def changes_of(
    username: str,
    before: Iterable[Grant],
    after: Iterable[Grant],
    *,
    actor: str,
    reason: str,
    ts: datetime,
) -> list[GrantChange]:
    """The history rows of `username`'s grants going from `before` to `after`."""
    granted, revoked = grant_diff(before, after)
    return [
        GrantChange(username, g.role, g.department or "", "", actor, reason, ts, kind)
        for kind, grants in ((GrantChangeKind.REVOKED, revoked), (GrantChangeKind.GRANTED, granted))
        for g in grants
    ]
