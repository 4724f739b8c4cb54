"""`kb.accounts.passwords` and `kb users add --temporary-password`: one-time
passwords from `secrets`, printed once, kept as hashes; the own password's
rules are `kb users add`'s."""

from __future__ import annotations

import re

import pytest

from kb.accounts.passwords import check_new_password, temporary_password
from kb.errors import ValidationError
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
