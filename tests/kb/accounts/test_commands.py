"""The command line: `kb users …` on a real store."""

from __future__ import annotations

import json

import pytest

from tests.kb.conftest import on_both_backends
from tests.support import run_kb


@on_both_backends
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


def test_users_add_warns_of_a_department_with_no_folder(env: dict[str, str]) -> None:
    """`IT` for `it` is granted (the folder may come later) but said."""
    typo = run_kb(env, "users", "add", "ivan", "--role", "agent", "--department", "IT",
                  "--no-password")  # fmt: skip
    assert typo.exit_code == 0, typo.output
    assert "has no department folder 'IT'; its departments: hr, it" in typo.output
    assert "ivan: agent:IT" in typo.output
    for known in ("it", "triage"):
        fine = run_kb(env, "users", "add", "ivan", "--role", "agent", "--department", known,
                      "--no-password")  # fmt: skip
        assert fine.exit_code == 0 and "warning" not in fine.output, fine.output


def test_users_add_refuses_bad_input(env: dict[str, str]) -> None:
    result = run_kb(env, "users", "add", "x", "--role", "boss")
    assert result.exit_code == 1
    assert "unknown role 'boss'" in result.output
    short = run_kb(
        env, "users", "add", "x", "--role", "employee", "--password-stdin", input="abc\n"
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output


def test_users_password_changes_it_or_makes_the_account_sso_only(env: dict[str, str]) -> None:
    from kb.accounts.service import authenticate
    from kb.store.factory import create_store

    run_kb(
        env, "users", "add", "maria", "--role", "employee", "--password-stdin", input="old one!\n"
    )
    changed = run_kb(env, "users", "password", "maria", "--password-stdin", input="new one!\n")
    assert changed.exit_code == 0 and "sessions ended" in changed.output
    store = create_store(env["KB_DATABASE_URL"])
    try:
        assert authenticate(store, "maria", "old one!") is None
        user = authenticate(store, "maria", "new one!")
        assert user is not None and user.session_generation == 1
        assert run_kb(env, "users", "password", "maria", "--sso-only").exit_code == 0
        assert authenticate(store, "maria", "new one!") is None
        assert store.get_user("maria").session_generation == 2  # type: ignore[union-attr]
    finally:
        store.close()
    missing = run_kb(env, "users", "password", "nobody", "--sso-only")
    assert missing.exit_code != 0 and "no user named 'nobody'" in missing.output


@on_both_backends
def test_users_add_refuses_a_name_in_another_letter_case(env: dict[str, str]) -> None:
    added = run_kb(env, "users", "add", "maria", "--role", "employee", "--no-password")
    assert added.exit_code == 0, added.output
    # Refused before any password is asked for (no input is given here).
    twin = run_kb(env, "users", "add", "Maria", "--role", "admin")
    assert twin.exit_code == 1
    assert "a user named 'maria' already exists" in twin.output
    assert "Password" not in twin.output
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["roles"]) for u in listed] == [("maria", ["employee"])]
    checked = run_kb(env, "users", "check")
    assert checked.exit_code == 0
    assert "no usernames differ only in letter case" in checked.output


@on_both_backends
def test_users_rename_and_remove(env: dict[str, str]) -> None:
    from kb.requests.records import Request
    from kb.store.factory import create_store

    for name in ("maria", "olga"):
        run_kb(env, "users", "add", name, "--role", "agent", "--department", "it", "--no-password")
    renamed = run_kb(env, "users", "rename", "maria", "maria.k")
    assert renamed.exit_code == 0, renamed.output
    # Its grant history (the role given by `kb users add`) goes with it.
    assert renamed.output.splitlines()[0] == (
        "maria: renamed to maria.k (grant changes: 1); sessions ended"
    )
    taken = run_kb(env, "users", "rename", "maria.k", "OLGA")
    assert taken.exit_code == 1
    assert "`kb users rename maria.k olga --merge`" in taken.output
    bad = run_kb(env, "users", "rename", "maria.k", "maria k")
    assert bad.exit_code == 1 and "is not a username" in bad.output
    store = create_store(env["KB_DATABASE_URL"])
    try:
        held = store.create_request(
            Request(requester="olga", query="VPN", department="it", assignee="maria.k")
        )
    finally:
        store.close()
    refused = run_kb(env, "users", "remove", "maria.k")
    assert refused.exit_code == 1
    assert f"maria.k is assigned open work: request {held.id}" in refused.output
    assert "--unassign" in refused.output
    removed = run_kb(env, "users", "remove", "maria.k", "--unassign")
    assert removed.exit_code == 0, removed.output
    assert removed.output.splitlines() == [
        f"unassigned: request {held.id}",
        "maria.k: removed; their history shows maria.k (removed) (grant changes: 2)",
    ]
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [u["username"] for u in listed] == ["olga"]
    merged = run_kb(env, "users", "rename", "olga", "nobody", "--merge")
    assert merged.exit_code == 1 and "nothing to merge" in merged.output


def test_users_rename_merge_names_the_roles_it_does_not_carry_over(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "olga", "--role", "analyst", "--no-password")
    run_kb(env, "users", "add", "olga2", "--role", "agent", "--department", "it", "--no-password")
    run_kb(env, "users", "add", "olga2", "--role", "analyst")
    merged = run_kb(env, "users", "rename", "olga2", "Olga", "--merge")
    assert merged.exit_code == 0, merged.output
    assert merged.output.splitlines() == [
        "olga2: merged into olga (grant changes: 3); sessions ended",
        "single sign-on: while the proxy still sends olga2, it signs in as olga; rename olga2 "
        "at the identity provider too. olga2 is let go when the proxy first sends olga, or "
        "now with `kb users unalias olga2`",
        "olga did not get olga2's roles agent:it; give them with "
        "`kb users add olga --role …` where they are wanted",
    ]
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["roles"]) for u in listed] == [("olga", ["analyst"])]


@pytest.mark.parametrize("name", ["kb-cli", "KB-Cli", "demo-traffic.p001"])
def test_users_add_and_rename_refuse_the_names_the_system_uses(
    env: dict[str, str], name: str
) -> None:
    # Refused before a password is asked for (no input is given here).
    added = run_kb(env, "users", "add", name, "--role", "admin")
    assert added.exit_code == 1
    assert f"username {name!r} is reserved" in added.output and "Password" not in added.output
    run_kb(env, "users", "add", "maria", "--role", "employee", "--no-password")
    renamed = run_kb(env, "users", "rename", "maria", name)
    assert renamed.exit_code == 1 and "is reserved" in renamed.output
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [u["username"] for u in listed] == ["maria"]


def test_users_check_names_an_account_under_a_reserved_name(env: dict[str, str]) -> None:
    """One made before names were reserved: named, with the way out."""
    from kb.accounts.records import User
    from kb.store.factory import create_store

    store = create_store(env["KB_DATABASE_URL"])
    try:
        store.add_user(User(username="KB-CLI"))
    finally:
        store.close()
    checked = run_kb(env, "users", "check")
    assert checked.exit_code == 1
    assert "KB-CLI: a name the system uses for itself" in checked.output
    assert "`kb users rename KB-CLI NEWNAME`" in checked.output
    assert run_kb(env, "users", "rename", "KB-CLI", "ops.cli").exit_code == 0
    assert run_kb(env, "users", "check").exit_code == 0


def test_users_check_rename_offers_a_new_name_for_each_reserved_account(
    env: dict[str, str],
) -> None:
    """Asked again after a refused name; an empty answer leaves the account."""
    from kb.accounts.records import User
    from kb.store.factory import create_store

    store = create_store(env["KB_DATABASE_URL"])
    try:
        store.add_user(User(username="kb-cli"))
        store.add_user(User(username="demo-traffic.p007"))
        store.add_user(User(username="olga"))
    finally:
        store.close()
    # demo-traffic.p007 comes first: left as it is; kb-cli: "olga" is taken, then renamed.
    checked = run_kb(env, "users", "check", "--rename", input="\nolga\nops.cli\n")
    assert "not renamed: a user named 'olga' already exists" in checked.output
    assert "kb-cli: renamed to ops.cli" in checked.output
    assert checked.exit_code == 1  # demo-traffic.p007 is still reserved
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [u["username"] for u in listed] == ["demo-traffic.p007", "olga", "ops.cli"]


def test_users_rename_keeps_a_single_sign_on_name_and_unalias_lets_it_go(
    env: dict[str, str],
) -> None:
    run_kb(env, "users", "add", "sam", "--role", "analyst", "--no-password")
    renamed = run_kb(env, "users", "rename", "sam", "sam.k")
    assert renamed.exit_code == 0, renamed.output
    assert "while the proxy still sends sam, it signs in as sam.k" in renamed.output
    assert "`kb users unalias sam`" in renamed.output
    assert (
        "sam.k\tanalyst  (SSO only)  (single sign-on also as sam)"
        in run_kb(env, "users", "list").output
    )
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert listed[0]["former_names"] == ["sam"]
    refused = run_kb(env, "users", "add", "sam", "--role", "employee", "--no-password")
    assert refused.exit_code == 1 and "former name of 'sam.k'" in refused.output
    dropped = run_kb(env, "users", "unalias", "sam")
    assert dropped.exit_code == 0 and "sam: no longer signs in as sam.k" in dropped.output
    assert run_kb(env, "users", "add", "sam", "--role", "employee", "--no-password").exit_code == 0
    missing = run_kb(env, "users", "unalias", "nobody")
    assert missing.exit_code == 1 and "no account's former name" in missing.output


@on_both_backends
def test_users_revoke_and_every_grant_is_in_the_grant_history(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "ivan", "--role", "agent", "--department", "it", "--no-password")
    run_kb(env, "users", "add", "ivan", "--role", "analyst")
    revoked = run_kb(env, "users", "revoke", "ivan", "--role", "agent", "--department", "it")
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output.splitlines() == ["ivan: analyst; sessions ended"]
    again = run_kb(env, "users", "revoke", "ivan", "--role", "agent", "--department", "it")
    assert again.exit_code == 1
    assert "ivan does not hold agent:it; their roles: analyst" in again.output
    nobody = run_kb(env, "users", "revoke", "nobody", "--role", "admin")
    assert nobody.exit_code == 1 and "no user named 'nobody'" in nobody.output
    lines = run_kb(env, "users", "grant-history", "ivan").output.splitlines()
    assert [line.split("\t")[1:] for line in lines] == [
        ["ivan granted agent:it", "by kb-cli", "-"],
        ["ivan granted analyst", "by kb-cli", "-"],
        ["ivan revoked agent:it", "by kb-cli", "-"],
    ]
    assert lines[0].endswith("-") and " UTC" in lines[0].split("\t")[0]
    rows = json.loads(run_kb(env, "users", "grant-history", "--json").output)
    assert [(r["change"], r["role"], r["department"], r["from"], r["to"]) for r in rows] == [
        ("granted", "agent", "it", None, None),
        ("granted", "analyst", None, None, None),
        ("revoked", "agent", "it", None, None),
    ]
    assert all(r["by"] == "kb-cli" and r["ts"] for r in rows)


def test_users_add_and_revoke_keep_a_reason_in_the_grant_history(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "ivan", "--role", "analyst", "--no-password", "--reason", "reports")
    revoked = run_kb(env, "users", "revoke", "ivan", "--role", "analyst", "--reason", "moved on")
    assert revoked.exit_code == 0, revoked.output
    rows = json.loads(run_kb(env, "users", "grant-history", "ivan", "--json").output)
    assert [(r["change"], r["reason"]) for r in rows] == [
        ("granted", "reports"),
        ("revoked", "moved on"),
    ]


def test_users_remove_and_merge_keep_an_administrator(env: dict[str, str]) -> None:
    run_kb(env, "users", "add", "root", "--role", "admin", "--no-password")
    run_kb(env, "users", "add", "rootb", "--role", "analyst", "--no-password")
    removed = run_kb(env, "users", "remove", "root")
    assert removed.exit_code == 1
    assert "root is the last administrator" in removed.output
    assert "kb users add NAME --role admin" in removed.output
    merged = run_kb(env, "users", "rename", "root", "rootb", "--merge")
    assert merged.exit_code == 1
    assert "rootb does not hold the role" in merged.output
    assert "kb users add rootb --role admin" in merged.output
    listed = json.loads(run_kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["roles"]) for u in listed] == [
        ("root", ["admin"]),
        ("rootb", ["analyst"]),
    ]
    run_kb(env, "users", "add", "rootb", "--role", "admin")
    merged = run_kb(env, "users", "rename", "root", "rootb", "--merge")
    assert merged.exit_code == 0, merged.output
    assert run_kb(env, "users", "remove", "rootb").exit_code == 1


def test_users_grant_history_prints_no_escape_sequence_of_a_reason(env: dict[str, str]) -> None:
    """A reason is free text (an admin's, in the browser too): an escape sequence
    in it is printed as its escape, never sent to the terminal of who reads the
    history."""
    reason = "reports\x1b]52;c;eA==\x07\x1b[2J"
    run_kb(env, "users", "add", "ivan", "--role", "analyst", "--no-password", "--reason", reason)
    out = run_kb(env, "users", "grant-history", "ivan").output
    assert "\x1b" not in out and "\x07" not in out
    assert "reports\\x1b]52;c;eA==\\x07\\x1b[2J" in out
    rows = json.loads(run_kb(env, "users", "grant-history", "ivan", "--json").output)
    assert rows[0]["reason"] == reason  # what the store keeps is unchanged
