"""Finding rows of the grant history by account, role and department."""

from __future__ import annotations

import pytest

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.history_query import HistoryQuery
from kb.accounts.records import Role
from kb.errors import ValidationError

GRANTED = GrantChange("ivan", Role.AGENT, "it", kind=GrantChangeKind.GRANTED)
MOVED = GrantChange("Hanna", Role.AGENT, "hr", to="people", kind=GrantChangeKind.MOVED)
PASSWORD = GrantChange("ivan", None, "", kind=GrantChangeKind.PASSWORD_CHANGED)
ROWS = [GRANTED, MOVED, PASSWORD]


@pytest.mark.parametrize(
    ("account", "role", "department", "found"),
    [
        ("", "", "", ROWS),
        ("IVAN", None, None, [GRANTED, PASSWORD]),
        ("hanna", "", "", [MOVED]),
        ("", "agent", "", [GRANTED, MOVED]),
        ("", "", "people", [MOVED]),  # a move's either side
        ("", "", "hr", [MOVED]),
        ("ivan", "agent", "hr", []),
    ],
)
def test_rows_are_found_by_each_filter(
    account: str, role: str | None, department: str | None, found: list[GrantChange]
) -> None:
    query = HistoryQuery.parse(account, role, department)
    assert query.find(ROWS) == found
    assert query.active is (found != ROWS)


@pytest.mark.parametrize(
    ("role", "department", "field"), [("wizard", "", "role"), ("", "it/hr", "department")]
)
def test_a_role_or_department_that_cannot_be_is_refused_naming_it(
    role: str, department: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        HistoryQuery.parse("", role, department)
    assert refused.value.details["field"] == field
