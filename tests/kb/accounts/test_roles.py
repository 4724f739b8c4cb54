"""Giving and taking roles with a reason (`kb.accounts.roles`), and finding
accounts by name, role and department (`kb.accounts.directory`)."""

from __future__ import annotations

import pytest

from kb.accounts.directory import AccountQuery, check_admin, find_accounts
from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.passwords import set_password
from kb.accounts.records import Grant, Role, User
from kb.accounts.roles import MAX_REASON_CHARS, grant_role, required_reason, revoke_role
from kb.accounts.service import add_user, authenticate
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.store.protocols import Store
from tests.support import ADMIN, IT_AGENT


def test_a_grant_names_who_gave_it_and_why(store: Store) -> None:
    user = grant_role(store, "ian", "agent", "hr", actor="root", reason="covers HR in May")
    assert Grant(role=Role.AGENT, department="hr") in user.grants
    assert store.get_user("ian").grants == user.grants  # type: ignore[union-attr]
    last = store.grant_changes("ian")[-1]
    assert (last.kind, last.grant, last.actor, last.reason) == (
        GrantChangeKind.GRANTED,
        "agent:hr",
        "root",
        "covers HR in May",
    )


def test_a_grant_ends_the_accounts_sessions(store: Store) -> None:
    before = store.get_user("ian").session_generation  # type: ignore[union-attr]
    grant_role(store, "ian", "analyst", actor="root", reason="reports")
    assert store.get_user("ian").session_generation > before  # type: ignore[union-attr]


def test_a_grant_is_refused_as_the_command_line_refuses_it(store: Store) -> None:
    with pytest.raises(ValidationError) as unknown:
        grant_role(store, "ian", "wizard", actor="root", reason="why not")
    assert unknown.value.key == "unknown_role"
    with pytest.raises(ValidationError) as per_department:
        grant_role(store, "ian", "admin", "it", actor="root", reason="x")
    assert per_department.value.details["field"] == "department"
    with pytest.raises(ValidationError) as bad_department:
        grant_role(store, "ian", "agent", "../etc", actor="root", reason="x")
    assert bad_department.value.key == "not_department_id"
    with pytest.raises(NotFoundError):  # the page grants to accounts that exist only
        grant_role(store, "nobody", "agent", "it", actor="root", reason="x")
    assert store.get_user("nobody") is None
    with pytest.raises(ConflictError) as held:
        grant_role(store, "ian", "agent", "it", actor="root", reason="again")
    assert held.value.key == "grant_held"
    assert [c.kind for c in store.grant_changes("ian")] == [GrantChangeKind.GRANTED]


@pytest.mark.parametrize("reason", ["", "   ", "x" * (MAX_REASON_CHARS + 1)])
def test_a_grant_or_revocation_on_the_page_needs_a_reason(store: Store, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        grant_role(store, "ian", "analyst", actor="root", reason=reason)
    assert refused.value.details["field"] == "reason"
    with pytest.raises(ValidationError):
        required_reason(reason)
    assert store.get_user("ian").grants == IT_AGENT.grants  # type: ignore[union-attr]
    assert required_reason("  moved\nto HR ") == "moved to HR"


def test_a_revocation_keeps_who_and_why(store: Store) -> None:
    user = revoke_role(store, "ian", "agent", "it", actor="root", reason="left IT")
    assert user.grants == []
    last = store.grant_changes("ian")[-1]
    assert (last.kind, last.actor, last.reason) == (GrantChangeKind.REVOKED, "root", "left IT")
    with pytest.raises(NotFoundError) as gone:
        revoke_role(store, "ian", "agent", "it", actor="root", reason="again")
    assert gone.value.key == "no_such_grant"


def test_the_last_admin_keeps_the_role_until_another_account_holds_it(store: Store) -> None:
    """Nobody could manage accounts on the web without an administrator: the
    last one's role is refused, nothing changes; with a second it is taken."""
    with pytest.raises(ConflictError) as refused:
        revoke_role(store, "root", "admin", actor="root", reason="handing over")
    assert refused.value.key == "last_admin"
    assert "kb users add" in str(refused.value)
    assert any(g.role is Role.ADMIN for g in store.get_user("root").grants)  # type: ignore[union-attr]
    grant_role(store, "ian", "admin", actor="root", reason="new administrator")
    assert revoke_role(store, "root", "admin", actor="ian", reason="handing over").grants == []


def test_only_admins_may_see_the_accounts() -> None:
    check_admin(ADMIN)
    with pytest.raises(PermissionDenied) as refused:
        check_admin(IT_AGENT)
    assert refused.value.key == "accounts_admin_only"


def _names(store: Store, name: str = "", role: str = "", department: str = "") -> list[str]:
    query = AccountQuery.parse(name, role, department)
    return [a.user.username for a in find_accounts(store.list_users(), query)]


def test_accounts_are_found_by_name_role_and_department(store: Store) -> None:
    add_user(store, "maria", "agent", display_name="Maria Roth")
    add_user(store, "otto", "content_owner", "it")
    assert _names(store) == ["fiona", "fritz", "hanna", "ian", "maria", "otto", "root", "tom"]
    assert _names(store, name="ROTH") == ["maria"]  # the display name too, any case
    assert _names(store, role="content_owner") == ["otto"]
    # A department: grants naming it, and agent or owner grants for every department.
    assert _names(store, department="it") == ["ian", "maria", "otto"]
    assert _names(store, role="agent", department="it") == ["ian", "maria"]
    assert _names(store, role="admin", department="it") == []
    assert _names(store, name="zzz") == []


def test_a_filter_that_cannot_be_is_refused_naming_its_field(store: Store) -> None:
    with pytest.raises(ValidationError) as role:
        AccountQuery.parse("", "wizard", "")
    assert role.value.details["field"] == "role"
    with pytest.raises(ValidationError) as department:
        AccountQuery.parse("", "", "no/such")
    assert department.value.details["field"] == "department"


def test_accounts_show_whether_they_sign_in_by_password_and_their_former_names() -> None:
    local = User(username="lena", password_hash="scrypt:x")
    sso = User(username="sam")
    found = find_accounts([sso, local], AccountQuery(), {"samuel": "sam"})
    assert [(a.user.username, a.single_sign_on, a.former_names) for a in found] == [
        ("lena", False, []),
        ("sam", True, ["samuel"]),
    ]


class RevokedWhileRead:
    """A store on which another administrator takes ian's agent role just
    before a change of an account is written: a grant that wrote the roles it
    had read before would give the role back."""

    WRITES = ("update_user", "change_grants", "update_sign_in")

    def __init__(self, store: Store) -> None:
        self.store, self.done = store, False

    def __getattr__(self, name: str) -> object:
        method = getattr(self.store, name)
        if name not in self.WRITES or self.done:
            return method
        self.done = True
        self.meanwhile()
        return method

    def meanwhile(self) -> None:
        revoke_role(self.store, "ian", "agent", "it", actor="root", reason="left IT")


def test_a_grant_never_gives_back_a_role_taken_while_it_ran(store: Store) -> None:
    """The grant is written in the transaction that reads the account's roles
    (`change_grants`), as a revoke is: an analyst's role given to ian at the
    moment his agent role is taken leaves him an analyst only."""
    grant_role(RevokedWhileRead(store), "ian", "analyst", actor="root", reason="reports")  # type: ignore[arg-type]
    assert store.get_user("ian").grants == [Grant(role=Role.ANALYST)]  # type: ignore[union-attr]
    kinds = [(c.kind, c.grant) for c in store.grant_changes("ian")][-2:]
    assert kinds == [(GrantChangeKind.REVOKED, "agent:it"), (GrantChangeKind.GRANTED, "analyst")]


def test_a_grant_held_already_is_refused_in_its_transaction(store: Store) -> None:
    """Two grants of one role at once give it once: the second is refused."""

    class GrantedWhileRead(RevokedWhileRead):
        def meanwhile(self) -> None:
            grant_role(self.store, "ian", "analyst", actor="root", reason="reports")

    with pytest.raises(ConflictError) as held:
        grant_role(GrantedWhileRead(store), "ian", "analyst", actor="root", reason="reports")  # type: ignore[arg-type]
    assert held.value.key == "grant_held"
    assert store.get_user("ian").grants.count(Grant(role=Role.ANALYST)) == 1  # type: ignore[union-attr]


def test_a_password_set_from_the_command_line_never_gives_back_a_role_taken_meanwhile(
    store: Store,
) -> None:
    """`kb users password` writes the password, not the roles it read before."""
    set_password(RevokedWhileRead(store), "ian", "a-new-passphrase")  # type: ignore[arg-type]
    assert store.get_user("ian").grants == []  # type: ignore[union-attr]
    assert authenticate(store, "ian", "a-new-passphrase") is not None


def test_adding_a_known_account_never_gives_back_a_role_taken_meanwhile(store: Store) -> None:
    """`kb users add` on an existing account gives the new grant in the
    transaction that reads its grants, and writes the password apart."""
    add_user(RevokedWhileRead(store), "ian", "analyst", password="another-passphrase")  # type: ignore[arg-type]
    assert store.get_user("ian").grants == [Grant(role=Role.ANALYST)]  # type: ignore[union-attr]
    assert authenticate(store, "ian", "another-passphrase") is not None
    add_user(store, "ian", "analyst", display_name="Ian K.")  # held already: only the name
    ian = store.get_user("ian")
    assert (
        ian is not None
        and ian.display_name == "Ian K."
        and ian.grants == [Grant(role=Role.ANALYST)]
    )
