"""Accounts: adding users and grants, passwords, SSO headers, demo users."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from kb.accounts.demo import DEMO_DEPARTMENTS, DEMO_TRIAGE, ensure_demo_users
from kb.accounts.records import MIN_PASSWORD_CHARS, Grant, Role, User, reserved_use
from kb.accounts.service import (
    add_user,
    authenticate,
    case_twins,
    parse_groups,
    rename_user,
    system_user,
    user_from_headers,
)
from kb.content.scanner import load_departments
from kb.errors import PermissionDenied, ValidationError
from kb.store.protocols import Store


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """One cheap PBKDF2 round instead of scrypt: these tests are about accounts, not
    hashing (kb.accounts.records is), and scrypt costs a third of a second per password."""

    def cheap(password: str) -> str:
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    monkeypatch.setattr("kb.accounts.service.hash_password", cheap)
    monkeypatch.setattr("kb.accounts.demo.hash_password", cheap)


def test_add_user_with_password_and_authenticate(store: Store) -> None:
    user = add_user(
        store, "maria", "agent", "it", password="correct horse", display_name="Maria K."
    )
    assert user.grants == [Grant(role=Role.AGENT, department="it")]
    assert user.password_hash and "correct horse" not in user.password_hash
    assert authenticate(store, "maria", "correct horse") == store.get_user("maria")
    assert authenticate(store, "maria", "wrong horse") is None
    assert authenticate(store, "nobody", "correct horse") is None
    assert authenticate(store, "not a name!", "x") is None


def test_adding_again_adds_a_grant_and_keeps_the_password(store: Store) -> None:
    add_user(store, "maria", "agent", "it", password="correct horse")
    user = add_user(store, "maria", "content_owner", "it")
    assert [g.role.value for g in user.grants] == ["agent", "content_owner"]
    assert authenticate(store, "maria", "correct horse") is not None
    again = add_user(store, "maria", "agent", "it")
    assert len(again.grants) == 2  # the same grant is not added twice


@pytest.mark.parametrize(
    ("args", "message", "german"),
    [
        (("x", "boss", None, None), "unknown role 'boss'; use one of employee, agent", "„boss“"),
        (("x", "admin", "it", None), "role admin is not per department", "Rolle „admin“"),
        (("x", "agent", "it/dept", None), "'it/dept' is not a department id", "„it/dept“"),
        (("x", "agent", ".it", None), "'.it' is not a department id", "„.it“"),
        (("x", "agent", "it", "short"), "password must have at least 8 characters", "8 Zeichen"),
        (("bad name", "agent", "it", None), "username must be 1-254 letters", "„bad name“"),
        (("alice\n", "agent", "it", None), "username must be 1-254 letters", "„alice"),
    ],
)
def test_bad_accounts_are_refused(store: Store, args: tuple, message: str, german: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationError, match=message) as refused:
        add_user(store, *args)
    assert german in refused.value.message_in("de")


@pytest.mark.parametrize("folder", ["Büro", "B\u00fcro", "Bu\u0308ro", "IT Dept", "ops_2"])
def test_any_name_a_department_folder_may_have_can_be_granted(store: Store, folder: str) -> None:
    """Department folders may be named `Büro` or `IT Dept`; grants took only
    `[a-z0-9_-]`, so such a department could get agents only through SSO. A
    name typed in decomposed form is stored composed, as the folder's id is."""
    user = add_user(store, "vera", "agent", folder, "correct horse")
    assert user.grants == [Grant(role=Role.AGENT, department=unicodedata.normalize("NFC", folder))]


def test_sso_headers_become_a_user() -> None:
    user = user_from_headers("maria@example.org", " agent:it, analyst ,content_owner:hr")
    assert user.username == "maria@example.org" and user.password_hash is None
    assert user.grants == [
        Grant(role=Role.AGENT, department="it"),
        Grant(role=Role.ANALYST),
        Grant(role=Role.CONTENT_OWNER, department="hr"),
    ]
    assert user_from_headers("bob", None).grants == []
    assert parse_groups("agent:it,agent:it") == [Grant(role=Role.AGENT, department="it")]


@pytest.mark.parametrize(
    ("user", "groups", "message", "german"),
    [
        (
            "bob",
            "agent:it,staff",
            "group 'staff' in X-Remote-Groups: unknown role 'staff'",
            "„staff“",
        ),
        ("bob", "agent:", "group 'agent:' names no department", "ohne Abteilung"),
        ("bob", "analyst:hr", "role analyst is not per department", "„analyst:hr“"),
        ("bob", "agent:it:x", "'it:x' is not a department id", "„agent:it:x“"),
        ("", "agent:it", "X-Remote-User '' is not a username", "„“ als Ihren Benutzernamen"),
        ("bob smith", "", "is not a username", "„bob smith“ als Ihren Benutzernamen"),
    ],
)
def test_malformed_headers_are_refused(user: str, groups: str, message: str, german: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        user_from_headers(user, groups)
    assert german in refused.value.message_in("de")  # as the employee's page shows it


def test_demo_users_are_created_once(store: Store) -> None:
    accounts = ensure_demo_users(store, departments=["it", "hr"])
    names = [a[0] for a in accounts]
    assert names == ["employee", "agent-it", "agent-hr", "owner-it", "owner-hr", "analyst", "admin"]
    for username, password, _ in accounts:
        assert authenticate(store, username, password) is not None
    assert dict((a[0], a[2]) for a in accounts)["agent-it"] == ["agent:it"]
    assert ensure_demo_users(store, departments=["it", "hr"]) == accounts


def test_each_sample_department_has_a_content_owner_in_the_demo(store: Store) -> None:
    sample = sorted(load_departments(Path(__file__).parents[3] / "content", DEMO_TRIAGE))
    assert sample and set(sample) <= set(DEMO_DEPARTMENTS)
    ensure_demo_users(store, [*sample, DEMO_TRIAGE])
    for department in sample:
        owner = authenticate(store, f"owner-{department}", f"owner-{department}-demo")
        assert owner is not None and owner.has_role(Role.CONTENT_OWNER, department)
    assert store.get_user(f"owner-{DEMO_TRIAGE}") is None  # the triage queue has no articles
    readme = (Path(__file__).parents[3] / "README.md").read_text("utf-8")
    table = readme.split("Demo accounts (", 1)[1].split("\n\n", 2)[1]
    assert all(f"`owner-{department}`" in table for department in sample), table


RESERVED = ["kb-cli", "KB-CLI", "Kb-Cli", "demo-traffic.p001", "DEMO-TRAFFIC.agent-it"]


@pytest.mark.parametrize("name", RESERVED)
def test_the_names_the_system_uses_for_itself_are_refused(store: Store, name: str) -> None:
    """Nothing stopped an account called `kb-cli`, the name the command line acts
    as in histories (or `demo-traffic.…`, whose requests `kb demo traffic --remove`
    deletes): creating, renaming and single sign-on refuse them, in any letter
    case and after the trimming and NFC that usernames get."""
    with pytest.raises(ValidationError, match=f"username '{name}' is reserved") as refused:
        add_user(store, name, "admin", password="correct horse")
    assert f"„{name}“ ist ein Name, den die Wissensdatenbank selbst" in refused.value.message_in(
        "de"
    )
    assert refused.value.details == {"field": "username", "value": name}
    add_user(store, "maria", "employee")
    with pytest.raises(ValidationError, match="is reserved"):
        rename_user(store, "maria", f"  {name} ")
    with pytest.raises(ValidationError, match="X-Remote-User .* is reserved"):
        user_from_headers(name, "admin")
    assert not [u.username for u in store.list_users() if reserved_use(u.username)]


@pytest.mark.parametrize("name", ["kb-cli", "Demo-Traffic.p001"])
def test_an_account_made_before_its_name_was_reserved_cannot_sign_in(
    store: Store, name: str
) -> None:
    """It is refused with the way out, but only once its password is right (a
    wrong one is a plain failure); renamed, it signs in with what it had."""
    store.add_user(User(username=name, password_hash=generate_password_hash("correct horse")))
    assert authenticate(store, name, "wrong horse") is None
    with pytest.raises(PermissionDenied, match=f"rename {name} NEWNAME") as refused:
        authenticate(store, name, "correct horse")
    assert refused.value.details == {"username": name}
    assert "bitte wenden Sie sich an die Administrierenden" in refused.value.message_in(
        "de"
    ).replace("Bitte", "bitte")
    rename_user(store, name, "ops.account")
    assert authenticate(store, "ops.account", "correct horse") == store.get_user("ops.account")


def test_names_near_the_reserved_ones_are_anyones() -> None:
    for name in ("kb-cli2", "kb-clive", "kb.cli", "demo-traffic", "demo-trafficker", "maria"):
        assert reserved_use(name) == ""
    assert reserved_use(system_user().username) != ""  # the command line's own name


def test_no_demo_account_takes_a_reserved_name(store: Store) -> None:
    accounts = ensure_demo_users(store, departments=["cli", "traffic", "it"])
    assert accounts and all(reserved_use(name) == "" for name, _, _ in accounts)


def test_system_user_is_an_admin() -> None:
    assert system_user().has_role(Role.ADMIN)


def test_sign_in_takes_any_letter_case_and_gives_the_stored_name(store: Store) -> None:
    add_user(store, "Maria.K", "employee", password="correct horse")
    for typed in ("Maria.K", "maria.k", "MARIA.K"):
        user = authenticate(store, typed, "correct horse")
        assert user is not None and user.username == "Maria.K"
    assert authenticate(store, "maria.k", "wrong horse!") is None


def test_case_twins_groups_names_that_differ_only_in_case_oldest_first() -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    accounts = [
        User(username="bob", created=t0),
        User(username="alice", created=t0 + timedelta(days=1)),
        User(username="Alice", created=t0),
        User(username="carol", created=t0),
    ]
    assert [[u.username for u in g] for g in case_twins(accounts)] == [["Alice", "alice"]]
    assert case_twins(accounts[:2]) == []
