"""Contract: a rename carries through to who the person is to insights (their
person key), their display name, and the notifications still queued for them;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError
from kb.notify.outbox import OutboxMessage
from kb.store.protocols import Store
from kb.store.schema import outbox, users

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ADDRESS = {"email:maria@corp.example": "email:maria.k@corp.example"}


def _messages(store: Any) -> dict[int, Any]:
    with store.engine.connect() as conn:
        return {row.id: row for row in conn.execute(select(outbox))}


def test_a_new_account_gets_a_person_key_that_a_rename_keeps(store: Store) -> None:
    store.add_user(User(username="maria", password_hash="x"))
    store.add_user(User(username="olga", display_name="Olga P."))
    maria = store.get_user("maria")
    assert maria is not None and maria.person_key.startswith("#")
    assert maria.display_name == "maria"  # the default: the username
    store.rename_user("maria", "maria.k")
    store.rename_user("olga", "olga.p")
    renamed = store.get_user("maria.k")
    assert renamed is not None and renamed.person_key == maria.person_key
    assert renamed.display_name == "maria.k"  # followed the name
    olga = store.get_user("olga.p")
    assert olga is not None and olga.display_name == "Olga P."  # chosen: kept
    # A later account given the freed name is someone else.
    store.add_user(User(username="maria"))
    later = store.get_user("maria")
    assert later is not None and later.person_key not in ("", maria.person_key)
    assert store.get_user("maria.k") == renamed


def test_an_account_from_before_person_keys_is_still_its_old_name(store: Any) -> None:
    store.add_user(User(username="maria"))
    with store.engine.begin() as conn:  # as migration 0021 left it
        conn.execute(update(users).values(person_key=None))
    before = store.get_user("maria")
    assert before is not None and before.person == "maria"
    store.rename_user("maria", "maria.k")
    store.rename_user("maria.k", "mk")
    after = store.get_user("mk")
    assert after is not None and after.person == "maria"


def _queue(store: Store) -> dict[str, int]:
    """A mail to maria (a self-watcher's: sent while she may read its request), a
    webhook naming her, one already sent, one to someone else."""
    payload = {
        "event": "request.updated",
        "request": {"id": 1, "requester": "maria", "assignee": "ivan", "watchers": ["maria"]},
        "entry": {"actor": "ivan", "kind": "assigned", "data": {"from": None, "to": "maria"}},
    }
    ids = {}
    for name, target, body in (
        (
            "mail",
            "email:maria@corp.example",
            {"subject": "Re: VPN", "text": "maria", "reader": "maria"},
        ),
        ("hook", "https://hooks.corp.example/it", payload),
        ("sent", "email:maria@corp.example", {"subject": "Old", "text": ""}),
        ("other", "email:olga@corp.example", {"subject": "Re: desk", "text": ""}),
    ):
        queued = store.enqueue(OutboxMessage(topic="request.updated", target=target, payload=body))
        assert queued.id is not None
        ids[name] = queued.id
    store.mark_delivered(ids["sent"], T0)
    return ids


def test_queued_mail_goes_to_the_renamed_account_and_webhooks_name_it(store: Any) -> None:
    store.add_user(User(username="maria"))
    ids = _queue(store)
    change = store.rename_user("maria", "maria.k", readdress=ADDRESS)
    assert change.moved["queued notifications"] == 2
    rows = _messages(store)
    assert rows[ids["mail"]].target == "email:maria.k@corp.example"
    assert rows[ids["mail"]].payload["text"] == "maria"  # text as written
    assert rows[ids["mail"]].payload["reader"] == "maria.k"  # sent while maria.k may read
    hook = rows[ids["hook"]].payload
    assert hook["request"]["requester"] == "maria.k" and hook["request"]["watchers"] == ["maria.k"]
    assert hook["request"]["assignee"] == "ivan" and hook["entry"]["actor"] == "ivan"
    assert hook["entry"]["data"] == {"from": None, "to": "maria.k"}
    assert rows[ids["sent"]].target == "email:maria@corp.example"  # sent: as it was
    assert rows[ids["other"]].target == "email:olga@corp.example"
    assert [m.id for m in store.due_messages(datetime.now(UTC) + timedelta(minutes=1))] == [
        ids["mail"], ids["hook"], ids["other"],
    ]  # fmt: skip


def test_queued_mail_without_an_address_now_is_given_up_with_the_reason(store: Any) -> None:
    store.add_user(User(username="maria"))
    ids = _queue(store)
    store.rename_user("maria", "maria.k", readdress={"email:maria@corp.example": None})
    mail = _messages(store)[ids["mail"]]
    assert mail.next_attempt_at is None and mail.target == "email:maria@corp.example"
    assert "the account maria is maria.k now, which has no e-mail address" in mail.last_error


def test_queued_mail_to_a_removed_account_is_not_sent(store: Any) -> None:
    store.add_user(User(username="maria"))
    ids = _queue(store)
    store.remove_user("maria", actor="kb-cli", readdress={"email:maria@corp.example": None})
    rows = _messages(store)
    assert rows[ids["mail"]].next_attempt_at is None
    assert rows[ids["hook"]].payload["request"]["requester"] == "maria (removed)"
    assert rows[ids["other"]].next_attempt_at is not None


def test_a_single_sign_on_account_keeps_its_old_name_for_the_proxy(store: Store) -> None:
    """Until the identity provider is renamed too, the proxy sends the old name:
    it stays the renamed account's, and nobody else may take it meanwhile."""
    store.add_user(User(username="maria"))  # no password: single sign-on only
    store.add_user(User(username="olga", password_hash="x"))
    change = store.rename_user("maria", "maria.k")
    assert change.sso_alias == "maria"
    assert store.alias_of("MARIA") == "maria.k" and store.alias_of("olga") is None
    with pytest.raises(ConflictError, match="former name of 'maria.k'.*unalias maria"):
        store.add_user(User(username="Maria"))
    with pytest.raises(ConflictError, match="former name of 'maria.k'"):
        store.rename_user("olga", "maria")
    store.rename_user("maria.k", "mk")  # a second rename carries the first
    assert store.aliases() == {"maria": "mk", "maria.k": "mk"}
    store.rename_user("mk", "maria")  # the name taken back is the account's again
    assert store.aliases() == {"maria.k": "maria", "mk": "maria"}
    assert store.aliases_of("maria") == ["maria.k", "mk"]
    assert store.rename_user("olga", "olga.p").sso_alias == ""  # a password account
    assert store.unalias("MK") == "maria"
    with pytest.raises(NotFoundError, match="'mk' is no account's former name"):
        store.unalias("mk")
    store.add_user(User(username="mk"))  # free again
    store.remove_user("maria", actor="kb-cli")
    assert store.aliases() == {}  # let go with the account
    store.add_user(User(username="maria.k"))


def test_a_merged_single_sign_on_account_leaves_its_name_to_the_one_it_joined(
    store: Store,
) -> None:
    store.add_user(User(username="ann"))
    store.add_user(User(username="anna"))
    store.rename_user("ann", "x.ann")
    change = store.rename_user("x.ann", "anna", merge=True)
    assert change.sso_alias == "x.ann"
    assert store.aliases() == {"ann": "anna", "x.ann": "anna"}
    assert store.unalias_all("anna") == ["ann", "x.ann"] and store.aliases() == {}
