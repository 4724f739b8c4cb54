"""Which rows of the grant history of every account to show: those of one
account, of one role, of one department (the administrators' page of every
account's history and `GET /api/accounts/+history`).

A department finds the rows whose grant names it, a move's either side; a
role finds the rows about that role (password rows are about none). The
filters are checked as the accounts list checks its own (`AccountQuery`): a
role or department that cannot be is a ValidationError naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.accounts.directory import MAX_NAME_CHARS, AccountQuery
from kb.accounts.grant_history import GrantChange
from kb.accounts.records import Role

FILTERS = ("account", "role", "department")


@dataclass(frozen=True)
class HistoryQuery:
    """Rows of `account` (its username, any letter case), about `role`, naming
    `department`; an empty filter finds every row."""

    account: str = ""
    role: Role | None = None
    department: str | None = None

    @classmethod
    def parse(cls, account: str | None, role: str | None, department: str | None) -> HistoryQuery:
        """From a filter form's or a URL's text."""
        checked = AccountQuery.parse(None, role, department)
        return cls(
            account=(account or "").strip()[:MAX_NAME_CHARS],
            role=checked.role,
            department=checked.department,
        )

    @property
    def active(self) -> bool:
        return bool(self.account or self.role or self.department)

    def matches(self, change: GrantChange) -> bool:
        if self.account and change.username.casefold() != self.account.casefold():
            return False
        if self.role is not None and change.role != self.role:
            return False
        return self.department is None or self.department in (change.department, change.to)

    def find(self, changes: Iterable[GrantChange]) -> list[GrantChange]:
        """The rows of `changes` the query finds, in their order."""
        return [c for c in changes if self.matches(c)]
