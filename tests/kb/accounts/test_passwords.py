"""`kb.accounts.passwords`, `kb users add --temporary-password` and `kb users
reset-password`: one-time passwords from `secrets`, printed once, kept as
hashes; the own password's rules are `kb users add`'s. `kb users password
--sso-only` keeps an administrator who can sign in by password."""

from __future__ import annotations

import json
import re

import pytest

from kb.accounts.passwords import check_new_password, temporary_password
from kb.errors import ValidationError
from tests.kb.conftest import on_both_backends
from tests.support import run_kb


def test_temporary_passwords_are_random_and_keep_the_rules() -> None:
    made = {temporary_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert re.fullmatch(r"([A-HJ-NP-Za-km-z2-9]{4}-){3}[A-HJ-NP-Za-km-z2-9]{4}", password)
        assert check_new_password(password) == password


def test_the_rules_are_those_of_users_add() -> None:
    with pytest.raises(ValidationError) as short:
        check_new_password("seven77")
    assert (
        short.value.key == "password_too_short" and short.value.details["field"] == "new_password"
    )
    with pytest.raises(ValidationError) as long:
        check_new_password("x" * 1025)
    assert long.value.key == "password_too_long"


def test_users_add_with_a_temporary_password(env: dict[str, str]) -> None:
    result = run_kb(
        env, "users", "add", "nina", "--role", "employee", "--temporary-password", "--reason", "new"
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"temporary password: (\S+)", result.output)
    assert found is not None
    from kb.cli.options import open_store
    from kb.settings import Settings

    with open_store(Settings.load(environ=env)) as store:
        nina = store.get_user("nina")
        assert nina is not None and nina.must_change_password
        assert nina.check_password(found.group(1))
        assert [c.kind.value for c in store.grant_changes("nina")][-1] == "temporary_password"
    again = run_kb(env, "users", "add", "nina", "--role", "analyst", "--temporary-password")
    assert again.exit_code != 0  # an existing account is reset on the page, not here
    both = run_kb(
        env, "users", "add", "x1", "--role", "employee", "--temporary-password", "--no-password"
    )
    assert both.exit_code == 2


@on_both_backends
def test_users_reset_password_prints_a_temporary_one_once(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "nina", "--role", "employee", "--password-stdin",
           input="first password\n")  # fmt: skip
    run_kb(env, "users", "add", "sam", "--role", "employee", "--no-password")
    result = run_kb(env, "users", "reset-password", "nina", "--reason", "forgot it")
    assert result.exit_code == 0, result.output
    found = re.search(r"temporary password: (\S+) \(shown only now", result.output)
    assert found is not None and result.output.count(found.group(1)) == 1
    from kb.cli.options import open_store
    from kb.settings import Settings

    with open_store(Settings.load(environ=env)) as store:
        nina = store.get_user("nina")
        assert nina is not None and nina.must_change_password
        assert nina.check_password(found.group(1)) and not nina.check_password("first password")
        last = store.grant_changes("nina")[-1]
        assert (last.kind.value, last.actor, last.reason) == (
            "temporary_password",
            "kb-cli",
            "forgot it",
        )
        assert found.group(1) not in str(last.as_dict())
    sso = run_kb(env, "users", "reset-password", "sam")
    assert sso.exit_code == 1 and "signs in by single sign-on" in sso.output
    assert run_kb(env, "users", "reset-password", "nobody").exit_code == 1


@on_both_backends
def test_users_password_sso_only_keeps_an_administrator_who_can_sign_in(
    env: dict[str, str],
) -> None:
    run_kb(env, "users", "add", "root", "--role", "admin", "--password-stdin",
           input="root password\n")  # fmt: skip
    run_kb(env, "users", "add", "rootsso", "--role", "admin", "--no-password")
    refused = run_kb(env, "users", "password", "root", "--sso-only")
    assert refused.exit_code == 1
    assert "root is the last administrator who signs in with a password" in refused.output
    assert "kb users add NAME --role admin" in refused.output
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["password"]) for u in listed] == [
        ("root", True),
        ("rootsso", False),
    ]
    # Behind single sign-on the identity provider decides: the password may go.
    header = run_kb({**env, "KB_AUTH_MODE": "header"}, "users", "password", "root", "--sso-only")
    assert header.exit_code == 0, header.output
    run_kb(env, "users", "password", "root", "--password-stdin", input="root password\n")
    run_kb(env, "users", "add", "ada", "--role", "admin", "--password-stdin",
           input="ada password\n")  # fmt: skip
    allowed = run_kb(env, "users", "password", "root", "--sso-only")
    assert allowed.exit_code == 0, allowed.output
    assert run_kb(env, "users", "password", "ada", "--sso-only").exit_code == 1


def _password_rows(env: dict[str, str], name: str) -> list[dict[str, object]]:
    rows = json.loads(run_kb(env, "users", "grant-history", name, "--json").output)
    return [r for r in rows if r["role"] is None]


@on_both_backends
def test_a_password_an_administrator_sets_or_removes_is_in_the_grant_history(
    env: dict[str, str],
) -> None:
    """`kb users password` changed how an account signs in and left no trace: an
    audit could not tell who set whose password, or when."""
    run_kb(env, "users", "add", "maria", "--role", "employee", "--no-password")
    assert _password_rows(env, "maria") == []
    secret = "new one for maria"
    given = run_kb(env, "users", "password", "maria", "--password-stdin", "--reason",
                   "locked out, ticket 42", input=secret + "\n")  # fmt: skip
    assert given.exit_code == 0, given.output
    assert given.output.splitlines()[-2:] == [
        "maria: new password; sessions ended",
        "grant history: password_set of maria by kb-cli, reason: locked out, ticket 42",
    ]
    removed = run_kb(env, "users", "password", "maria", "--sso-only", "--reason", "moved to SSO")
    assert removed.exit_code == 0, removed.output
    assert removed.output.splitlines()[-1] == (
        "grant history: password_removed of maria by kb-cli, reason: moved to SSO"
    )
    assert secret not in given.output + removed.output
    # Again: the account has no password left to remove, so nothing is recorded.
    again = run_kb(env, "users", "password", "maria", "--sso-only", "--reason", "twice")
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "maria: single sign-on only already; nothing changed"
    rows = _password_rows(env, "maria")
    assert [(r["change"], r["by"], r["reason"]) for r in rows] == [
        ("password_set", "kb-cli", "locked out, ticket 42"),
        ("password_removed", "kb-cli", "moved to SSO"),
    ]
    history = run_kb(env, "users", "grant-history", "maria").output
    assert "maria was given a new password" in history and "maria lost their password" in history
    # Never the password nor its hash.
    from kb.accounts.records import hash_password

    everything = history + json.dumps(rows)
    assert secret not in everything
    assert hash_password(secret).split("$")[0] not in everything  # the hash's scheme


@on_both_backends
def test_a_refused_password_removal_leaves_no_history_row(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "root", "--role", "admin", "--password-stdin",
           input="root password\n")  # fmt: skip
    refused = run_kb(env, "users", "password", "root", "--sso-only", "--reason", "tidy up")
    assert refused.exit_code == 1
    assert _password_rows(env, "root") == []


def test_users_add_giving_an_existing_account_a_password_is_in_the_history(
    env: dict[str, str],
) -> None:
    run_kb(env, "users", "add", "sam", "--role", "employee", "--no-password")
    again = run_kb(env, "users", "add", "sam", "--role", "analyst", "--password-stdin",
                   "--reason", "reports", input="sam password\n")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert [(r["change"], r["reason"]) for r in _password_rows(env, "sam")] == [
        ("password_set", "reports")
    ]
