"""The command line: `kb users …` on a real store."""

from __future__ import annotations

import json

from tests.support import run_kb


def test_users_add_and_list(env: dict[str, str]) -> None:
    result = run_kb(
        env,
        "users",
        "add",
        "maria",
        "--role",
        "agent",
        "--department",
        "it",
        "--password-stdin",
        input="correct horse\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "maria: agent:it"
    prompted = run_kb(
        env,
        "users",
        "add",
        "olga",
        "--role",
        "content_owner",
        "--department",
        "hr",
        input="battery staple\nbattery staple\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert "olga: content_owner:hr" in prompted.output
    sso = run_kb(env, "users", "add", "sam", "--role", "analyst", "--no-password")
    assert sso.exit_code == 0
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["roles"], u["password"]) for u in listed] == [
        ("maria", ["agent:it"], True), ("olga", ["content_owner:hr"], True),
        ("sam", ["analyst"], False)]  # fmt: skip
    assert "sam\tanalyst  (SSO only)" in run_kb(env, "users", "list").output


def test_users_add_refuses_bad_input(env: dict[str, str]) -> None:
    result = run_kb(env, "users", "add", "x", "--role", "boss")
    assert result.exit_code == 1
    assert "unknown role 'boss'" in result.output
    short = run_kb(
        env, "users", "add", "x", "--role", "employee", "--password-stdin", input="abc\n"
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output
