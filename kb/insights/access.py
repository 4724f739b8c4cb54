"""Who sees which insights: analysts and admins everything, content owners
their own department's slice, everyone else nothing.

An analyst grant for one department (rather than all) is a slice too. Only
analysts and admins assign knowledge gaps to departments.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.accounts.records import Role, User
from kb.errors import PermissionDenied
from kb.validators import normal_name


@dataclass(frozen=True)
class InsightsScope:
    """The departments a reader may see (None: all) and whether they may assign gaps."""

    departments: frozenset[str] | None
    may_assign: bool

    def department(self, requested: str | None) -> str | None:
        """The department filter to apply: the requested one when allowed; for
        a reader of some departments only, their first when none is asked for."""
        requested = normal_name((requested or "").strip()) or None
        if self.departments is None:
            return requested
        if requested is None:
            return sorted(self.departments)[0]
        if requested not in self.departments:
            raise PermissionDenied(
                f"you may see insights of {', '.join(sorted(self.departments))} only, "
                f"not of {requested!r}",
                details={"department": requested},
                key="insights_departments",
                values={"departments": sorted(self.departments), "n": len(self.departments)},
            )
        return requested


def insights_scope(user: User) -> InsightsScope:
    """The reader's scope; PermissionDenied for employees and agents."""
    if user.has_role(Role.ADMIN):
        return InsightsScope(None, may_assign=True)
    if user.has_role(Role.ANALYST):
        found = user.departments(Role.ANALYST)
        return InsightsScope(None if found is None else frozenset(found), may_assign=True)
    owned = user.departments(Role.CONTENT_OWNER)
    if owned is None:
        return InsightsScope(None, may_assign=False)
    if owned:
        return InsightsScope(frozenset(owned), may_assign=False)
    raise PermissionDenied(
        "insights are for analysts, administrators and content owners; "
        "ask an administrator for the analyst role",
        details={"roles": sorted({g.role.value for g in user.grants})},
        key="insights_who",
    )


def check_assign(scope: InsightsScope) -> None:
    if not scope.may_assign:
        raise PermissionDenied(
            "only analysts and administrators assign knowledge gaps to departments",
            key="assign_gaps_who",
        )
