"""The grant history keeps every role granted and revoked, not only those
moved with a department (`kb.accounts.grant_history`): the store writes it
in the transaction that changes the account, whoever changes it."""

from __future__ import annotations

from dataclasses import replace

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, User
from kb.store.protocols import Store

AGENT_IT = Grant(role="agent", department="it")
ANALYST = Grant(role="analyst")


def history(store: Store, username: str | None = None) -> list[tuple[str, ...]]:
    return [
        (c.username, c.kind.value, c.grant, c.actor, c.reason)
        for c in store.grant_changes(username)
    ]


def test_each_grant_added_or_taken_is_kept_with_who_and_when(store: Store) -> None:
    store.add_user(User(username="ivan", grants=[AGENT_IT]), actor="ada")
    ivan = store.get_user("ivan")
    assert ivan is not None
    ivan = replace(ivan, grants=[AGENT_IT, ANALYST])
    store.update_user(ivan)  # by the command line
    store.update_user(replace(ivan, display_name="Ivan K."), actor="ada")  # no grant changed
    store.update_user(replace(ivan, grants=[ANALYST]), actor="single sign-on", reason="groups")
    assert history(store, "ivan") == [
        ("ivan", "granted", "agent:it", "ada", ""),
        ("ivan", "granted", "analyst", "kb-cli", ""),
        ("ivan", "revoked", "agent:it", "single sign-on", "groups"),
    ]
    assert all(c.ts is not None and c.ts.tzinfo is not None for c in store.grant_changes())
    [revoked] = [c for c in store.grant_changes() if c.kind is GrantChangeKind.REVOKED]
    assert revoked.label == "ivan revoked agent:it" and revoked.to == ""


def test_a_removed_account_loses_its_roles_in_the_history_under_its_removed_name(
    store: Store,
) -> None:
    store.add_user(User(username="maria", grants=[AGENT_IT, ANALYST]))
    store.remove_user("maria", actor="kb-cli")
    assert history(store) == [
        ("maria (removed)", "granted", "agent:it", "kb-cli", ""),
        ("maria (removed)", "granted", "analyst", "kb-cli", ""),
        ("maria (removed)", "revoked", "agent:it", "kb-cli", "account removed"),
        ("maria (removed)", "revoked", "analyst", "kb-cli", "account removed"),
    ]


def test_a_merge_revokes_the_roles_it_does_not_carry_over(store: Store) -> None:
    store.add_user(User(username="olga", grants=[ANALYST]))
    store.add_user(User(username="olga2", grants=[AGENT_IT, ANALYST]))
    store.rename_user("olga2", "olga", merge=True)
    revoked = [c for c in store.grant_changes("olga") if c.kind is GrantChangeKind.REVOKED]
    assert [(c.grant, c.reason) for c in revoked] == [
        ("agent:it", "not carried over: olga2 merged into olga")
    ]
    assert store.get_user("olga").grants == [ANALYST]
