"""The accounts as administrators look them up: who holds which role, found by
name, role or department (the accounts page; `kb users list` at the command
line), and who may look (`check_admin`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kb.accounts.records import Grant, Role, User
from kb.accounts.service import DEPARTMENT_ROLES, make_grant, parse_role
from kb.errors import PermissionDenied
from kb.validators import normal_name

MAX_NAME_CHARS = 254


def check_admin(user: User) -> None:
    """PermissionDenied unless `user` is an administrator: only they see the
    accounts and change roles."""
    if not user.has_role(Role.ADMIN):
        raise PermissionDenied(
            "the accounts and their roles are for administrators",
            details={"roles": sorted({g.role.value for g in user.grants})},
            key="accounts_admin_only",
        )


@dataclass(frozen=True)
class Account:
    """A user as the accounts page shows them: with the former names single
    sign-on still signs in as (`kb users rename`)."""

    user: User
    former_names: list[str] = field(default_factory=list)

    @property
    def single_sign_on(self) -> bool:
        """No password: signs in through the proxy, whose groups replace the
        account's roles each time it signs in."""
        return self.user.password_hash is None

    def as_dict(self) -> dict[str, object]:
        """The account as `kb users list --json` and `GET /api/accounts` give it."""
        return {
            "username": self.user.username,
            "display_name": self.user.display_name,
            "roles": [g.label for g in self.user.grants],
            "password": not self.single_sign_on,
            "former_names": list(self.former_names),
        }


@dataclass(frozen=True)
class AccountQuery:
    """Which accounts to show: `name` in the username or display name (any
    letter case), holding `role`, holding a role for `department` (a grant
    naming it, or an agent or content-owner grant for every department)."""

    name: str = ""
    role: Role | None = None
    department: str | None = None

    @classmethod
    def parse(cls, name: str | None, role: str | None, department: str | None) -> AccountQuery:
        """From a filter form's text; ValidationError naming a role or
        department that cannot be (`make_grant`'s rules)."""
        role = (role or "").strip()
        department = (department or "").strip()
        if department:
            department = make_grant(Role.AGENT, department).department or ""
        return cls(
            name=" ".join((name or "").split())[:MAX_NAME_CHARS],
            role=parse_role(role) if role else None,
            department=normal_name(department) or None,
        )

    @property
    def active(self) -> bool:
        return bool(self.name or self.role or self.department)

    def matches(self, user: User) -> bool:
        needle = self.name.casefold()
        if needle and not any(needle in n.casefold() for n in (user.username, user.display_name)):
            return False
        if self.role is None and self.department is None:
            return True
        return any(self._grant_matches(g) for g in user.grants)

    def _grant_matches(self, grant: Grant) -> bool:
        if self.role is not None and grant.role != self.role:
            return False
        if self.department is None or grant.department == self.department:
            return True
        return grant.department is None and grant.role in DEPARTMENT_ROLES


def find_accounts(
    users: Iterable[User], query: AccountQuery, aliases: Mapping[str, str] | None = None
) -> list[Account]:
    """The accounts among `users` that `query` finds, by username; `aliases`
    (former name → account, `Store.aliases`) gives each its former names."""
    former: dict[str, list[str]] = {}
    for name, holder in sorted((aliases or {}).items()):
        former.setdefault(holder, []).append(name)
    found = sorted((u for u in users if query.matches(u)), key=lambda u: u.username.casefold())
    return [Account(u, former.get(u.username, [])) for u in found]
